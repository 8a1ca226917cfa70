//! Signals and their combination: one SMS send against its keys' state, into a verdict
//! (the reasons with their weights, the score, the level and the action).

use super::*;

/// The conversion keys a send counts in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum ConvGroup {
    /// Flow × country.
    Country,
    /// Flow × number block.
    Block,
    /// Flow × the countries new to the tenant, together.
    Rare,
}

pub(super) fn empty_tenant(now: Millis) -> Tenant {
    Tenant {
        last: now,
        first: now,
        sends: 0,
        conversions: 0,
        long_run: Default::default(),
        window: Default::default(),
        countries: Vec::new(),
        workflows: Vec::new(),
        day: 0,
        day_count: 0,
        day_spend: 0.0,
        day_mark: 0,
        dow: [0.0; 7],
        days_seen: 0,
        conv_num: 0.0,
        conv_den: 0.0,
        conv: Conv::new(),
    }
}

/// Budget evidence of a tenant and the mark crossed.
pub(super) fn budget_reason(cfg: &Config, name: &str, t: &Tenant) -> Option<(Reason, u32)> {
    let b = cfg.budgets.tenants.get(name).unwrap_or(&cfg.budgets.default);
    let by_count = b.daily_count.map(|c| t.day_count as f64 / c as f64 * 100.0);
    let by_spend = b.daily_spend_usd.map(|s| t.day_spend / s * 100.0);
    let pct = by_count.into_iter().chain(by_spend).fold(0.0f64, f64::max);
    let i = cfg.budgets.marks.iter().rposition(|m| pct >= f64::from(*m))?;
    let mark = cfg.budgets.marks[i];
    let detail = match (by_count, by_spend) {
        (Some(c), Some(s)) if s >= c => {
            format!("{:.0}% of the daily spend budget ({:.2} USD)", s, t.day_spend)
        }
        (_, Some(s)) if by_count.is_none() => {
            format!("{:.0}% of the daily spend budget ({:.2} USD)", s, t.day_spend)
        }
        _ => format!("{:.0}% of the daily count budget ({} SMS)", pct, t.day_count),
    };
    Some((
        Reason {
            code: code::BUDGET,
            weight: cfg.budgets.weights.get(i).copied().unwrap_or(0) as i32,
            detail,
        },
        mark,
    ))
}

impl Engine {
    pub(super) fn score_sms(&mut self, ev: &Event<'_>, now: Millis) -> Verdict {
        let number = match self.normalize(ev) {
            Ok(n) => n,
            Err(v) => return *v,
        };
        let cfg = &self.cfg;
        let privacy = cfg.privacy.enabled;
        let k = &self.keyer;
        let tenant = self.tenant_key(ev);
        let workflow_hash = ev
            .workflow
            .as_deref()
            .map(|w| k.hash(dom::WORKFLOW, w.as_bytes()));
        let country = number.country;
        let block_digits = number.block(cfg.block_digits);
        let block = format!("+{block_digits}");
        let country_key = Keyer::mix(tenant, KEY_COUNTRY ^ u64::from(country.id()) << 8);
        // Conversion keys are per flow (tenant × workflow), never mixing workflows.
        let flow_key = flow_key(tenant, workflow_hash);
        let flow_country_key = Keyer::mix(flow_key, KEY_COUNTRY ^ u64::from(country.id()) << 8);
        let block_key = Keyer::mix(flow_key, k.hash(dom::BLOCK, block_digits.as_bytes()));
        let number_hash = k.hash(dom::NUMBER, number.digits().as_bytes());
        // A known-good recipient: this number verified a code of this tenant before (kept in the
        // bounded, keyed attribution map, so privacy mode holds and spraying cannot grow it).
        // A resend: the same number was sent a code within the grace period and has not verified
        // it yet (a user asking again, an app bug). It is not a new verification trial, so it does
        // not count in the conversion keys, and the first send keeps the attribution.
        let grace = cfg.signals.low_conversion.grace_secs as Millis * 1000;
        let (known_good, resend) =
            self.state
                .sent
                .get(Keyer::mix(tenant, number_hash))
                .map_or((false, false), |s| {
                    (
                        s.verified || s.known_good,
                        !s.verified && now >= s.at && now - s.at < grace,
                    )
                });
        let range_digits = number.range(cfg.adjacent_suffix_digits);
        let range = range_digits.map(|r| Keyer::mix(tenant, k.hash(dom::RANGE, r.as_bytes())));
        let suffix = if privacy {
            (k.hash(dom::SUFFIX, number.digits().as_bytes()) as u32) | 1
        } else {
            number.suffix(cfg.adjacent_suffix_digits)
        };
        let mut sources = Vec::new();
        for (kind, dm, val) in [
            ("ip", dom::IP, &ev.ip),
            ("user_agent", dom::UA, &ev.user_agent),
            ("user", dom::USER, &ev.user),
            ("session", dom::SESSION, &ev.session),
        ] {
            if let Some(v) = val.as_deref() {
                sources.push((kind, Keyer::mix(tenant, k.hash(dm, cut(v, 512).as_bytes()))));
            }
        }
        let first = match ev.message_id.as_deref() {
            Some(id) => {
                let mk = Keyer::mix(tenant, k.hash(dom::MESSAGE, cut(id, 256).as_bytes()));
                let fresh = self.state.messages.get(mk).is_none();
                self.state.messages.entry(mk, || crate::state::Seen(now)).0 = now;
                fresh
            }
            None => true,
        };
        let trial = first && !resend;
        let blocked = ev
            .provider_code
            .as_deref()
            .is_some_and(|c| self.provider_codes.contains(c));
        let segments = ev.segments.filter(|s| (1.0..=100.0).contains(s)).unwrap_or(1.0);
        let cost = if blocked {
            0.0
        } else {
            ev.price_usd
                .filter(|p| (0.0..1000.0).contains(p))
                .unwrap_or_else(|| self.tariffs.price(country) * segments)
        };
        let send = Send {
            now,
            first,
            workflow: workflow_hash.map(|w| Keyer::mix(tenant, w)),
            country,
            range,
            suffix,
            number: number_hash,
            sources,
        };
        // The requester (IP, else user, else session) and the user agent: each keeps conversion
        // counts of its own for the second condition of `source_velocity`.
        let source_of = |agent: bool| {
            send.sources
                .iter()
                .find(|(kind, _)| (*kind == "user_agent") == agent)
                .map(|s| s.1)
        };
        let (requester, agent) = (source_of(false), source_of(true));
        let source_conv_key = |s: Option<u64>| s.map_or(0, |sk| Keyer::mix(sk, KEY_SOURCE_CONV));
        let mut reasons: Vec<Reason> = Vec::new();
        let mut damped: Vec<Reason> = Vec::new(); // volume-type evidence an annotation may explain

        // Tenant: novelty, workflow concentration, budget.
        let t = self.state.tenants.entry(tenant, || empty_tenant(now));
        let view = signals::tenant_send(cfg, t, &send, workflow_hash, cost);
        signals::country_novelty(cfg, &view, &send, &mut damped);
        signals::workflow_concentration(
            cfg,
            t,
            workflow_hash,
            ev.workflow.as_deref().unwrap_or(""),
            now,
            &mut damped,
        );
        let dow = signals::dow_factor(t, now);
        let tenant_rate = signals::tenant_rate(t);
        // Conversion is judged against the flow's own baseline; a flow that does not send codes
        // (its history never converts) gets no shortfall.
        let flow = signals::flow_conversion(cfg, t, workflow_hash, now);
        let judge_conversion = matches!(
            flow,
            signals::FlowConversion::Rate(_) | signals::FlowConversion::Borrowed(_)
        );
        let own_baseline = matches!(flow, signals::FlowConversion::Rate(_));
        let prior = match flow {
            signals::FlowConversion::Rate(r) | signals::FlowConversion::Borrowed(r) if r > 0.0 => r,
            _ => tenant_rate,
        };
        let budget = budget_reason(cfg, ev.tenant.as_deref().unwrap_or(""), t);
        let tenant_snapshot = (t.sends, t.long_run);
        let tenant_window = f64::from(t.window.get(now, cfg.an0443.time_window_secs as Millis * 1000));

        // Volume: tenant, tenant × workflow, tenant × country.
        let mut spike: Option<Reason> = None;
        // The tenant's volume has a baseline and is not spiking (for the conversion-gap rule).
        let mut tenant_volume_ordinary = false;
        // This hour's share of the day, from the country's volume profile (else the tenant's).
        let mut season: Option<f64> = None;
        let vol_keys = [
            (Some(Keyer::mix(tenant, KEY_ALL)), 0u8),
            (send.workflow, 1),
            (Some(Keyer::mix(country_key, KEY_ALL)), 2),
        ];
        for (key, kind) in vol_keys {
            let Some(key) = key else { continue };
            let v = self.state.volumes.entry(key, || Volume {
                last: now,
                window: Default::default(),
                hour: 0,
                hour_count: 0,
                hours_seen: 0,
                hod: [0.0; 24],
            });
            if first {
                signals::volume_send(cfg, v, now);
            }
            let what = || match kind {
                0 => "tenant".to_string(),
                1 => format!("workflow {}", cut(ev.workflow.as_deref().unwrap_or(""), 64)),
                _ => format!("country {country}"),
            };
            if kind != 1 {
                season = signals::seasonal_factor(cfg, v, now, dow).or(season);
            }
            let r = signals::volume_spike(cfg, v, now, dow, kind == 2, what);
            if kind == 0 {
                tenant_volume_ordinary =
                    r.is_none() && v.hours_seen >= cfg.signals.volume_spike.min_history_hours;
            }
            if let Some(r) = r {
                if spike.as_ref().is_none_or(|s| r.weight > s.weight) {
                    spike = Some(r);
                }
            }
        }
        damped.extend(spike);
        let season = season.unwrap_or(1.0);

        // Conversion integrity: conversions collapsing over all of a tenant's traffic at its
        // ordinary volume are a gap in the conversion log (a webhook that stopped), not pumping
        // (pumping that large would raise the volume). The gap is its own reason, and conversion
        // evidence is set aside for the tenant while it lasts.
        let tc = &mut self.state.tenants.entry(tenant, || empty_tenant(now)).conv;
        if trial {
            signals::conv_send(cfg, tc, now, tenant_rate);
        }
        // Only sends to the tenant's usual countries are covered by a gap: a shortfall in a
        // country it rarely or never serves stays evidence.
        let usual_country =
            !view.new_country && view.country_share >= cfg.signals.conversion_gap.min_country_share;
        let gap = (cfg.signals.conversion_gap.enabled
            && tenant_rate > 0.0
            && tenant_volume_ordinary
            && usual_country)
            .then(|| signals::conversion_gap(cfg, tc, tenant_rate, now))
            .flatten();
        let judge_conversion = judge_conversion && gap.is_none();
        if let Some((v, n, p)) = gap {
            reasons.push(Reason {
                code: code::CONVERSION_GAP,
                weight: cfg.signals.conversion_gap.weight as i32,
                detail: format!(
                    "tenant: {v} of {n} verified in {}m (usual {:.0}%) at ordinary volume: a gap in the conversion log; conversion evidence set aside",
                    cfg.signals.low_conversion.window_secs / 60,
                    p * 100.0
                ),
            });
        }

        // Conversion.
        let mut conv_best: Option<Reason> = None;
        let mut conv_group: Option<ConvGroup> = None;
        // The shortfall's weight without the extra volume, when its weight rests on the extra
        // volume (`excess_llr`).
        let mut conv_counts_volume: Option<i32> = None;
        // Pumping spreads over countries the tenant has not served before: sends to countries
        // new to it (first sent to in the last `new_for_hours`) are also counted together, so a
        // slow attack over several of them fills one window. (Rare but known countries stay out:
        // a legitimate send there must not inherit an attack's shortfall.)
        let rare_key = (view.established && view.new_country).then(|| Keyer::mix(flow_key, KEY_RARE_CONV));
        // The flow across its countries: counted, not judged, so that a key's shortfall can be
        // set against the rest of its flow (`rest_converts`).
        let fc = self
            .state
            .convs
            .entry(Keyer::mix(flow_key, KEY_FLOW_CONV), Conv::new);
        if trial {
            signals::conv_send(cfg, fc, now, prior);
        }
        let flow_rate = signals::conv_rate(cfg, fc, prior);
        let rest = signals::REST_SPAN;
        let flow_window = (
            signals::matured_span(cfg, fc, now, rest),
            signals::usual_in(cfg, fc, season, rest),
        );
        // An open incident of the tenant on another block of this country: it explains the
        // country's accumulated evidence (see `ConvContext::may_accumulate`).
        let tenant_blocks_open = Keyer::mix(Keyer::mix(tenant, KEY_TENANT_BLOCKS), KEY_OPEN);
        let block_explains = self
            .open_incident(&[Some(tenant_blocks_open)], now)
            .is_some_and(|(_, inc)| inc.country == country.as_str() && inc.block != block);
        let mut usual: Option<(u32, u32, f64)> = None;
        // The country's matured window and baseline, for its blocks' `rest` of the country.
        let mut country_window = ((0, 0), 0.0);
        for (key, group) in [
            (
                Some(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV)),
                ConvGroup::Country,
            ),
            (Some(Keyer::mix(block_key, KEY_BLOCK_CONV)), ConvGroup::Block),
            (rare_key, ConvGroup::Rare),
        ] {
            let Some(key) = key else { continue };
            let c = self.state.convs.entry(key, Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            signals::conv_cusum(cfg, c, now, prior, season);
            if blocked {
                c.blocks
                    .add(now, 1.0, cfg.an0443.time_window_secs as Millis * 1000);
            }
            if judge_conversion && group == ConvGroup::Country {
                usual = signals::conversion_normal(cfg, c, prior, now);
                country_window = (signals::matured(cfg, c, now), signals::conv_rate(cfg, c, prior));
            }
            if cfg.signals.low_conversion.enabled && judge_conversion {
                let what = || match group {
                    ConvGroup::Block => format!("{country} {block}"),
                    ConvGroup::Country => country.to_string(),
                    ConvGroup::Rare => format!("countries new to the tenant ({country} …)"),
                };
                let block = (group == ConvGroup::Block).then(|| {
                    let (((vc, nc), p), (vb, nb)) = (country_window, signals::matured(cfg, c, now));
                    signals::binomial_surprise(
                        f64::from(vc.saturating_sub(vb)),
                        f64::from(nc.saturating_sub(nb)),
                        p,
                    )
                });
                let key_window = (
                    signals::matured_span(cfg, c, now, rest),
                    signals::usual_in(cfg, c, season, rest),
                );
                if let Some((r, from_volume)) = signals::low_conversion(
                    cfg,
                    c,
                    prior,
                    now,
                    signals::ConvContext {
                        block,
                        own_baseline,
                        season,
                        may_accumulate: signals::rest_converts(flow_window, key_window, flow_rate)
                            && !(group == ConvGroup::Country
                                && (block_explains || !cfg.signals.low_conversion.accumulate_countries)),
                    },
                    what,
                ) {
                    // The more specific key wins a tie: a block's evidence places the attack.
                    let better = conv_best.as_ref().is_none_or(|b| {
                        r.weight > b.weight || (r.weight == b.weight && group == ConvGroup::Block)
                    });
                    if better {
                        conv_best = Some(r);
                        conv_group = Some(group);
                        conv_counts_volume = from_volume;
                    }
                }
            }
        }
        if conv_best.is_some() {
            usual = None;
        }
        // Evidence is counted once: a shortfall weighed by how far the extra sends explain it
        // has used the volume, so a volume spike is not added to it again. The shortfall keeps
        // the larger of that weight and its plain weight plus the spike's.
        if let (Some(base), Some(r)) = (conv_counts_volume, conv_best.as_mut()) {
            if let Some(i) = damped.iter().position(|d| d.code == code::VOLUME_SPIKE) {
                let spike = damped.remove(i);
                r.weight = r.weight.max(base + spike.weight);
                r.detail.push_str(&format!("; {}", spike.detail));
            }
        }
        reasons.extend(conv_best);
        let pb = &cfg.signals.provider_block;
        if pb.enabled {
            if blocked {
                reasons.push(Reason {
                    code: code::PROVIDER_BLOCK,
                    weight: pb.weight as i32,
                    detail: format!(
                        "{} blocked this send ({})",
                        ev.profile.as_str(),
                        cut(ev.provider_code.as_deref().unwrap_or(""), 64)
                    ),
                });
            } else if let Some(c) = self
                .state
                .convs
                .get(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV))
            {
                let n = c.blocks.get(now, cfg.an0443.time_window_secs as Millis * 1000);
                if n >= 0.5 {
                    reasons.push(Reason {
                        code: code::PROVIDER_BLOCK,
                        weight: pb.neighbour_weight as i32,
                        detail: format!(
                            "provider blocked {:.0} recent send(s) of this tenant to {country}",
                            n.ceil()
                        ),
                    });
                }
            }
        }

        // Conversion attribution for later: by reference and by number.
        if trial {
            let sent = SentRef {
                at: now,
                tenant,
                country_key: Keyer::mix(flow_country_key, KEY_COUNTRY_CONV),
                block_key: Keyer::mix(block_key, KEY_BLOCK_CONV),
                rare_key: rare_key.unwrap_or(0),
                workflow: workflow_hash.unwrap_or(0),
                source_keys: [source_conv_key(requester), source_conv_key(agent)],
                verified: false,
                known_good,
            };
            if let Some(r) = ev.conversion_ref.as_deref() {
                *self.state.sent.entry(
                    Keyer::mix(tenant, k.hash(dom::REF, cut(r, 256).as_bytes())),
                    || sent,
                ) = sent;
            }
            *self.state.sent.entry(Keyer::mix(tenant, number_hash), || sent) = sent;
        }

        // Adjacent numbers.
        if let (Some(rk), Some(digits)) = (send.range, range_digits) {
            let shown = || {
                if privacy {
                    format!("one range of {block}…")
                } else {
                    format!("+{digits}{}", "x".repeat(cfg.adjacent_suffix_digits))
                }
            };
            let r = self.state.ranges.entry(rk, Range::default);
            reasons.extend(signals::adjacent(cfg, r, &send, shown, privacy));
        }

        // The block's history in this flow before its current buckets (decayed, attack-like
        // buckets at 5 %), to compare with what it receives now.
        let wms = cfg.an0443.time_window_secs as Millis * 1000;
        let (history, recent) = self
            .state
            .convs
            .get(Keyer::mix(block_key, KEY_BLOCK_CONV))
            .map_or((0.0, 0), |c| {
                (f64::from(c.rate_den), signals::sends_since(cfg, c, now - wms))
            });
        // A block this flow has next to no history in.
        let block_fresh = history < 16.0;

        // A block new to the flow, suddenly receiving many distinct numbers.
        let fb = &cfg.signals.fresh_block;
        if fb.enabled {
            // Distinct numbers are tracked only for a block without much history that had an
            // earlier send in the window: most blocks never need the entry (its first number
            // is then not counted, one send of delay).
            if block_fresh && recent >= 2 {
                let since = (now - wms).div_euclid(1000) as u32;
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(block_key, KEY_BLOCK_NUMBERS), Range::default);
                if send.first {
                    r.seen.see((number_hash as u32) | 1, now.div_euclid(1000) as u32);
                    r.last = r.last.max(now);
                }
                let n = r.seen.count_since(since);
                // Concentrated: the block carries at least `min_share` of the tenant's window (a
                // tenant's legitimate growth, even a brand-new tenant's, spreads over many blocks).
                let concentrated = f64::from(n) >= fb.min_share * tenant_window;
                if n >= fb.min_distinct && history < f64::from(n) && concentrated {
                    let x = f64::from(n - fb.min_distinct)
                        / f64::from(16u32.saturating_sub(fb.min_distinct).max(1));
                    reasons.push(Reason {
                        code: code::FRESH_BLOCK,
                        weight: (f64::from(fb.min_weight)
                            + (f64::from(fb.max_weight) - f64::from(fb.min_weight)) * x.min(1.0))
                        .round() as i32,
                        detail: format!(
                            "{block}, next to no history in this flow: {n} distinct numbers in {} min",
                            cfg.an0443.time_window_secs / 60
                        ),
                    });
                }
            }
        }

        // The block across tenants: several tenants that had next to no history in one block
        // all reaching many numbers of it within hours. Busy blocks that tenants reach every day
        // are not counted, so only blocks new to each of them add up; the window is hours long,
        // so a block pumped slowly through several tenants accumulates.
        let sb = &cfg.signals.shared_block;
        let global_block = k.hash(dom::BLOCK, block_digits.as_bytes());
        if sb.enabled {
            let since = (now - sb.window_secs as Millis * 1000).div_euclid(1000) as u32;
            let stamp = now.div_euclid(1000) as u32;
            // Every send counts in the block's platform-wide history: a block whose long-run
            // count is mostly recent is new to the whole platform (a block every tenant
            // reaches daily has a long history).
            let r = self
                .state
                .ranges
                .entry(Keyer::mix(global_block, KEY_SHARED_NUMBERS), Range::default);
            let (fast, slow) = (SHARED_FAST_HALF_LIFE, SHARED_SLOW_HALF_LIFE);
            if send.first {
                r.recent.add(now, 1.0, fast);
                r.long_run.add(now, 1.0, slow);
                r.last = r.last.max(now);
            }
            let new_to_platform = r.long_run.get(now, slow) < 3.0 * r.recent.get(now, fast);
            let mut distinct = |key: u64, value: u64| {
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(global_block, key), Range::default);
                if send.first {
                    r.seen.see((value as u32) | 1, stamp);
                    r.last = r.last.max(now);
                }
                r.seen.count_since(since)
            };
            // A tenant counts when the block is new to its flow and carries a share of its
            // window (an attack concentrates; a tenant's ordinary sends spread over blocks).
            let concentrated = f64::from(recent) >= sb.min_share * tenant_window;
            let (n, t) = if block_fresh && view.established && concentrated {
                (
                    distinct(KEY_SHARED_NUMBERS, number_hash),
                    distinct(KEY_SHARED_TENANTS, tenant),
                )
            } else {
                (0, 0)
            };
            if new_to_platform && t >= sb.min_tenants && n >= sb.min_numbers {
                let extra = (t - sb.min_tenants).min(2);
                reasons.push(Reason {
                    code: code::SHARED_BLOCK,
                    weight: (sb.weight + extra * sb.weight_per_extra_tenant) as i32,
                    detail: format!(
                        "{block}: {n} numbers through {t} tenants new to it in {} min",
                        sb.window_secs / 60
                    ),
                });
            }
        }

        // Sources.
        let mut velocity = Vec::new();
        // Two conditions: where the flow's logs show conversions, a source reaching many numbers
        // counts only when its own matured sends convert poorly.
        let judge_sources = cfg.signals.source_velocity.require_low_conversion && judge_conversion;
        let mut poorly = |sk: u64| {
            let c = self.state.convs.entry(source_conv_key(Some(sk)), Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            !judge_sources
                || signals::low_conversion(
                    cfg,
                    c,
                    prior,
                    now,
                    signals::ConvContext {
                        block: None,
                        own_baseline,
                        season,
                        may_accumulate: false,
                    },
                    String::new,
                )
                .is_some()
        };
        let requester_poorly = requester.map(&mut poorly);
        let agent_poorly = agent.map(&mut poorly);
        for (kind, sk) in &send.sources {
            let second = match *kind {
                "user_agent" => agent_poorly,
                _ => requester_poorly,
            };
            let s = self.state.sources.entry(*sk, Source::default);
            signals::source(
                cfg,
                s,
                kind,
                &send,
                tenant_snapshot,
                second != Some(false),
                &mut velocity,
            );
        }
        // The strongest of each code among the sources.
        velocity.sort_by_key(|r| std::cmp::Reverse(r.weight));
        for r in velocity {
            if !reasons.iter().any(|x| x.code == r.code) {
                reasons.push(r);
            }
        }

        // Static facts about the destination and requester.
        if cfg.signals.high_risk_prefix.enabled {
            if let Some(e) = self.risk.lookup(number.digits()) {
                reasons.push(Reason {
                    code: code::HIGH_RISK_PREFIX,
                    weight: e.weight as i32,
                    detail: format!("+{} {}: {}", e.prefix, e.category, e.note),
                });
            }
        }
        let cf = &cfg.an0443.destination_country_code_filter;
        if self.deny.contains(&country) {
            reasons.push(Reason {
                code: code::DESTINATION_FILTER,
                weight: cf.deny_weight as i32,
                detail: format!("{country} is on the deny list"),
            });
        } else if !self.allow.is_empty() && !self.allow.contains(&country) {
            reasons.push(Reason {
                code: code::DESTINATION_FILTER,
                weight: cf.outside_allow_weight as i32,
                detail: format!("{country} is not on the allow list"),
            });
        }
        if cfg.signals.ip_geo_mismatch.enabled && country != Country::NON_GEO {
            if let Some(rc) = ev.client_country.as_deref().and_then(|c| self.plan.country(c)) {
                if rc != country {
                    reasons.push(Reason {
                        code: code::IP_GEO_MISMATCH,
                        weight: cfg.signals.ip_geo_mismatch.weight as i32,
                        detail: format!("requester in {rc}, destination in {country}"),
                    });
                }
            }
        }
        reasons.extend(budget.clone().map(|b| b.0));

        // Expected changes explain volume-type evidence.
        let annotation = if cfg.signals.expected_change.enabled && !damped.is_empty() {
            self.annotation_for(
                tenant,
                send.workflow.map(|_| workflow_hash.unwrap_or(0)),
                country,
                now,
            )
        } else {
            None
        };
        // The explained reasons keep their weights (so the ticket shows what was seen); the
        // explaining reason carries the reduction.
        let removed = |keep: f64| -> i32 {
            damped
                .iter()
                .map(|r| r.weight - (f64::from(r.weight) * keep).round() as i32)
                .sum()
        };
        if let Some(label) = annotation {
            reasons.push(Reason {
                code: code::EXPECTED_CHANGE,
                weight: -removed(cfg.signals.expected_change.keep_share),
                detail: format!("expected change '{}' explains the volume", cut(&label, 64)),
            });
        } else if let Some((v, n, p)) = usual.filter(|_| !damped.is_empty()) {
            reasons.push(Reason {
                code: code::CONVERSION_NORMAL,
                weight: -removed(cfg.signals.conversion_normal.keep_share),
                detail: format!(
                    "{country}: {v} of {n} verified in {}m (baseline {:.0}%): the volume converts like usual traffic",
                    cfg.signals.low_conversion.window_secs / 60,
                    p * 100.0
                ),
            });
        }
        // Pumping targets fresh numbers: for a recipient that verified a code before, the
        // evidence about its key's set of numbers (their conversion, their block, their range,
        // the block across tenants) is not evidence about this send.
        if known_good && cfg.signals.known_recipient.enabled {
            let about_the_set: i32 = reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r.code,
                        code::LOW_CONVERSION
                            | code::FRESH_BLOCK
                            | code::ADJACENT_NUMBERS
                            | code::SHARED_BLOCK
                    )
                })
                .map(|r| r.weight)
                .sum();
            if about_the_set > 0 {
                reasons.push(Reason {
                    code: code::KNOWN_RECIPIENT,
                    weight: -about_the_set,
                    detail: "this number verified a code before: the evidence about its block and key is not about it"
                        .into(),
                });
            }
        }
        // A surge alone is never pumping: volume-type evidence (spike, novelty, concentration)
        // that remains after any explanation is capped below `high`, so only evidence specific
        // to pumping (conversion, adjacency, sources, risky prefixes, provider blocks, the block
        // across tenants, budgets) can take a verdict to `high`.
        let cap = cfg.levels.high.saturating_sub(1) as i32;
        let volume: i32 = damped.iter().map(|r| r.weight).sum::<i32>()
            + reasons
                .iter()
                .filter(|r| r.code == code::EXPECTED_CHANGE || r.code == code::CONVERSION_NORMAL)
                .map(|r| r.weight)
                .sum::<i32>();
        if volume > cap {
            reasons.push(Reason {
                code: code::VOLUME_ALONE,
                weight: cap - volume,
                detail: format!(
                    "volume, novelty and concentration alone add at most {cap} (they added {volume})"
                ),
            });
        }
        reasons.extend(damped);
        reasons.retain(|r| {
            r.weight != 0
                || r.code == code::EXPECTED_CHANGE
                || r.code == code::CONVERSION_NORMAL
                || r.code == code::KNOWN_RECIPIENT
        });
        // An incident is what one attack does: sends that share the tenant and country, the
        // requester, the tenant's new countries, or the block (across tenants) join the
        // incident any of them has open, so a fan-out over many countries, a slow drip over
        // several, or one block pumped through several tenants is one incident.
        //
        // Two keys only join: a send at alert level from the network of an incident's
        // requesters (an attacker rotating the addresses of one hosting range over two
        // countries), or with evidence about its block while the tenant has an incident opened
        // on evidence about a block (an attacker rotating blocks and countries), belongs to that
        // incident rather than opening one of its own. Neither holds a send at `high`: a network
        // or a tenant is too wide to say a send is the attack's.
        let network = ev
            .ip
            .as_deref()
            .and_then(ip_network)
            .map(|n| Keyer::mix(Keyer::mix(tenant, KEY_NETWORK), self.keyer.hash(dom::IP, &n)));
        let mut open_keys = [
            Some(Keyer::mix(Keyer::mix(tenant, KEY_OPEN), u64::from(country.id()))),
            requester.map(|r| Keyer::mix(r, KEY_OPEN)),
            rare_key.map(|r| Keyer::mix(r, KEY_OPEN)),
            Some(Keyer::mix(global_block, KEY_OPEN)),
            network.map(|n| Keyer::mix(n, KEY_OPEN)),
            Some(tenant_blocks_open),
        ];
        // Carry: an attack keeps going after it is detected, and its later sends look like its
        // earlier ones. While an incident is open, a send to a fresh number into what it targets
        // (its block, requester or new countries, with some evidence of its own; or its country
        // while that country's conversion still falls short) is held at `high`. A number that
        // verified before, or a key converting like usual, is not carried.
        let pre = reasons.iter().map(|r| r.weight).sum::<i32>();
        let mut sustains = true;
        let high = cfg.levels.high as i32;
        if cfg.incident_carry
            && pre < high
            && !(known_good && cfg.signals.known_recipient.enabled)
            && !reasons.iter().any(|r| r.code == code::CONVERSION_NORMAL)
        {
            // The country's own shortfall, at `medium` strength at least.
            let short = reasons
                .iter()
                .any(|r| r.code == code::LOW_CONVERSION && r.weight >= cfg.levels.medium as i32);
            let shared = reasons.iter().any(|r| r.code == code::SHARED_BLOCK);
            let this_tenant = cut(ev.tenant.as_deref().unwrap_or(ev.profile.as_str()), 64);
            let carried = self
                .open_incident(&open_keys[..OPEN_JOIN_ONLY], now)
                .filter(|(i, inc)| match *i {
                    OPEN_COUNTRY => short && inc.country_wide,
                    // Another tenant's send into the block is carried only with evidence of its
                    // own that the block is shared by an attack.
                    OPEN_BLOCK => pre >= cfg.levels.low as i32 && (shared || inc.tenant == this_tenant),
                    _ => pre >= cfg.levels.low as i32,
                });
            if let Some((i, inc)) = carried {
                // Carried by its country's own shortfall, the send is evidence that the attack
                // goes on, and keeps the incident open; carried by a block, requester or new
                // countries alone, it is not.
                sustains = i == OPEN_COUNTRY;
                let what = match i {
                    OPEN_COUNTRY => format!("{country}, whose conversion still falls short"),
                    OPEN_REQUESTER => "its requester".to_string(),
                    OPEN_BLOCK => format!("block {block}"),
                    _ => "the tenant's countries new to it".to_string(),
                };
                reasons.push(Reason {
                    code: code::OPEN_INCIDENT,
                    weight: high - pre,
                    detail: format!("open incident {} targets {what}; a fresh number", inc.id),
                });
            }
        }
        reasons.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(b.code)));
        let score = reasons.iter().map(|r| r.weight).sum::<i32>().clamp(0, 100) as u32;
        let level = self.level(score);
        let action = if cfg.monitor_only {
            Action::Monitor
        } else {
            self.action(level)
        };
        let mut verdict = Verdict {
            score,
            level,
            action,
            reasons,
            alert: false,
            incident: None,
            keys: Keys {
                country: Some(country.to_string()),
                block: Some(block.clone()),
                ..Self::base_keys(ev)
            },
        };
        // Evidence about the block, or country-wide evidence (the shortfall is the country's,
        // and nothing points at a block).
        let block_evidence = conv_group == Some(ConvGroup::Block)
            || verdict.reasons.iter().any(|r| {
                matches!(
                    r.code,
                    code::FRESH_BLOCK | code::ADJACENT_NUMBERS | code::SHARED_BLOCK
                ) && r.weight > 0
            });
        let country_wide = conv_group == Some(ConvGroup::Country) && !block_evidence;
        if !block_evidence {
            open_keys[OPEN_TENANT_BLOCKS] = None;
        }
        self.track_incident(
            &mut verdict,
            (country_wide, block_evidence, sustains),
            &open_keys,
            ev.tenant.as_deref().unwrap_or(ev.profile.as_str()),
            country,
            &block,
            now,
            cost,
        );
        if let Some((_, mark)) = budget {
            let t = self.state.tenants.entry(tenant, || empty_tenant(now));
            if mark > t.day_mark {
                t.day_mark = mark;
                if mark >= self.cfg.budgets.alert_mark && !verdict.alert {
                    verdict.alert = true;
                    verdict.incident.get_or_insert_with(|| {
                        format!(
                            "budget-{}-{}",
                            id_part(ev.tenant.as_deref().unwrap_or("")),
                            &time::format(now)[..10]
                        )
                    });
                }
            }
        }
        verdict
    }

    pub(super) fn level(&self, score: u32) -> Level {
        let l = &self.cfg.levels;
        match score {
            s if s >= l.critical => Level::Critical,
            s if s >= l.high => Level::High,
            s if s >= l.medium => Level::Medium,
            s if s >= l.low => Level::Low,
            _ => Level::None,
        }
    }

    pub(super) fn action(&self, level: Level) -> Action {
        let a = &self.cfg.actions;
        match level {
            Level::Unknown | Level::None => a.none,
            Level::Low => a.low,
            Level::Medium => a.medium,
            Level::High => a.high,
            Level::Critical => a.critical,
        }
    }

    pub(super) fn annotation_for(
        &self,
        tenant: u64,
        workflow: Option<u64>,
        country: Country,
        now: Millis,
    ) -> Option<String> {
        self.configured
            .iter()
            .chain(self.state.annotations.iter())
            .find(|a| {
                a.tenant == tenant
                    && a.start <= now
                    && now <= a.end
                    && a.workflow.is_none_or(|w| Some(w) == workflow)
                    && a.country.is_none_or(|c| c == country.id())
            })
            .map(|a| a.label.clone())
    }
}
