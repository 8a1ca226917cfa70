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
    /// Flow × country, the sends to numbers that never verified from requesters not known to
    /// the tenant (`low_conversion.strangers`).
    Strangers,
}

pub(crate) fn empty_tenant(now: Millis) -> Tenant {
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
        delays: [0.0; DELAY_BINS],
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

/// One send, normalised and keyed: computed once by `Engine::send_facts`, read by every
/// stage of `Engine::score_sms`.
pub(super) struct SendFacts {
    pub(super) now: Millis,
    pub(super) number: Number,
    pub(super) tenant: u64,
    pub(super) workflow_hash: Option<u64>,
    pub(super) country: Country,
    /// `+` and the block's digits.
    pub(super) block: String,
    pub(super) country_key: u64,
    /// Tenant × workflow: conversion keys never mix workflows.
    pub(super) flow_key: u64,
    pub(super) flow_country_key: u64,
    pub(super) block_key: u64,
    pub(super) number_hash: u64,
    /// The number verified a code of this tenant before.
    pub(super) known_good: bool,
    /// The keyed hash of the requester's network (IPv4 /24, IPv6 /48), when it sent one.
    pub(super) network: Option<u64>,
    /// Keys in `State::known` of the requester's network and user (0: none).
    pub(super) requester_marks: [u64; 2],
    /// The requester's network or user verified a code of this tenant before (with
    /// `known_requester` on).
    pub(super) known_requester: bool,
    /// The first record of its message (counts update once).
    pub(super) first: bool,
    /// A new verification trial: the first record, and not a resend within the grace period.
    pub(super) trial: bool,
    /// The provider blocked this send.
    pub(super) blocked: bool,
    pub(super) cost: f64,
    pub(super) send: Send,
    /// The requester (IP, else user, else session) and the user agent.
    pub(super) requester: Option<u64>,
    pub(super) agent: Option<u64>,
    /// The keyed hash of the user agent's product (`keys::agent_product`; 0: none), whose
    /// sends per flow × country are counted apart (`known_requester`'s `agent_class`).
    pub(super) agent_class: u32,
}

impl Engine {
    /// One SMS send into a verdict: its facts, then each stage's evidence in the order of the
    /// data flow (tenant, volume, conversion, attribution, blocks, sources, static facts), their
    /// combination, and the incident it opens, joins or escalates.
    pub(super) fn score_sms(&mut self, ev: &Event<'_>, now: Millis) -> Verdict {
        let f = match self.send_facts(ev, now) {
            Ok(f) => f,
            Err(v) => return *v,
        };
        let mut reasons: Vec<Reason> = Vec::new();
        let mut damped: Vec<Reason> = Vec::new(); // volume-type evidence an annotation may explain
        let fv = self.tenant_stage(ev, &f, &mut damped);
        let (season, tenant_season, volume_ordinary, country_volume_ordinary) =
            self.volume_stage(ev, &f, fv.dow, &mut damped);
        let (judge_conversion, gap) = self.conversion_gap_stage(
            &f,
            &fv,
            (volume_ordinary, country_volume_ordinary, season, tenant_season),
            &mut reasons,
        );
        let conv = self.conversion_stage(
            &f,
            &fv,
            (judge_conversion, gap),
            (season, tenant_season),
            &mut reasons,
            &mut damped,
        );
        self.provider_block_stage(ev, &f, &mut reasons);
        self.attribute(ev, &f, &conv);
        let (global_block, concentrated) = self.block_stage(&f, &fv, &mut reasons, &mut damped);
        let block_evidence = reasons.iter().chain(&damped).any(about_the_block);
        self.source_stage(&f, &fv, (judge_conversion, block_evidence), season, &mut reasons);
        self.static_stage(ev, &f, &mut reasons);
        reasons.extend(fv.budget.clone().map(|b| b.0));
        self.combine(&f, &conv, &mut reasons, damped);
        // The tenant's log carries its codes' verifications (it has a conversion rate).
        let verifications_logged = fv.tenant_rate >= self.cfg.signals.low_conversion.flow_min_rate;
        let (mut open_keys, sustains, by_strangers) = self.carry(
            ev,
            &f,
            &conv,
            (global_block, concentrated, verifications_logged),
            &mut reasons,
        );
        let SendFacts {
            now,
            tenant,
            country,
            cost,
            ref block,
            ..
        } = f;
        let cfg = &self.cfg;
        let (budget, conv_group) = (fv.budget, conv.group);
        reasons.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(b.code)));
        let score = reasons.iter().map(|r| r.weight).sum::<i32>().clamp(0, 100) as u32;
        let level = self.level(score);
        if level >= Level::High {
            // Its flow's day is not a clean one (`code_sends_clean_days`).
            if let (Some(wh), Some(t)) = (f.workflow_hash, self.state.tenants.get_mut(tenant)) {
                signals::flow_held(t, wh);
            }
        }
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
        let block_evidence =
            conv_group == Some(ConvGroup::Block) || verdict.reasons.iter().any(about_the_block);
        let country_wide =
            matches!(conv_group, Some(ConvGroup::Country | ConvGroup::Strangers)) && !block_evidence;
        if !block_evidence {
            open_keys[OPEN_TENANT_BLOCKS] = None;
            open_keys[OPEN_COUNTRY_BLOCKS] = None;
        }
        let by_strangers = conv_group == Some(ConvGroup::Strangers) || by_strangers;
        if !by_strangers {
            open_keys[OPEN_STRANGERS] = None;
        }
        if !(block_evidence || by_strangers || country_wide) {
            open_keys[OPEN_TENANT_ATTACK] = None;
        }
        self.track_incident(
            &mut verdict,
            IncidentEvidence {
                country_wide,
                block: block_evidence,
                new_countries: conv_group == Some(ConvGroup::Rare),
                sustains,
            },
            &open_keys,
            &ev.owner(),
            country,
            block,
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

    /// The send's facts: its number normalised, its keys, whether it is a new trial, a resend
    /// or a known recipient, its cost. `Err` is the verdict of a send that cannot be scored.
    fn send_facts(&mut self, ev: &Event<'_>, now: Millis) -> Result<SendFacts, Box<Verdict>> {
        let number = self.normalize(ev)?;
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
        // A known-good recipient: this number verified a code of this tenant before (its recent
        // send says so, or the bounded set of keyed fingerprints of the numbers that verified,
        // which remembers them for days: privacy mode holds and spraying cannot grow it).
        // A resend: the same number was sent a code within the grace period and has not verified
        // it yet (a user asking again, an app bug). It is not a new verification trial, so it does
        // not count in the conversion keys, and the first send keeps the attribution.
        let grace = cfg.signals.low_conversion.grace_secs as Millis * 1000;
        let number_key = Keyer::mix(tenant, number_hash);
        let (known_good, resend) = self.state.sent.get(number_key).map_or((false, false), |s| {
            (
                s.verified || s.known_good,
                !s.verified && now >= s.at && now - s.at < grace,
            )
        });
        let known_good = known_good || self.state.known_numbers.contains(number_key);
        // A known requester: the requester's network (IPv4 /24, IPv6 /48) or user verified a
        // code of this tenant before (kept in the bounded, keyed `known` set).
        let network = ev.ip.as_deref().and_then(ip_network).map(|n| k.hash(dom::IP, &n));
        let network_mark = network.map(|n| Keyer::mix(Keyer::mix(tenant, KEY_KNOWN_NETWORK), n));
        let user_mark = ev.user.as_deref().map(|u| {
            Keyer::mix(
                Keyer::mix(tenant, KEY_KNOWN_USER),
                k.hash(dom::USER, cut(u, 512).as_bytes()),
            )
        });
        let requester_marks = [network_mark.unwrap_or(0), user_mark.unwrap_or(0)];
        let known_requester = cfg.signals.known_requester.enabled
            && requester_marks
                .iter()
                .any(|&m| m != 0 && self.state.known.contains(m));
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
        let agent_class = ev
            .user_agent
            .as_deref()
            .and_then(agent_product)
            .map_or(0, |p| (k.hash(dom::AGENT_CLASS, p.as_bytes()) as u32) | 1);
        Ok(SendFacts {
            now,
            number,
            tenant,
            workflow_hash,
            country,
            block,
            country_key,
            flow_key,
            flow_country_key,
            block_key,
            number_hash,
            known_good,
            network,
            requester_marks,
            known_requester,
            first,
            trial,
            blocked,
            cost,
            send,
            requester,
            agent,
            agent_class,
        })
    }

    /// The evidence combined: what explains the volume (an annotation, conversion like usual
    /// traffic), what clears a known recipient or requester, and the cap on volume-type evidence
    /// alone.
    fn combine(&self, f: &SendFacts, conv: &ConvFindings, reasons: &mut Vec<Reason>, damped: Vec<Reason>) {
        let (usual, requester_clears) = (conv.usual, conv.requester_clears);
        let SendFacts {
            country, known_good, ..
        } = *f;
        let cfg = &self.cfg;
        // Expected changes explain volume-type evidence.
        let annotation = conv.announced.as_deref().filter(|_| !damped.is_empty());
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
                detail: format!("expected change '{}' explains the volume", cut(label, 64)),
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
        // the block across tenants) is not evidence about this send. For a known requester while
        // the country's sends from known requesters verify like usual, or a requester whose own
        // sends verify like usual, the key's shortfall is in the other sends.
        // (`block_surge` is volume-type: among the damped reasons.)
        let weight_of = |codes: &[&str]| -> i32 {
            reasons
                .iter()
                .chain(&damped)
                .filter(|r| codes.contains(&r.code))
                .map(|r| r.weight)
                .sum()
        };
        let cleared = if known_good && cfg.signals.known_recipient.enabled {
            let about_the_set = [
                code::LOW_CONVERSION,
                code::FRESH_BLOCK,
                code::BLOCK_SURGE,
                code::ADJACENT_NUMBERS,
                code::SHARED_BLOCK,
            ];
            Some((code::KNOWN_RECIPIENT, weight_of(&about_the_set), None))
        } else {
            requester_clears.map(|c| (code::KNOWN_REQUESTER, weight_of(&[code::LOW_CONVERSION]), Some(c)))
        };
        // A shortfall against a borrowed baseline, unless cleared: volume-type evidence.
        let borrowed = if conv.borrowed
            && cfg.signals.low_conversion.borrowed_capped
            && cleared.is_none_or(|c| c.1 <= 0)
        {
            weight_of(&[code::LOW_CONVERSION])
        } else {
            0
        };
        if let Some((code, weight, clearance)) = cleared.filter(|c| c.1 > 0) {
            let detail = match clearance {
                None => "this number verified a code before: the evidence about its block and key is not about it".into(),
                Some((Clearance::KnownRequesters(group), v, n, p)) => format!(
                    "its requester's network or user verified a code before, and {}'s sends from such requesters verify like usual ({v} of {n}, baseline {:.0}%): the shortfall is in the other sends",
                    if group == ConvGroup::Block { format!("{country} {}", f.block) } else { country.to_string() },
                    p * 100.0
                ),
                Some((Clearance::OwnSends, v, n, p)) => format!(
                    "its requester's own sends verify like usual ({v} of {n}, baseline {:.0}%): the shortfall is in the other sends",
                    p * 100.0
                ),
                Some((Clearance::AgentClass, v, n, p)) => format!(
                    "the sends of its kind of client (its user agent's product) to {country} verify like usual ({v} of {n}, baseline {:.0}%) and miss few of its codes: the shortfall is in the other clients' sends",
                    p * 100.0
                ),
            };
            reasons.push(Reason {
                code,
                weight: -weight,
                detail,
            });
        }
        // A surge alone is never pumping: volume-type evidence (spike, novelty, concentration,
        // and a shortfall against a borrowed baseline) that remains after any explanation is
        // capped below `high`, so only evidence specific to pumping (conversion against the
        // flow's own baseline, adjacency, sources, risky prefixes, provider blocks, the block
        // across tenants, budgets) can take a verdict to `high`.
        let cap = cfg.levels.high.saturating_sub(1) as i32;
        let volume: i32 = borrowed
            + damped.iter().map(|r| r.weight).sum::<i32>()
            + reasons
                .iter()
                .filter(|r| r.code == code::EXPECTED_CHANGE || r.code == code::CONVERSION_NORMAL)
                .map(|r| r.weight)
                .sum::<i32>();
        if volume > cap {
            reasons.push(Reason {
                code: code::VOLUME_ALONE,
                weight: cap - volume,
                detail: if borrowed > 0 {
                    format!("volume, novelty, concentration and a shortfall against the tenant's rate (the flow is not known to send codes) add at most {cap} (they added {volume})")
                } else {
                    format!("volume, novelty and concentration alone add at most {cap} (they added {volume})")
                },
            });
        }
        reasons.extend(damped);
        reasons.retain(|r| {
            r.weight != 0
                || r.code == code::EXPECTED_CHANGE
                || r.code == code::CONVERSION_NORMAL
                || r.code == code::KNOWN_RECIPIENT
                || r.code == code::KNOWN_REQUESTER
        });
    }

    /// The incident keys of the send and the carry: while an incident is open, a fresh number
    /// into what it targets is held at `high`. Returns the keys, whether the send sustains the
    /// incident, and whether the flow's strangers' incident carried it.
    fn carry(
        &self,
        ev: &Event<'_>,
        f: &SendFacts,
        conv: &ConvFindings,
        (global_block, concentrated, verifications_logged): (u64, bool, bool),
        reasons: &mut Vec<Reason>,
    ) -> ([Option<u64>; 10], bool, bool) {
        let SendFacts {
            now,
            tenant,
            country,
            known_good,
            requester,
            ref block,
            ..
        } = *f;
        let cfg = &self.cfg;
        let (rare_key, tenant_blocks_open) = (conv.rare_key, conv.tenant_blocks_open);
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
        let network = f.network.map(|n| Keyer::mix(Keyer::mix(tenant, KEY_NETWORK), n));
        // The block links incidents across tenants as part of the cross-tenant evidence: with
        // `signals.shared_block` off it is the tenant's block, so nothing one tenant's verdicts
        // take from another's remains, and instances that own disjoint sets of tenants
        // (key-affinity partitioning) give one instance's verdicts (`tests/partition.rs`).
        let block_link = if cfg.signals.shared_block.enabled {
            global_block
        } else {
            Keyer::mix(tenant, global_block)
        };
        let open_keys = [
            Some(Keyer::mix(Keyer::mix(tenant, KEY_OPEN), u64::from(country.id()))),
            requester.map(|r| Keyer::mix(r, KEY_OPEN)),
            rare_key.map(|r| Keyer::mix(r, KEY_OPEN)),
            Some(Keyer::mix(block_link, KEY_OPEN)),
            network.map(|n| Keyer::mix(n, KEY_OPEN)),
            Some(tenant_blocks_open),
            Some(conv.strangers_open),
            Some(conv.country_blocks_open),
            Some(Keyer::mix(block_link, KEY_OPEN_SEEN)),
            Some(Keyer::mix(Keyer::mix(tenant, KEY_TENANT_ATTACK), KEY_OPEN)),
        ];
        // Carry: an attack keeps going after it is detected, and its later sends look like its
        // earlier ones. While an incident is open, a send to a fresh number into what it targets
        // (its block or new countries, with some evidence of its own; its requester, with some
        // evidence or unknown to the tenant; or its country while that country's conversion
        // still falls short) is held at `high`. A number that verified before, or a key
        // converting like usual, is not carried.
        let pre = reasons.iter().map(|r| r.weight).sum::<i32>();
        // A block's incident asks for evidence about the send itself, not the tenant's or the
        // flow's volume: a notification burst to the tenant's users in a pumped block is busy
        // tenant- and flow-wide, which says nothing about whether its block is still pumped.
        let block_own = reasons
            .iter()
            .filter(|r| r.code != code::VOLUME_SPIKE && r.code != code::WORKFLOW_CONCENTRATION)
            .map(|r| r.weight)
            .sum::<i32>();
        let mut sustains = true;
        let mut by_strangers = false;
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
            let owner = ev.owner();
            let this_tenant = cut(&owner, 64);
            let carried = self
                .open_incident(&open_keys[..OPEN_JOIN_ONLY], now)
                .filter(|(i, inc)| match *i {
                    OPEN_COUNTRY => {
                        short
                            && conv.requester_clears.is_none()
                            && open_keys[OPEN_COUNTRY]
                                .map(|k| Keyer::mix(k, KEY_COUNTRY_WIDE))
                                .and_then(|k| self.open_incident(&[Some(k)], now))
                                .is_some_and(|(_, wide)| wide.id == inc.id)
                    }
                    // Another tenant's send into the block is carried only with evidence of its
                    // own that the block is shared by an attack. A send cleared of the block's
                    // shortfall (`known_requester`) is not carried by the block's incident.
                    // Where conversion cannot be judged, the block still concentrating its flow
                    // is the attack going on, with no evidence of the send's own: the attack's
                    // sends taught the block a history (nothing verified marks them as an
                    // attack's), and a slow one no longer finds it new.
                    OPEN_BLOCK => {
                        (block_own >= cfg.levels.low as i32 || concentrated)
                            && (shared || inc.tenant == this_tenant)
                            && !conv.requester_verifies
                            && !(conv.group == Some(ConvGroup::Block) && conv.requester_clears.is_some())
                    }
                    // The incident's requester asking a code for yet another fresh number is the
                    // attack going on, with evidence of its own or not, unless its network or
                    // user verified a code of the tenant before (`known_requester`): an attacker
                    // that keeps each address to a send or two moves on to a country or block
                    // with no evidence yet. Only where the tenant's log carries verifications:
                    // where nothing is ever verified nobody becomes a known requester, and the
                    // users behind an address an attack shared (a carrier-grade NAT) would all
                    // be held with it.
                    OPEN_REQUESTER => {
                        (pre >= cfg.levels.low as i32
                            || (cfg.signals.known_requester.enabled
                                && !f.known_requester
                                && verifications_logged))
                            && !conv.requester_verifies
                    }
                    _ => pre >= cfg.levels.low as i32,
                })
                // The flow's strangers, while this country's strangers still fall short at
                // `medium` strength (the send's own evidence, as for its country): a slow attack
                // over a few countries sends to each too seldom to keep its country's link
                // within the idle time, but its incident stays open over all of them. Or a
                // stranger's send to a country whose strangers do not verify like usual in the
                // window and, over the last 24 hours, verified under half the baseline (or sent
                // none, with none verified in the key's history): an attacker spread over the
                // tenant's country mix reaches each of its smaller countries a few times an hour,
                // too seldom for evidence of their own, and its first sends there are the attack
                // going on. A country whose few new users a day verify is not carried.
                .or_else(|| {
                    let own = ((short && conv.group == Some(ConvGroup::Strangers))
                        || conv.strangers_unproven)
                        && conv.requester_clears.is_none();
                    own.then(|| self.open_incident(&[open_keys[OPEN_STRANGERS]], now))
                        .flatten()
                        .map(|(_, inc)| (OPEN_STRANGERS, inc))
                })
                // The tenant's new countries, while their pooled key still falls short: a slow
                // attack over a few countries new to the tenant sends an hour or more apart,
                // past the idle time, and its later sends are the attack going on for as long
                // as a send at alert level would reopen its incident.
                .or_else(|| {
                    let own = pre >= cfg.levels.low as i32
                        && conv.group == Some(ConvGroup::Rare)
                        && reasons.iter().any(|r| r.code == code::LOW_CONVERSION);
                    own.then(|| self.recent_incident(open_keys[OPEN_RARE], now))
                        .flatten()
                        .map(|inc| (OPEN_RARE, inc))
                });
            if let Some((i, inc)) = carried {
                // Carried by its country's own shortfall, the send is evidence that the attack
                // goes on, and keeps the incident open; carried by a block, requester, new
                // countries or the flow's strangers alone, it is not. Carried by the flow's
                // strangers, it joins their incident whatever its own conversion key.
                sustains = i == OPEN_COUNTRY;
                by_strangers = i == OPEN_STRANGERS;
                let what = match i {
                    OPEN_COUNTRY => format!("{country}, whose conversion still falls short"),
                    OPEN_REQUESTER => "its requester".to_string(),
                    OPEN_BLOCK => format!("block {block}"),
                    OPEN_STRANGERS => {
                        format!("the flow's strangers, whose sends to {country} still fall short")
                    }
                    _ => "the tenant's countries new to it".to_string(),
                };
                reasons.push(Reason {
                    code: code::OPEN_INCIDENT,
                    weight: high - pre,
                    detail: format!("open incident {} targets {what}; a fresh number", inc.id),
                });
            }
        }
        (open_keys, sustains, by_strangers)
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

/// Evidence about the send's block (its numbers, not the send's): a block new to the flow, a
/// block's surge, adjacent numbers, the block across tenants.
fn about_the_block(r: &Reason) -> bool {
    matches!(
        r.code,
        code::FRESH_BLOCK | code::BLOCK_SURGE | code::ADJACENT_NUMBERS | code::SHARED_BLOCK
    ) && r.weight > 0
}
