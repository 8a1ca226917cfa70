//! Evidence records that are not sends: conversions (a code verified), a provider's block
//! of a send, and annotations (an expected change).

use super::*;

impl Engine {
    pub(super) fn conversion(&mut self, ev: &Event<'_>, now: Millis) {
        let own = self.tenant_key(ev);
        let candidates = conversion_keys(&self.keyer, &self.plan, own, ev);
        // A send of the conversion's tenant; a generic conversion without one takes the
        // tenant of the send its `verification_id` names.
        let any_tenant = ev.tenant.is_none() && ev.profile == profiles::Profile::Generic;
        let found = candidates.iter().find_map(|c| {
            self.state
                .sent
                .get(*c)
                .copied()
                .filter(|s| s.tenant == own || any_tenant)
                .map(|s| (*c, s))
        });
        let tenant = found.map_or(own, |(_, s)| s.tenant);
        let t = self.state.tenants.entry(tenant, || empty_tenant(now));
        t.conversions += 1;
        let Some((_, sent)) = found else {
            return;
        };
        if sent.verified {
            return;
        }
        t.conv_num += 1.0;
        let prior = signals::tenant_rate(t);
        // Every key the send is remembered by (a user's key may hold a later send of the user).
        for c in &candidates {
            if let Some(s) = self
                .state
                .sent
                .get_mut(*c)
                .filter(|s| s.at == sent.at && s.block_key == sent.block_key)
            {
                s.verified = true;
            }
        }
        if let Some(t) = self.state.tenants.get_mut(tenant) {
            if sent.workflow != 0 {
                signals::flow_verified(t, sent.workflow, now);
            }
            signals::delay_seen(t, now - sent.at);
            signals::conv_verified(&self.cfg, &mut t.conv, Some(sent.at), now, prior);
        }
        let flow_conv = Keyer::mix(
            flow_key(tenant, (sent.workflow != 0).then_some(sent.workflow)),
            KEY_FLOW_CONV,
        );
        // A stranger's send (`low_conversion.strangers`): its number had not verified and its
        // requester was not known.
        let stranger = stranger(&self.cfg, sent.known_good, sent.known_requester);
        for key in [
            flow_conv,
            if stranger {
                Keyer::mix(flow_conv, KEY_STRANGER_CONV)
            } else {
                0
            },
            if stranger {
                Keyer::mix(sent.country_key, KEY_STRANGER_CONV)
            } else {
                0
            },
            sent.country_key,
            sent.block_key,
            sent.rare_key,
            sent.source_keys[0],
            sent.source_keys[1],
            if sent.known_requester {
                Keyer::mix(sent.country_key, KEY_KNOWN_CONV)
            } else {
                0
            },
            if sent.known_requester {
                Keyer::mix(sent.block_key, KEY_KNOWN_CONV)
            } else {
                0
            },
            agent_conv_key(sent.country_key, sent.agent_class),
            if sent.short_block {
                Keyer::mix(sent.country_key, KEY_SHORT_BLOCK_CONV)
            } else {
                0
            },
            if sent.known_good {
                Keyer::mix(flow_conv, KEY_KNOWN_GOOD_CONV)
            } else {
                0
            },
        ] {
            if let Some(c) = self.state.convs.get_mut(key).filter(|_| key != 0) {
                signals::conv_verified(&self.cfg, c, Some(sent.at), now, prior);
            }
        }
        // The number is a known-good recipient from now on (`known_recipient`), and the
        // requester's network and user are known (`known_requester`).
        if sent.number != 0 {
            self.state.known_numbers.insert(sent.number);
        }
        for mark in sent.requester_marks.into_iter().filter(|&m| m != 0) {
            self.state.known.insert(mark);
        }
    }

    pub(super) fn source_block(&mut self, ev: &Event<'_>, now: Millis) {
        let tenant = self.tenant_key(ev);
        let wms = signals::window_ms(&self.cfg);
        if let Some(ip) = ev.ip.as_deref() {
            let key = Keyer::mix(tenant, self.keyer.hash(dom::IP, cut(ip, 512).as_bytes()));
            let s = self.state.sources.entry(key, Source::default);
            s.blocks.add(now, 1.0, wms);
            s.last = s.last.max(now);
        }
    }

    pub(super) fn annotation(&mut self, ev: &Event<'_>) {
        let Some((start, end)) = ev.window.filter(|(s, e)| s < e) else {
            return;
        };
        let a = ActiveAnnotation {
            tenant: self.tenant_key(ev),
            workflow: ev
                .workflow
                .as_deref()
                .map(|w| self.keyer.hash(dom::WORKFLOW, w.as_bytes())),
            country: ev
                .country_hint
                .as_deref()
                .and_then(|c| self.plan.country(c))
                .map(|c| c.id()),
            start,
            end,
            label: cut(ev.label.as_deref().unwrap_or("annotation"), 64).to_string(),
        };
        let list = &mut self.state.annotations;
        list.retain(|x| x.end >= self.state.clock);
        if list.len() >= self.cfg.limits.annotations {
            if let Some(i) = (0..list.len()).min_by_key(|&i| list[i].end) {
                list.swap_remove(i);
            }
        }
        list.push(a);
    }
}
