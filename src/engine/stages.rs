//! The stages of one send's scoring, in the order of the data flow: the tenant, volume,
//! conversion integrity, conversion, the provider's blocks, attribution, the block, sources and
//! static facts. Each reads the send's facts (`SendFacts`) and adds its evidence; the
//! orchestration and the combination are in `score.rs`.

use super::*;
use crate::state::{BlockCount, BlockSets, BoundedMap, Decayed, Recent};

/// What the tenant's state says about a send's flow (`Engine::tenant_stage`).
pub(super) struct FlowView {
    pub(super) view: signals::TenantView,
    pub(super) dow: f64,
    pub(super) tenant_rate: f64,
    /// The flow sends codes: its conversion is judged.
    pub(super) judge_conversion: bool,
    /// The flow's history shows it never converts (notifications, reminders): it sends no codes.
    pub(super) never_converts: bool,
    /// The baseline is the flow's own, not the tenant's borrowed by a young flow.
    pub(super) own_baseline: bool,
    /// The flow's conversion rate.
    pub(super) prior: f64,
    pub(super) budget: Option<(Reason, u32)>,
    pub(super) tenant_snapshot: (u64, Decayed),
    pub(super) tenant_window: f64,
    /// The tenant's grace period (`signals::grace_ms`).
    pub(super) grace: Millis,
}

/// What the conversion keys found (`Engine::conversion_stage`).
pub(super) struct ConvFindings {
    /// The country converts like usual traffic: (verified, sends, baseline).
    pub(super) usual: Option<(u32, u32, f64)>,
    /// The annotation covering the send (`expected_change`), its label.
    pub(super) announced: Option<String>,
    /// The key whose shortfall is the send's conversion evidence.
    pub(super) group: Option<ConvGroup>,
    /// The flow × countries-new-to-the-tenant key, for a send to such a country.
    pub(super) rare_key: Option<u64>,
    /// The open-incident key of the tenant's block incidents.
    pub(super) tenant_blocks_open: u64,
    /// The open-incident key of the flow's strangers' incidents.
    pub(super) strangers_open: u64,
    /// The open-incident key of the tenant × country's incidents on evidence about its blocks.
    pub(super) country_blocks_open: u64,
    /// A stranger's send (`low_conversion.strangers`) in a flow judged by its conversion, to a
    /// country whose strangers do not verify like usual (`requesters_verify`) in the matured
    /// window and, over the last 24 hours, verified under half the baseline, or sent none with
    /// no verified code in the key's learned history.
    pub(super) strangers_unproven: bool,
    /// The send is cleared of its key's shortfall (`known_requester`): why, and the verified
    /// and sent counts and baseline that cleared it.
    pub(super) requester_clears: Option<(Clearance, u32, u32, f64)>,
    /// The send's block's matured sends fall short (`KEY_SHORT_BLOCK_CONV`).
    pub(super) block_short: bool,
    /// The requester's own matured sends verify at `known_requester.carry_ratio` of the
    /// baseline or more: an open incident does not carry its send by requester or block.
    pub(super) requester_verifies: bool,
    /// The conversion evidence is a shortfall against a baseline the flow borrowed from its
    /// tenant (a young flow not known to send codes).
    pub(super) borrowed: bool,
}

/// Why a requester's send is cleared of its key's shortfall (`known_requester`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Clearance {
    /// Its network or user verified before, and the sends from known requesters of the key
    /// whose shortfall it is (the flow × country's for a country's or the new countries'
    /// shortfall, the flow × block's for a block's) verify like usual.
    KnownRequesters(ConvGroup),
    /// Its own recent sends verify like usual.
    OwnSends,
    /// The sends from its kind of client (its user agent's product) to the flow × country
    /// verify like usual and carry little of the country's missing codes.
    AgentClass,
}

/// A stranger's send (`low_conversion.strangers`): to a number that never verified a code of
/// the tenant, from a requester not known to it.
pub(super) fn stranger(cfg: &Config, known_good: bool, known_requester: bool) -> bool {
    cfg.signals.low_conversion.strangers && !known_good && !known_requester
}

/// The keys a send is remembered by for its conversion besides its number: its reference (a
/// verification id, or the user for the vendors whose conversions name only the user); and for
/// a generic send its `user_id` too, so an `otp_verified` that names only the user finds it. A
/// conversion looks up the same keys ([`conversion_keys`]).
pub(super) fn send_keys(k: &Keyer, tenant: u64, ev: &Event<'_>) -> [Option<u64>; 2] {
    [
        ev.conversion_ref.as_deref().map(|r| ref_key(k, tenant, ev, r)),
        ev.user
            .as_deref()
            .filter(|_| ev.profile == profiles::Profile::Generic)
            .map(|u| Keyer::mix(tenant, k.hash(dom::USER, cut(u, 256).as_bytes()))),
    ]
}

/// A reference's attribution key: the tenant's; for a generic `verification_id` the same for
/// every tenant (the ids are unique), so an `otp_verified` without a `tenant` finds its send,
/// and the send names the tenant.
pub(super) fn ref_key(k: &Keyer, tenant: u64, ev: &Event<'_>, r: &str) -> u64 {
    let owner = match ev.profile {
        profiles::Profile::Generic => KEY_ANY_TENANT,
        _ => tenant,
    };
    Keyer::mix(owner, k.hash(dom::REF, cut(r, 256).as_bytes()))
}

/// The keys a conversion looks its send up by, in order: its reference, the destination
/// number, and for a generic record its `user_id` ([`send_keys`]).
pub(super) fn conversion_keys(k: &Keyer, plan: &NumberingPlan, tenant: u64, ev: &Event<'_>) -> Vec<u64> {
    let [reference, user] = send_keys(k, tenant, ev);
    let number = ev
        .to
        .as_deref()
        .and_then(|to| plan.normalize(cut(to, 64), None).ok())
        .map(|n| Keyer::mix(tenant, k.hash(dom::NUMBER, n.digits().as_bytes())));
    [reference, number, user].into_iter().flatten().collect()
}

/// A source's own conversion key (for the second condition of `source_velocity`).
pub(super) fn source_conv_key(s: Option<u64>) -> u64 {
    s.map_or(0, |sk| Keyer::mix(sk, KEY_SOURCE_CONV))
}

/// A flow × country's conversion key (`country_conv`: as in `SentRef`) of the sends from one
/// kind of client (`SendFacts::agent_class`; 0: none).
pub(super) fn agent_conv_key(conv_key: u64, agent_class: u32) -> u64 {
    if agent_class == 0 {
        return 0;
    }
    Keyer::mix(Keyer::mix(conv_key, KEY_AGENT_CONV), u64::from(agent_class))
}

/// Whether a send's country is counted in its flow's key of the countries new to the tenant:
/// the tenant is established and the country is new to it, or recent and none of the flow's
/// sends there (its flow × country key, `flow_country_key`) ever verified.
fn new_to_tenant(convs: &BoundedMap<Conv>, view: &signals::TenantView, flow_country_key: u64) -> bool {
    let never_verified = || {
        convs
            .get(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV))
            .is_none_or(|c| c.rate_num < 1.0 && c.day_verified == 0 && c.prev_verified == 0)
    };
    view.established && (view.new_country || (view.recent_country && never_verified()))
}

impl Engine {
    /// The tenant: novelty, workflow concentration, budget; and what its state says about the
    /// send's flow (its conversion baseline, its day-of-week factor).
    pub(super) fn tenant_stage(
        &mut self,
        ev: &Event<'_>,
        f: &SendFacts,
        damped: &mut Vec<Reason>,
    ) -> FlowView {
        let SendFacts {
            now,
            tenant,
            workflow_hash,
            cost,
            ref send,
            ..
        } = *f;
        let cfg = &self.cfg;
        // Tenant: novelty, workflow concentration, budget.
        let t = self.state.tenants.entry(tenant, || empty_tenant(now));
        let view = signals::tenant_send(cfg, t, send, workflow_hash, cost);
        signals::country_novelty(cfg, &view, send, damped);
        signals::workflow_concentration(
            cfg,
            t,
            workflow_hash,
            ev.workflow.as_deref().unwrap_or(""),
            now,
            damped,
        );
        let dow = signals::dow_factor(t, now);
        let new_flow = signals::flow_may_be_an_attacks(cfg, t, workflow_hash);
        let tenant_rate = signals::tenant_rate(t);
        // Conversion is judged against the flow's own baseline; a flow that does not send codes
        // (its history never converts) gets no shortfall.
        let grace = signals::grace_ms(cfg, t);
        let fc = || self.state.convs.get(Keyer::mix(f.flow_key, KEY_FLOW_CONV));
        let flow = match signals::flow_conversion(cfg, t, workflow_hash, now) {
            signals::FlowConversion::Rate(r) => {
                signals::FlowConversion::Rate(signals::guarded_flow_rate(cfg, fc(), r, now, grace))
            }
            signals::FlowConversion::Borrowed(r) if signals::sends_no_codes(cfg, fc(), r) => {
                signals::FlowConversion::None
            }
            other => other,
        };
        // A flow with no baseline of its own, into the countries new to the tenant, or with a
        // send that shows it carries a code: judged against the tenant's rate as its own
        // (`new_countries_tenant_rate`, `code_sends_tenant_rate`). Its history may be nothing
        // but the attack, which would otherwise teach it that it sends no codes.
        let lc = &cfg.signals.low_conversion;
        let flow = match flow {
            signals::FlowConversion::None | signals::FlowConversion::Borrowed(_)
                if tenant_rate >= lc.flow_min_rate
                    && ((lc.code_sends_tenant_rate && ev.carries_code() && new_flow)
                        || (lc.new_countries_tenant_rate
                            && new_to_tenant(&self.state.convs, &view, f.flow_country_key))) =>
            {
                signals::FlowConversion::Rate(tenant_rate)
            }
            other => other,
        };
        let judge_conversion = matches!(
            flow,
            signals::FlowConversion::Rate(_) | signals::FlowConversion::Borrowed(_)
        );
        let own_baseline = matches!(flow, signals::FlowConversion::Rate(_));
        let never_converts = flow == signals::FlowConversion::None;
        let prior = match flow {
            signals::FlowConversion::Rate(r) | signals::FlowConversion::Borrowed(r) if r > 0.0 => r,
            _ => tenant_rate,
        };
        let budget = budget_reason(cfg, ev.tenant.as_deref().unwrap_or(""), t);
        let tenant_snapshot = (t.sends, t.long_run);
        let tenant_window = f64::from(t.window.get(now, signals::window_ms(cfg)));
        FlowView {
            view,
            dow,
            tenant_rate,
            judge_conversion,
            never_converts,
            own_baseline,
            prior,
            budget,
            tenant_snapshot,
            tenant_window,
            grace,
        }
    }

    /// Volume: tenant, tenant × workflow, tenant × country. Returns this hour's seasonal factor
    /// (the country's, else the tenant's), the tenant's own, and whether the send's flow's volume
    /// (else the tenant's) and the country's are ordinary (each has a baseline and is not
    /// spiking).
    pub(super) fn volume_stage(
        &mut self,
        ev: &Event<'_>,
        f: &SendFacts,
        dow: f64,
        damped: &mut Vec<Reason>,
    ) -> (f64, f64, bool, bool) {
        let SendFacts {
            now,
            tenant,
            country,
            country_key,
            first,
            ref send,
            ..
        } = *f;
        let cfg = &self.cfg;
        // Volume: tenant, tenant × workflow, tenant × country.
        let mut spike: Option<Reason> = None;
        // The tenant's volume has a baseline and is not spiking (for the conversion-gap rule).
        let mut tenant_volume_ordinary = false;
        // The send's flow's, when it has a workflow.
        let mut flow_volume_ordinary: Option<bool> = None;
        let mut country_volume_ordinary = false;
        // This hour's share of the day, from the country's volume profile (else the tenant's).
        let mut season: Option<f64> = None;
        // The tenant's own (over all its countries, in their local hours).
        let mut tenant_season: Option<f64> = None;
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
                let factor = signals::seasonal_factor(cfg, v, now, dow);
                if kind == 0 {
                    tenant_season = factor;
                }
                season = factor.or(season);
            }
            let r = signals::volume_spike(cfg, v, now, dow, kind == 2, what);
            let ordinary = r.is_none()
                && (v.hours_seen >= cfg.signals.volume_spike.min_history_hours
                    || signals::young_volume_ordinary(cfg, v, now));
            match kind {
                0 => tenant_volume_ordinary = ordinary,
                1 => flow_volume_ordinary = Some(ordinary),
                _ => {
                    country_volume_ordinary =
                        r.is_none() && v.hours_seen >= cfg.signals.volume_spike.min_history_hours
                }
            }
            if let Some(r) = r {
                if spike.as_ref().is_none_or(|s| r.weight > s.weight) {
                    spike = Some(r);
                }
            }
        }
        damped.extend(spike);
        let season = season.unwrap_or(1.0);
        // A gap is judged at the volume of the send's flow: a burst of another flow (a
        // marketing send-out, which never converts) raises the tenant's volume and says nothing
        // about whether the codes' conversions stopped for want of logs; pumping in this flow
        // raises its own.
        (
            season,
            tenant_season.unwrap_or(season),
            flow_volume_ordinary.unwrap_or(tenant_volume_ordinary),
            country_volume_ordinary,
        )
    }

    /// Conversion integrity: a gap in the conversion log is its own reason, and sets conversion
    /// evidence aside. Returns whether the send's conversion is judged, and whether the
    /// tenant's conversion log has a gap.
    pub(super) fn conversion_gap_stage(
        &mut self,
        f: &SendFacts,
        fv: &FlowView,
        (volume_ordinary, country_volume_ordinary, season, tenant_season): (bool, bool, f64, f64),
        reasons: &mut Vec<Reason>,
    ) -> (bool, bool) {
        let SendFacts {
            now,
            tenant,
            trial,
            flow_key,
            flow_country_key,
            ..
        } = *f;
        let cfg = &self.cfg;
        let FlowView {
            ref view,
            tenant_rate,
            judge_conversion,
            grace,
            ..
        } = *fv;
        // Conversion integrity: conversions collapsing over all of a tenant's traffic at its
        // ordinary volume are a gap in the conversion log (a webhook that stopped), not pumping
        // (pumping that large would raise the volume). The gap is its own reason, and conversion
        // evidence is set aside for the tenant while it lasts.
        let tc = &mut self.state.tenants.entry(tenant, || empty_tenant(now)).conv;
        if trial {
            signals::conv_send(cfg, tc, now, tenant_rate);
        }
        // The flow's sends to numbers that verified before, which a gap loses like the others.
        let flow_conv = Keyer::mix(flow_key, KEY_FLOW_CONV);
        let known_good_conv = Keyer::mix(flow_conv, KEY_KNOWN_GOOD_CONV);
        if trial && f.known_good {
            let c = self.state.convs.entry(known_good_conv, Conv::new);
            signals::conv_send(cfg, c, now, tenant_rate);
        }
        // Only sends to the tenant's usual countries are covered by a gap: a shortfall in a
        // country it rarely or never serves stays evidence. A smaller country it serves (not
        // rare) is covered while its own volume is ordinary too: the gap loses its conversions
        // as it loses the others', and its usual volume, a few sends an hour learned over a day
        // or two, is too rough to weigh a shortfall by its extra sends (in an outage, 10 % of a
        // tenant's sends into countries of 3 % each were held so); pumping adds sends.
        let usual_country = !view.new_country
            && (view.country_share >= cfg.signals.conversion_gap.min_country_share
                || (country_volume_ordinary
                    && view.country_share >= cfg.signals.destination_country.rare_share));
        // Over the window, or over its last half hour while that half hour carries no more than
        // its usual count: a webhook that stopped 20 minutes ago leaves the window still half
        // full of codes verified before, while the busiest country's evidence already reads the
        // missing ones as pumping (on a second generator's outage, 25 minutes of `high` before
        // the window fell under the ratio). The half hour's own count is asked because pumping
        // at two or three times a small tenant's volume does not spike it, and half as many
        // sends fall under the ratio by chance more often.
        let window = cfg.signals.low_conversion.window_secs as Millis * 1000;
        let recent = signals::REST_SPAN.min(window);
        let gap =
            (cfg.signals.conversion_gap.enabled && tenant_rate > 0.0 && volume_ordinary && usual_country)
                .then(|| {
                    let hour = signals::matured_rate(cfg, tc, tenant_rate, now, grace);
                    signals::conversion_gap(cfg, hour)
                        .map(|g| (g, window))
                        .or_else(|| {
                            let (v, n) = signals::matured_span(cfg, tc, now, recent, grace);
                            let usual = signals::usual_in(cfg, tc, tenant_season, recent);
                            (f64::from(n) <= usual + 2.0 * usual.sqrt() + 2.0)
                                .then(|| signals::conversion_gap(cfg, (v, n, hour.2)))
                                .flatten()
                                .map(|g| (g, recent))
                        })
                })
                .flatten();
        // A gap loses conversions everywhere and leaves the sends as they were: the flow's sends
        // outside this country still arrive at their usual volume. When they stopped, the
        // tenant's traffic has turned into this country (pumping at an hour when its users are
        // quiet), which a gap in the log does not explain.
        // And it loses them everywhere: the flow's matured sends outside this country do not
        // verify like usual either (an attack on one country leaves the others verifying).
        // The flow's usual sends at this hour follow the tenant's hours (all its countries, each
        // in its own local time), the country's its own: the country's factor over the whole
        // flow took a 12-hour outage, at a US evening peak, for pumping once Brazil was asleep.
        let gap = gap.filter(|&((_, _, p), window)| {
            let count = |key, season| {
                self.state.convs.get(key).map_or(((0, 0), 0.0), |c| {
                    (
                        signals::matured_span(cfg, c, now, window, grace),
                        signals::usual_in(cfg, c, season, window),
                    )
                })
            };
            let ((vf, nf), uf) = count(flow_conv, tenant_season);
            let ((vk, nk), uk) = count(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV), season);
            let rest = (vf.saturating_sub(vk), nf.saturating_sub(nk));
            // A gap loses every code, those of numbers that verified before too. When the
            // flow's sends to such numbers still verify like usual, the codes are being logged
            // and the ones missing are fresh numbers': an attack over the tenant's whole country
            // mix at an hour its users are quiet (a second generator's adaptive attacker, at 6
            // of 86 verified in an hour, set conversion evidence aside as a gap). Requesters
            // known to the tenant do not tell: an attacker's residential addresses share the
            // networks its users verified from.
            if signals::rest_verifies(count(known_good_conv, tenant_season).0, p) {
                return false;
            }
            // The rest stopping says the tenant's traffic turned into this country, which
            // shows in the country's own volume too when it is busy at this hour: a country at
            // its ordinary volume with at least `REST_BUSY_USUAL` sends expected has not turned
            // (pumping that takes its conversion under the gap's ratio would multiply its
            // volume), whatever the rest's rough estimate says (a second generator's outage at
            // a Brazilian evening peak had its rest at 10 of an estimated 47 sends, and 18 of
            // its sends held).
            let busy_and_ordinary = country_volume_ordinary && uk >= signals::REST_BUSY_USUAL;
            (busy_and_ordinary || signals::rest_still_sends(rest.1, uf - uk))
                && !signals::rest_verifies(rest, p)
        });
        let judge_conversion = judge_conversion && gap.is_none();
        if let Some(((v, n, p), span)) = gap {
            reasons.push(Reason {
                code: code::CONVERSION_GAP,
                weight: cfg.signals.conversion_gap.weight as i32,
                detail: format!(
                    "tenant: {v} of {n} verified in {}m (usual {:.0}%) at ordinary volume: a gap in the conversion log; conversion evidence set aside",
                    span / 60_000,
                    p * 100.0
                ),
            });
        }
        (judge_conversion, gap.is_some())
    }

    /// Conversion: the send's country, block and (for a country new to the tenant) the rare key,
    /// each against its baseline; the strongest shortfall is the evidence.
    pub(super) fn conversion_stage(
        &mut self,
        f: &SendFacts,
        fv: &FlowView,
        (judge_conversion, gap): (bool, bool),
        (season, tenant_season): (f64, f64),
        reasons: &mut Vec<Reason>,
        damped: &mut Vec<Reason>,
    ) -> ConvFindings {
        let SendFacts {
            now,
            tenant,
            country,
            flow_key,
            flow_country_key,
            block_key,
            trial,
            blocked,
            known_requester,
            requester,
            ref block,
            ..
        } = *f;
        let cfg = &self.cfg;
        let FlowView {
            ref view,
            own_baseline,
            prior,
            grace,
            ..
        } = *fv;
        // Conversion.
        let mut conv_best: Option<Reason> = None;
        let mut conv_group: Option<ConvGroup> = None;
        // The shortfall's weight without the extra volume, when its weight rests on the extra
        // volume (`excess_llr`).
        let mut conv_counts_volume: Option<i32> = None;
        // The flow × country's conversion key.
        let country_conv = Keyer::mix(flow_country_key, KEY_COUNTRY_CONV);
        // Pumping spreads over countries the tenant has not served before: sends to countries
        // new to it (first sent to in the last `new_for_hours`) are also counted together, so a
        // slow attack over several of them fills one window. (Rare but known countries stay out:
        // a legitimate send there must not inherit an attack's shortfall.)
        // A country stays in that key past its first day while it is recent and none of the
        // flow's sends there ever verified: a slow attack outlasts the day, and split back into
        // its countries its evidence would be a third of it in each.
        // A new country whose own matured sends verify like usual (a launch: its new users
        // type their codes) is not pooled with the others: an attack into another country new to
        // the tenant in the same day must not hold the launch's users with it.
        let country_verifies = || {
            self.state.convs.get(country_conv).is_some_and(|c| {
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                signals::requesters_verify(cfg, (v, n, p), prior).is_some()
            })
        };
        // Nor is a new country whose own last 24 hours verify improbably more than the other new
        // countries' sends (two codes or more, an upper-tail binomial surprise of `min_surprise`
        // at their rate): its users type their codes where the pool's sends do not, so the
        // pool's evidence is not about it. A launch verifying at half its flow's rate was held by
        // the shortfall of an earlier attack into other new countries the same day (3 of 213
        // verified). Their rate is the pool's day, or the pool's day less the country's own when
        // that is lower: the pool holds the country's sends while it was pooled (their codes
        // would raise the rate it is measured against), and not those since it was apart (less
        // them, the rest would be emptied).
        let country_apart = || {
            let lc = &cfg.signals.low_conversion;
            let convs = &self.state.convs;
            let (Some(c), Some(pool)) = (
                convs.get(country_conv),
                convs.get(Keyer::mix(flow_key, KEY_RARE_CONV)),
            ) else {
                return false;
            };
            let day = |c: &Conv| signals::last_day(c, now, signals::sends_since(cfg, c, now - grace));
            let ((vc, nc), (vp, np)) = (day(c), day(pool));
            let rate = |v: u32, n: u32| (f64::from(v) + 0.5) / (f64::from(n) + 1.0);
            let rest = rate(vp, np).min(rate(vp.saturating_sub(vc), np.saturating_sub(nc)));
            vc >= 2 && signals::surprise(nc - vc.min(nc), nc, 1.0 - rest) >= lc.min_surprise
        };
        let rare_key = (new_to_tenant(&self.state.convs, view, flow_country_key)
            && !country_verifies()
            && !country_apart())
        .then(|| Keyer::mix(flow_key, KEY_RARE_CONV));
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
        // The flow's and the tenant's usual sends at this hour of the tenant's day (its countries in
        // their local hours), not of the send's country's: a flow mostly French by the evening,
        // its French sends pumped, expected 145 sends in a half hour of the US's busy hours (35
        // at the tenant's hour) where it had 82, counted them all as usual ones, and read the
        // rest of the flow outside a pumped US block as a gap in the conversion log.
        let flow_window = |span| {
            (
                signals::matured_span(cfg, fc, now, span, grace),
                signals::usual_in(cfg, fc, tenant_season, span),
            )
        };
        let flow_windows = [flow_window(rest), flow_window(signals::HOUR)];
        // An open incident of the tenant on another block of this country: it explains the
        // country's accumulated evidence (see `ConvContext::may_accumulate`). (Even a spread
        // attack's country-wide incident that one of its blocks joined by chance: not holding
        // the country's ordinary sends weighs more, see EVALUATION.md, eighteenth round.)
        let tenant_blocks_open = Keyer::mix(Keyer::mix(tenant, KEY_TENANT_BLOCKS), KEY_OPEN);
        // The flow's conversion key of that block.
        let explaining_block = self
            .open_incident(&[Some(tenant_blocks_open)], now)
            .filter(|(_, inc)| inc.country == country.as_str() && inc.block != *block)
            .map(|(_, inc)| {
                let digits = inc.block.trim_start_matches('+').as_bytes();
                Keyer::mix(
                    Keyer::mix(flow_key, self.keyer.hash(dom::BLOCK, digits)),
                    KEY_BLOCK_CONV,
                )
            });
        // Or an incident opened in another country is open under this country's blocks (sends
        // with evidence about them sustained it within the idle time): an attacker pumping
        // blocks over the tenant's country mix has its blocks' sends in this country's count,
        // and its blocks are what hold them. The tenant's blocks key names only the incident's
        // first block, in the country it opened in.
        let country_blocks_open = Keyer::mix(
            Keyer::mix(Keyer::mix(tenant, KEY_TENANT_BLOCKS), KEY_OPEN),
            u64::from(country.id()),
        );
        let block_explains = explaining_block.is_some()
            || self
                .open_incident(&[Some(country_blocks_open)], now)
                .is_some_and(|(_, inc)| inc.country != country.as_str());
        // A key's sends outside a block or blocks (`v` verified of `n`, baseline `p`) verify
        // like usual; too few to tell, none of them falling short, are the blocks' too.
        let outside_verifies = |v: u32, n: u32, p: f64| {
            let lc = &cfg.signals.low_conversion;
            signals::requesters_verify(cfg, (v, n, p), prior).is_some()
                || (n < lc.min_sends && signals::surprise(v, n, p) < lc.min_surprise)
        };
        // And the country's (or its strangers') matured sends outside that block verify like
        // usual: the shortfall the key shows is the block's, and this send, to another block of
        // the country, is not judged by it. A tenant's home block pumped at its whole volume
        // took the country's rate down to a third of its baseline, and the country's ordinary
        // sign-ups, with the volume the block added, were held with it. An attack spread over
        // the country leaves the rest short, and is judged as before.
        let outside_block_verifies = |key: Option<u64>| {
            let (Some(b), Some(c)) = (
                explaining_block.and_then(|k| self.state.convs.get(k)),
                key.and_then(|k| self.state.convs.get(k)),
            ) else {
                return false;
            };
            let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
            let (vb, nb) = signals::matured(cfg, b, now, grace);
            outside_verifies(v.saturating_sub(vb), n.saturating_sub(nb), p)
        };
        // An open incident on the flow's strangers: it explains a country's accumulated evidence
        // too (their unverified sends are in the country's count; the returning users' are not
        // judged by them).
        let strangers_open = Keyer::mix(Keyer::mix(flow_key, KEY_STRANGER_CONV), KEY_OPEN);
        // The flow × country's sends from known requesters.
        let country_known = Keyer::mix(country_conv, KEY_KNOWN_CONV);
        // Not while the country's sends from known requesters fail to verify like usual (the
        // test of `known_requester`): an attack through the users' networks (residential
        // proxies) is in the country's count, not the strangers'.
        let strangers_explain = cfg.signals.low_conversion.strangers
            && self.open_incident(&[Some(strangers_open)], now).is_some()
            && self.state.convs.get(country_known).is_none_or(|c| {
                // Too few to tell (and not already falling short), or verifying like usual.
                let lc = &cfg.signals.low_conversion;
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                if n < lc.min_sends {
                    signals::surprise(v, n, p) < lc.min_surprise
                } else {
                    signals::requesters_verify(cfg, (v, n, p), prior).is_some()
                }
            });
        // An annotation covering the send raises the evidence a shortfall resting on the extra
        // volume needs (and explains volume-type evidence, in `combine`).
        let announced = cfg
            .signals
            .expected_change
            .enabled
            .then(|| {
                self.annotation_for(
                    tenant,
                    f.send.workflow.map(|_| f.workflow_hash.unwrap_or(0)),
                    country,
                    now,
                )
            })
            .flatten();
        // The send's expected cost as severity, asked only when a shortfall may be decisive.
        let (tariffs, tenants, established) = (&self.tariffs, &self.state.tenants, view.established);
        let cost_cell = std::cell::OnceCell::new();
        let cost = || {
            *cost_cell.get_or_init(|| {
                tenants.get(tenant).map_or((0.0, 1.0), |t| {
                    signals::cost_nats(cfg, t, now, established, tariffs.price(country), |c| {
                        tariffs.price(c)
                    })
                })
            })
        };
        // The tenant's matured half hour and hour with their usual counts, and its rate, for a
        // flow too small to tell a gap in the log by (`low_conversion.tenant_rest`): read once,
        // when the first key asks.
        let tenant_cell = std::cell::OnceCell::new();
        let tenant_windows = || {
            *tenant_cell.get_or_init(|| {
                let t = tenants
                    .get(tenant)
                    .filter(|_| cfg.signals.low_conversion.tenant_rest)?;
                let window = |span| {
                    (
                        signals::matured_span(cfg, &t.conv, now, span, grace),
                        signals::usual_in(cfg, &t.conv, tenant_season, span),
                    )
                };
                Some((
                    [window(rest), window(signals::HOUR)],
                    signals::conv_rate(cfg, &t.conv, fv.tenant_rate),
                ))
            })
        };
        // The tenant's learned delays, for the sends still inside the grace period
        // (`low_conversion.young_sends`).
        let young = tenants
            .get(tenant)
            .and_then(|t| signals::delay_cdf(cfg, t))
            .map(|cdf| signals::young_shares(cfg, now, grace, &cdf));
        let mut usual: Option<(u32, u32, f64)> = None;
        // The country's matured window and baseline, for its blocks' `rest` of the country.
        let mut country_window = ((0, 0), 0.0);
        let mut country_usual = 0.0;
        // The tenant's strangers: a send to a number that never verified, from a requester not
        // known to the tenant. Counted per flow × country (judged) and over the flow's countries
        // (for the country's `rest`).
        let stranger = stranger(cfg, f.known_good, known_requester);
        let strangers_key = stranger.then(|| Keyer::mix(country_conv, KEY_STRANGER_CONV));
        let (country_outside, strangers_outside) = (
            outside_block_verifies(Some(country_conv)),
            outside_block_verifies(strangers_key),
        );
        let mut strangers_window = ((0, 0), 0.0);
        let mut strangers_usual = 0.0;
        let mut strangers_unproven = false;
        // The block's missing codes in the send's flow (its baseline's expected codes less those
        // verified, over its matured window), for `agent_class_blocks`: the scope of the flow ×
        // country's they are set against. Over the tenant's flows (the block's judged key), a
        // pumped block's missing codes outnumbered its flow × country's (a second generator's
        // home block: 223 against 163), and the app's new users in it, whose sends verified, were
        // never cleared.
        let mut block_missing = 0.0;
        if stranger {
            let c = self.state.convs.entry(
                Keyer::mix(Keyer::mix(flow_key, KEY_FLOW_CONV), KEY_STRANGER_CONV),
                Conv::new,
            );
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
            strangers_window = ((v, n), p);
            strangers_usual = signals::usual_in_window(cfg, c, season);
        }
        // The same block in the tenant's other flows that send codes, for the block's shortfall
        // over all of them (`low_conversion.pool_flows`).
        let lc = &cfg.signals.low_conversion;
        let siblings = if lc.enabled && lc.pool_flows && judge_conversion && own_baseline && !gap {
            self.block_in_other_flows(f)
        } else {
            Vec::new()
        };
        let pooled_flows = !siblings.is_empty();
        // The send's block's matured sends (over the tenant's flows that send codes) fall short
        // (binomial surprise ≥ `min_surprise`): the send counts among the flow × country's
        // sends into such blocks (`low_conversion.short_blocks`), and the country's shortfall
        // outside them is told apart from theirs. A second generator's attacker over four blocks
        // of each of its tenant's countries took one to 14 of 155 verified in an hour (baseline
        // 54 %), and the country's new users in its other blocks were held with it.
        let block_conv = Keyer::mix(block_key, KEY_BLOCK_CONV);
        let block_short = judge_conversion
            && lc.short_blocks
            && self.state.convs.get(block_conv).is_some_and(|c| {
                let short = |b: &Conv| {
                    let (v, n, p) = signals::matured_rate(cfg, b, prior, now, grace);
                    n >= lc.min_sends && signals::surprise(v, n, p) >= lc.min_surprise
                };
                if pooled_flows {
                    short(&signals::pool_block(c, &siblings, now))
                } else {
                    short(c)
                }
            });
        let short_blocks = Keyer::mix(country_conv, KEY_SHORT_BLOCK_CONV);
        if block_short {
            // A block that fell short (none of its window added since) brings its window's
            // sends from before: an attack's first sends into a block, before it could fall
            // short, would otherwise count outside it. Its later sends are added one by one.
            let bucket = now.div_euclid(signals::bucket_ms(cfg));
            let ring = crate::state::CONV_BUCKETS as i64;
            let fell = self
                .state
                .convs
                .get(block_conv)
                .filter(|b| b.short_at <= bucket - ring)
                .cloned();
            if let Some(b) = fell {
                let into = self.state.convs.entry(short_blocks, Conv::new);
                signals::add_window(cfg, into, &b, bucket - ring, now, prior);
            }
            if let Some(b) = self.state.convs.get_mut(block_conv) {
                b.short_at = bucket;
            }
            if trial {
                signals::conv_send(cfg, self.state.convs.entry(short_blocks, Conv::new), now, prior);
            }
        }
        // The country's matured sends outside those blocks verify like usual (the test of
        // `known_requester`, against the country's baseline): its shortfall is theirs, and a
        // send to another block is not judged by it. Their own shortfall still is, and so is
        // the country's strangers' (the country outside them holds its returning users, whose
        // codes would clear an attack's strangers: our simulator's adaptive attacker was held
        // after its detection at 72 % of its sends instead of 80 % when they were cleared too).
        let outside_short_verifies = !block_short
            && self.state.convs.get(short_blocks).is_some_and(|b| {
                let Some(c) = self.state.convs.get(country_conv) else {
                    return false;
                };
                let (vb, nb) = signals::matured(cfg, b, now, grace);
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                nb > 0 && outside_verifies(v.saturating_sub(vb), n.saturating_sub(nb), p)
            });
        // The new countries' pooled day judges a send only while its own country's day falls
        // short with it (`signals::own_day_falls_short`). A country's first sends (none matured
        // yet; or a few, unverified by chance: two in ten for a launch's first two, which held
        // 6 of the 9 held sends of a second generator's launches over 40 seeds) and a country
        // whose sends verify are not judged by other countries' sends over the day: a launch a
        // day after an attack into other new countries had its first 20 sign-ups held by that
        // day, until its own sends verified like usual. A slow drip's countries each fall short
        // with the pool. The same holds for the evidence the pooled key accumulated over hours:
        // a launch's second send was held by an earlier attack's.
        let rare_day = rare_key.is_some()
            && self
                .state
                .convs
                .get(country_conv)
                .is_some_and(|c| signals::own_day_falls_short(cfg, c, now, grace, prior));
        for (key, group) in [
            (Some(country_conv), ConvGroup::Country),
            (Some(Keyer::mix(block_key, KEY_BLOCK_CONV)), ConvGroup::Block),
            (rare_key, ConvGroup::Rare),
            (strangers_key, ConvGroup::Strangers),
        ] {
            let Some(key) = key else { continue };
            let c = self.state.convs.entry(key, Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            signals::conv_cusum(cfg, c, now, grace, prior, season);
            // A gap in the tenant's conversion log: the key's matured sends went unverified for
            // want of logs, so the evidence accumulated over them is set aside, not kept to
            // decide a send after the log comes back. So is evidence against a baseline the
            // flow borrowed from its tenant (a young flow that may not send codes): a new
            // order-update flow's sends, at 5 % verified, had gathered 40 nats against the
            // tenant's 63 % before the flow's own rate took over.
            if gap || !own_baseline {
                c.cusum = 0.0;
            }
            if blocked {
                c.blocks.add(now, 1.0, signals::window_ms(cfg));
            }
            // Whether the country's strangers may be the attack's: not verifying like usual in
            // the matured window, and over the last 24 hours (the current day and the share of
            // the previous one, whatever the current day's conversion: a day that started at
            // night has too few sends) verifying under half the baseline, or sending none while
            // the key's learned history (its folded sends, a day and a half on average) holds
            // no verified code. A country whose few new users a day verify is not the attack's.
            if group == ConvGroup::Strangers && judge_conversion {
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                let pending = signals::sends_since(cfg, c, now - grace);
                let (dv, dn) = signals::last_day(c, now, pending);
                let short_day = if dn > 0 {
                    f64::from(dv) <= cfg.signals.low_conversion.max_ratio * p * f64::from(dn)
                } else {
                    c.rate_num < 1.0
                };
                strangers_unproven = signals::requesters_verify(cfg, (v, n, p), prior).is_none() && short_day;
            }
            if judge_conversion && group == ConvGroup::Country {
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                usual = signals::conversion_normal(cfg, (v, n, p), prior);
                country_window = ((v, n), p);
                country_usual = signals::usual_in_window(cfg, c, season);
            }
            // The rest of the wider key: the country outside the block, the flow's strangers
            // outside the country. The key's matured counts, the rest's, the wider key's rate and
            // the rest's usual sends in the window.
            let wider_rest = match group {
                ConvGroup::Block => Some((country_window, country_usual)),
                ConvGroup::Strangers => Some((strangers_window, strangers_usual)),
                _ => None,
            }
            .map(|(((vw, nw), p), uw)| {
                let (vk, nk) = signals::matured(cfg, c, now, grace);
                let ur = (uw - signals::usual_in_window(cfg, c, season)).max(0.0);
                ((vk, nk), (vw.saturating_sub(vk), nw.saturating_sub(nk)), p, ur)
            });
            // A block that falls short with its country's cohort (`signals::short_with_cohort`):
            // the rest of the country verifies like people that verify worse than usual, and
            // the block no worse than them. Its shortfall against the baseline is theirs, drawn
            // small: a second generator's enrolment day at half its users' rate had 33 sends
            // held on blocks at 3 to 7 of 10 to 18 verified against an 84 % baseline. Only the
            // evidence that its extra sends are not verified (decisive, `excess_llr` or the
            // accumulated) still counts: an attacker that rotates blocks among a country's users
            // makes the rest's rate look like a cohort's too.
            let block_cohort = group == ConvGroup::Block
                && judge_conversion
                && wider_rest
                    .is_some_and(|(key, rest, p, ur)| signals::short_with_cohort(cfg, key, rest, p, ur));
            let explained = match group {
                ConvGroup::Country => country_outside || outside_short_verifies,
                ConvGroup::Strangers => strangers_outside,
                _ => false,
            };
            if cfg.signals.low_conversion.enabled && judge_conversion && !explained {
                let what = || match group {
                    ConvGroup::Block if pooled_flows => {
                        format!("{country} {block}, over the tenant's flows that send codes")
                    }
                    ConvGroup::Block => format!("{country} {block}"),
                    ConvGroup::Country => country.to_string(),
                    ConvGroup::Rare => format!("countries new to the tenant ({country} …)"),
                    ConvGroup::Strangers => {
                        format!("{country}, numbers that never verified from requesters new to the tenant")
                    }
                };
                // The rest of the wider key's shortfall counts only where its sends on top of its
                // usual ones do not verify like a cohort of people
                // (`signals::pumping_not_cohort`): real users that verify worse than usual (an
                // office's staff enrolling) are no sign that the key's own shortfall is pumping
                // spread over the country (a second generator's enrolment day at half its users'
                // rate had 13 sends held on blocks of 2 or 3 sends an hour by the half of
                // `decisive_surprise` this gives).
                let block = wider_rest.map(|(_, (vr, nr), p, ur)| {
                    if signals::pumping_not_cohort(cfg, vr, nr, p, ur) < 0.0 {
                        0.0
                    } else {
                        signals::surprise(vr, nr, p)
                    }
                });
                let key_window = |span| {
                    (
                        signals::matured_span(cfg, c, now, span, grace),
                        signals::usual_in(cfg, c, season, span),
                    )
                };
                let rest_spans = [
                    (flow_windows[0], key_window(rest)),
                    (flow_windows[1], key_window(signals::HOUR)),
                ];
                // The rest of the flow outside the key still verifies codes
                // (`signals::rest_verifies_over`).
                let rest_verifies = signals::rest_verifies_over(&rest_spans, flow_rate, tenant_windows);
                // A block is judged over the flows of its tenant that send codes.
                let pooled = (group == ConvGroup::Block && pooled_flows)
                    .then(|| signals::pool_block(c, &siblings, now));
                if group == ConvGroup::Block {
                    let (v, n) = signals::matured(cfg, c, now, grace);
                    block_missing = signals::conv_rate(cfg, c, prior) * f64::from(n) - f64::from(v);
                }
                if let Some((r, from_volume)) = signals::low_conversion(
                    cfg,
                    pooled.as_ref().unwrap_or(c),
                    prior,
                    now,
                    signals::ConvContext {
                        block,
                        own_baseline,
                        season,
                        may_accumulate: rest_verifies
                            && !(matches!(group, ConvGroup::Country | ConvGroup::Strangers)
                                && (block_explains || !cfg.signals.low_conversion.accumulate_countries))
                            && !(group == ConvGroup::Country && strangers_explain)
                            && (group != ConvGroup::Rare || rare_day),
                        grace,
                        cost: &cost,
                        announced: announced
                            .as_deref()
                            .map(|l| (cut(l, 64), cfg.signals.expected_change.extra_nats)),
                        day: group != ConvGroup::Rare || rare_day,
                        young: young.as_ref(),
                    },
                    what,
                )
                .filter(|(_, from_volume)| !block_cohort || from_volume.is_some())
                {
                    // The more specific key wins a tie: a block's evidence places the attack, the
                    // strangers' sets it apart from the country's returning users.
                    let better = conv_best.as_ref().is_none_or(|b| {
                        r.weight > b.weight
                            || (r.weight == b.weight
                                && (group == ConvGroup::Block
                                    || (group == ConvGroup::Strangers
                                        && conv_group != Some(ConvGroup::Block))))
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
        // The flow × country's and the flow × block's sends from known requesters, each counted
        // apart: while they verify like usual (at least the country's rate or their own,
        // whichever is higher), the key's shortfall is in the other sends, and a known
        // requester's send is not judged by it. A country's (or the new countries') shortfall
        // is cleared by the country's count, a block's by the block's: an attack's sends through
        // the users' networks land in the count of the key they pump, not diluted in a wider
        // one, and stop it verifying like usual.
        let requester_clears = if known_requester {
            let lc = &cfg.signals.low_conversion;
            let judged = conv_group.filter(|_| judge_conversion).map(|g| {
                if g == ConvGroup::Block {
                    g
                } else {
                    ConvGroup::Country
                }
            });
            let mut clears = None;
            // The country's test, kept for a quiet block (below).
            let mut country_clears = None;
            for (key, group) in [
                (country_known, ConvGroup::Country),
                (
                    Keyer::mix(Keyer::mix(block_key, KEY_BLOCK_CONV), KEY_KNOWN_CONV),
                    ConvGroup::Block,
                ),
            ] {
                let c = self.state.convs.entry(key, Conv::new);
                if trial {
                    signals::conv_send(cfg, c, now, prior);
                }
                if judged.is_none() || (group == ConvGroup::Block && judged != Some(group)) {
                    continue;
                }
                let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
                let p = p.max(country_window.1);
                // Too few matured sends in the window (a flow whose known requesters send a
                // few codes an hour): their current day (not the sliding 24 hours, in which an
                // attack's sends through the users' networks over an hour or two are diluted),
                // unless the window already falls short.
                let day = (u32::from(c.day_verified), u32::from(c.day_sends));
                let quiet =
                    |(v, n): (u32, u32)| n < lc.min_sends && signals::surprise(v, n, p) < lc.min_surprise;
                let window_quiet = quiet((v, n));
                let (v, n) = if n >= lc.min_sends {
                    (v, n)
                } else if window_quiet {
                    day
                } else {
                    (0, 0)
                };
                let verify = signals::requesters_verify(cfg, (v, n, p), prior);
                if group == ConvGroup::Country {
                    country_clears = verify.map(|(v, n, p)| (Clearance::KnownRequesters(group), v, n, p));
                    if judged == Some(group) {
                        clears = country_clears;
                    }
                } else {
                    // A block whose known requesters sent too few codes to tell, in the window
                    // and in its day, none of them falling short: the country's known requesters
                    // speak for them. An attack through the users' networks into the block
                    // falls short there within a few sends and is judged by the block again.
                    let quiet_block = window_quiet && quiet(day);
                    clears = verify
                        .map(|(v, n, p)| (Clearance::KnownRequesters(group), v, n, p))
                        .or(country_clears.filter(|_| quiet_block));
                }
            }
            clears
        } else {
            None
        };
        // The requester's own matured sends (its IP, else user, else session) verify like usual
        // (against the higher of their own rate and the country's): whatever its key's
        // shortfall, this requester's codes reach people. An attacker's address never verifies
        // like that; a fresh one has too few sends to tell.
        let requester_clears = requester_clears.or_else(|| {
            let c = requester
                .filter(|_| cfg.signals.known_requester.enabled && judge_conversion && conv_group.is_some())
                .and_then(|r| self.state.convs.get(source_conv_key(Some(r))))?;
            let (v, n, p) = signals::matured_rate(cfg, c, prior, now, grace);
            signals::requesters_verify(cfg, (v, n, p.max(country_window.1)), prior)
                .map(|(v, n, p)| (Clearance::OwnSends, v, n, p))
        });
        // Or the sends from its kind of client (its user agent's product) to the flow × country
        // verify like usual, and carry at most `agent_share` of the country's missing codes,
        // for a country's, the new countries' or the strangers' shortfall, and with
        // `agent_class_blocks` a block's: the shortfall is in the other clients' sends. An attack
        // through the tenant's app leaves the app's sends short and its browsers' verifying; one
        // through browsers, the reverse; one whose sends are a small part of a busy client's is
        // in that client's missing codes, and clears nothing. A block's shortfall is tested on
        // the client's sends to the whole flow × country (a key per block and client would crowd
        // the conversion keys out of their bound): an attack on one block through the app still
        // carries the country's missing codes in the app's sends.
        let kr = &cfg.signals.known_requester;
        let agent_key = if kr.enabled && kr.agent_class {
            agent_conv_key(country_conv, f.agent_class)
        } else {
            0
        };
        if agent_key != 0 {
            let c = self.state.convs.entry(agent_key, Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
        }
        let requester_clears = requester_clears.or_else(|| {
            conv_group.filter(|&g| {
                judge_conversion && (g != ConvGroup::Block || kr.agent_class_blocks) && agent_key != 0
            })?;
            let own = self.state.convs.get(agent_key)?;
            let (v, n, p) = signals::matured_rate(cfg, own, prior, now, grace);
            let ((vc, nc), country_p) = country_window;
            let p = p.max(country_p);
            let missing = |v: u32, n: u32| p * f64::from(n) - f64::from(v);
            let (own_missing, country_missing) = (missing(v, n), missing(vc, nc));
            // For a block's shortfall, the other clients' sends to the country must carry the
            // block's missing codes too: an attack through this client, diluted in its sends to a
            // country it serves, leaves them to this client.
            let others_carry_block = conv_group != Some(ConvGroup::Block)
                || country_missing - own_missing >= (1.0 - kr.agent_share) * block_missing;
            // Too few of the client's sends in the window to tell, counting those still inside
            // the grace period (a small country's few app users an hour while browsers pump it),
            // none of the matured ones falling short: its current day, as for the known
            // requesters. Not a client whose new sends are not matured yet: an attack's first
            // sends through the client that most users use are young, and its day (those users'
            // codes) cleared a second generator's home block for its first 22 sends.
            let lc = &cfg.signals.low_conversion;
            let recent = signals::sends_since(cfg, own, now - lc.window_secs as Millis * 1000 - grace);
            let counts = if n >= lc.min_sends {
                (v, n)
            } else if recent < lc.min_sends && signals::surprise(v, n, p) < lc.min_surprise {
                (u32::from(own.day_verified), u32::from(own.day_sends))
            } else {
                (0, 0)
            };
            (country_missing > 0.0 && own_missing <= kr.agent_share * country_missing && others_carry_block)
                .then(|| signals::requesters_verify(cfg, (counts.0, counts.1, p), prior))
                .flatten()
                .map(|(v, n, p)| (Clearance::AgentClass, v, n, p))
        });
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
        // The requester's own matured sends verify at `carry_ratio` of the baseline or more,
        // counted against `min_sends` more sends than they are: its codes reach people, and
        // the incident it shares a key with is not its doing. An attack's address verifies a
        // few codes in a hundred, and one that keeps each address to a send or two has too few.
        let requester_verifies = kr.enabled
            && kr.carry_ratio > 0.0
            && judge_conversion
            && prior > 0.0
            && requester
                .and_then(|r| self.state.convs.get(source_conv_key(Some(r))))
                .is_some_and(|c| {
                    let m = cfg.signals.low_conversion.min_sends;
                    let (v, n) = signals::matured(cfg, c, now, grace);
                    let (v, n) = if n >= m {
                        (v, n)
                    } else {
                        (u32::from(c.day_verified), u32::from(c.day_sends))
                    };
                    let p = prior.max(country_window.1);
                    n >= m && f64::from(v) >= kr.carry_ratio * p * f64::from(n + m)
                });
        let borrowed = conv_best.is_some() && !own_baseline;
        reasons.extend(conv_best);
        ConvFindings {
            borrowed,
            usual,
            announced,
            requester_clears,
            requester_verifies,
            block_short,
            group: conv_group,
            rare_key,
            tenant_blocks_open,
            strangers_open,
            country_blocks_open,
            strangers_unproven,
        }
    }

    /// The conversion keys of the send's block in its tenant's other flows that send codes
    /// (each with a baseline of its own: [`signals::FlowConversion::Rate`]), for the block's
    /// shortfall over all of them ([`signals::pool_block`]).
    fn block_in_other_flows(&self, f: &SendFacts) -> Vec<Conv> {
        let Some(t) = self.state.tenants.get(f.tenant) else {
            return Vec::new();
        };
        let block = self
            .keyer
            .hash(dom::BLOCK, f.block.trim_start_matches('+').as_bytes());
        t.workflows
            .iter()
            .filter(|w| Some(w.hash) != f.workflow_hash)
            .filter(|w| {
                matches!(
                    signals::flow_conversion(&self.cfg, t, Some(w.hash), f.now),
                    signals::FlowConversion::Rate(_)
                )
            })
            .filter_map(|w| {
                let key = Keyer::mix(
                    Keyer::mix(flow_key(f.tenant, Some(w.hash)), block),
                    KEY_BLOCK_CONV,
                );
                self.state.convs.get(key).cloned()
            })
            .collect()
    }

    /// The provider's own blocks: of this send, or of recent sends of the tenant to the country.
    pub(super) fn provider_block_stage(&self, ev: &Event<'_>, f: &SendFacts, reasons: &mut Vec<Reason>) {
        let SendFacts {
            now,
            country,
            flow_country_key,
            blocked,
            ..
        } = *f;
        let cfg = &self.cfg;
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
                let n = c.blocks.get(now, signals::window_ms(cfg));
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
    }

    /// Conversion attribution for later: by reference and by number.
    pub(super) fn attribute(&mut self, ev: &Event<'_>, f: &SendFacts, conv: &ConvFindings) {
        let (rare_key, short_block) = (conv.rare_key, conv.block_short);
        let SendFacts {
            now,
            tenant,
            workflow_hash,
            flow_country_key,
            block_key,
            number_hash,
            known_good,
            known_requester,
            requester_marks,
            trial,
            requester,
            agent,
            agent_class,
            ..
        } = *f;
        let k = &self.keyer;
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
                known_requester,
                requester_marks,
                agent_class,
                number: Keyer::mix(tenant, number_hash),
                short_block,
            };
            for key in send_keys(k, tenant, ev).into_iter().flatten() {
                *self.state.sent.entry(key, || sent) = sent;
            }
            *self.state.sent.entry(sent.number, || sent) = sent;
        }
    }

    /// The block: adjacent numbers, a block new to the flow, the block across tenants. Returns
    /// the block's platform-wide key, and whether the block, in a flow whose conversion cannot
    /// be judged, carries at least `fresh_block.min_share` of the flow's sends of the last hour
    /// (two or more): the concentration that keeps an incident on it carrying its sends.
    pub(super) fn block_stage(
        &mut self,
        f: &SendFacts,
        fv: &FlowView,
        reasons: &mut Vec<Reason>,
        damped: &mut Vec<Reason>,
    ) -> (u64, bool) {
        let SendFacts {
            now,
            tenant,
            number_hash,
            flow_key,
            block_key,
            requester,
            ref number,
            ref block,
            ref send,
            ..
        } = *f;
        let cfg = &self.cfg;
        let FlowView {
            ref view,
            tenant_window,
            ..
        } = *fv;
        let k = &self.keyer;
        let privacy = cfg.privacy.enabled;
        let fb = &cfg.signals.fresh_block;

        // A key's sends in the window and in the last hour.
        let wms = signals::window_ms(cfg);
        let convs = &self.state.convs;
        let counts = |c: &Conv| {
            (
                signals::sends_since(cfg, c, now - wms),
                signals::sends_since(cfg, c, now - signals::HOUR),
            )
        };
        let sends = |key: u64| convs.get(key).map_or((0, 0), counts);
        let flow_conv = Keyer::mix(flow_key, KEY_FLOW_CONV);
        // The block's history in this flow before its current buckets (decayed, attack-like
        // buckets at 5 %), to compare with what it receives now.
        let block_conv = Keyer::mix(block_key, KEY_BLOCK_CONV);
        let (history, (recent, hour)) = convs
            .get(block_conv)
            .map_or((0.0, (0, 0)), |c| (f64::from(c.rate_den), counts(c)));
        // A block this flow has next to no history in.
        let block_fresh = history < 16.0;
        // A flow whose conversion cannot be judged has nothing else that accumulates over
        // hours: in a block new to it, distinct numbers are also counted over the slow window
        // (`fresh_block.slow_window_secs`), while the block carries at least `min_share` of the
        // flow's sends of the last hour (pumping concentrates; a flow's ordinary sends, a
        // launch's or a burst's, spread over a country's blocks).
        let carries_share = !fv.judge_conversion
            && view.established
            && f64::from(hour) >= fb.min_share * f64::from(sends(flow_conv).1);
        let slow = (fb.slow_window_secs > 0 && block_fresh && carries_share)
            .then_some(fb.slow_window_secs as Millis * 1000);
        // Two sends or more: the concentration that keeps the block's incident carrying.
        let concentrated = carries_share && hour >= 2;

        let range_digits = number.range(cfg.adjacent_suffix_digits);
        // Adjacent numbers.
        if let (Some(rk), Some(digits)) = (send.range, range_digits) {
            let shown = || {
                if privacy {
                    format!("one range of {block}…")
                } else {
                    format!("+{digits}{}", "x".repeat(cfg.adjacent_suffix_digits))
                }
            };
            // A block carrying an ordinary share of its flow's window (a surge spreads over the
            // country's blocks): its sends in the window, over its ranges, are what chance alone
            // fills a range with. A block that concentrates the flow is the anomaly itself.
            // Asked only when a range reaches the threshold.
            let busy = || {
                (f64::from(recent) < fb.min_share * f64::from(sends(flow_conv).0)).then(|| {
                    let between = digits.len().saturating_sub(block.trim_start_matches('+').len());
                    (recent, 10f64.powi(between.min(9) as i32))
                })
            };
            let r = self.state.ranges.entry(rk, Range::default);
            reasons.extend(signals::adjacent(cfg, r, send, slow, busy, shown, privacy));
        }

        // The block's requesters, while the block is followed: a block new to the flow, or one
        // carrying a share of its flow's window. A send whose requester had reached another of
        // the block's numbers is a repeat.
        let bs = &cfg.signals.block_surge;
        let flow_recent = || f64::from(sends(flow_conv).0);
        let fresh_followed = fb.enabled && block_fresh && (recent >= 2 || (slow.is_some() && hour >= 2));
        let followed = fresh_followed
            || (view.established
                && !block_fresh
                && recent >= 2
                && f64::from(recent) >= bs.min_share * flow_recent());
        if let Some(who) =
            requester.filter(|_| send.first && followed && cfg.signals.source_velocity.block_repeats > 0)
        {
            let within = slow.unwrap_or(0).max(wms);
            let r = self
                .state
                .ranges
                .entry(Keyer::mix(block_key, KEY_BLOCK_REQUESTERS), Range::default);
            if signals::see_block_requester(r, who, now, within) {
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(block_key, KEY_BLOCK_REPEATS), Range::default);
                r.seen.see((number_hash as u32) | 1, now.div_euclid(1000) as u32);
                r.last = r.last.max(now);
            }
        }
        // The block's numbers in a window as many sends from its repeating requesters.
        let requesters_of = |n: u32, w: Millis, ranges: &BoundedMap<Range>| {
            let k = ranges
                .get(Keyer::mix(block_key, KEY_BLOCK_REPEATS))
                .map_or(0, |r| r.seen.count_since((now - w).div_euclid(1000) as u32));
            signals::block_requesters(cfg, n, k, w, block)
        };

        // A block new to the flow, suddenly receiving many distinct numbers.
        if fb.enabled {
            // Distinct numbers are tracked only for a block without much history that had an
            // earlier send in the window (in the last hour, for the slow window): most blocks
            // never need the entry (its first number is then not counted, one send of delay).
            if fresh_followed {
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(block_key, KEY_BLOCK_NUMBERS), Range::default);
                if send.first {
                    r.seen.see((number_hash as u32) | 1, now.div_euclid(1000) as u32);
                    r.last = r.last.max(now);
                }
                let count = |w: Millis| r.seen.count_since((now - w).div_euclid(1000) as u32);
                let n = count(wms);
                // Concentrated: the block carries at least `min_share` of the tenant's window (a
                // tenant's legitimate growth, even a brand-new tenant's, spreads over many blocks).
                let concentrated = f64::from(n) >= fb.min_share * tenant_window;
                let found = if n >= fb.min_distinct && history < f64::from(n) && concentrated {
                    Some((n, wms))
                } else {
                    slow.map(|w| (count(w), w))
                        .filter(|&(n, _)| n >= fb.min_distinct && history < f64::from(n))
                };
                if let Some((n, w)) = found.filter(|_| !fv.judge_conversion) {
                    reasons.extend(requesters_of(n, w, &self.state.ranges));
                }
                if let Some((n, w)) = found {
                    let x = f64::from(n - fb.min_distinct)
                        / f64::from(16u32.saturating_sub(fb.min_distinct).max(1));
                    reasons.push(Reason {
                        code: code::FRESH_BLOCK,
                        weight: (f64::from(fb.min_weight)
                            + (f64::from(fb.max_weight) - f64::from(fb.min_weight)) * x.min(1.0))
                        .round() as i32,
                        detail: format!(
                            "{block}, next to no history in this flow: {n} distinct numbers in {} min",
                            w / 60_000
                        ),
                    });
                }
            }
        }

        // A block with a history in a flow whose conversion cannot be judged, suddenly carrying
        // many times its usual share of the flow's window, and a share of it: pumping
        // into the blocks the tenant's own users are in. A flow's surge keeps each block's
        // share. Volume-type: capped with the rest, explained by an annotation.
        if bs.enabled && !fv.judge_conversion && view.established && !block_fresh && recent >= bs.min_sends {
            let usual = |key: u64| convs.get(key).map_or(0.0, signals::usual_per_bucket);
            let (in_block, in_flow) = (usual(block_conv), usual(flow_conv));
            let flow_recent = flow_recent();
            if in_flow > 0.0 && f64::from(recent) >= bs.min_share * flow_recent {
                let expected = in_block / in_flow * flow_recent;
                if let Some(r) = signals::block_surge(cfg, recent, expected, || block.to_string()) {
                    damped.push(r);
                    reasons.extend(requesters_of(recent, wms, &self.state.ranges));
                }
            }
        }

        // Where the flow's conversion is judged, the block's requesters count with the second
        // condition: the send's sends convert poorly (`low_conversion`).
        if fv.judge_conversion
            && followed
            && reasons
                .iter()
                .any(|r| r.code == code::LOW_CONVERSION && r.weight > 0)
        {
            reasons.extend(requesters_of(recent, wms, &self.state.ranges));
        }

        // The block across tenants: several tenants that had next to no history in one block
        // all reaching many numbers of it within hours. Busy blocks that tenants reach every day
        // are not counted, so only blocks new to each of them add up; the window is hours long,
        // so a block pumped slowly through several tenants accumulates.
        let sb = &cfg.signals.shared_block;
        let global_block = k.hash(dom::BLOCK, number.block(cfg.block_digits).as_bytes());
        if sb.enabled {
            let since = (now - sb.window_secs as Millis * 1000).div_euclid(1000) as u32;
            let stamp = now.div_euclid(1000) as u32;
            let (fast, slow) = (SHARED_FAST_HALF_LIFE, SHARED_SLOW_HALF_LIFE);
            let shared = &mut self.state.shared;
            // Every send counts in the block's platform-wide history: a block whose long-run
            // count is mostly recent is new to the whole platform (a block every tenant
            // reaches daily has a long history). The platform is this instance and the peers
            // whose exports it imported.
            let c = shared.counts.entry(global_block, BlockCount::default);
            if send.first {
                c.add(now, fast, slow);
            }
            let (mut recent_all, mut long_all) = c.get(now, fast, slow);
            for p in &shared.peers {
                if let Some(c) = p.count(global_block) {
                    let (r, l) = c.get(now, fast, slow);
                    recent_all += r;
                    long_all += l;
                }
            }
            let new_to_platform = long_all < 3.0 * recent_all;
            // A tenant counts when the block is new to its flow and carries a share of its
            // window (an attack concentrates; a tenant's ordinary sends spread over blocks).
            let concentrated = f64::from(recent) >= sb.min_share * tenant_window;
            let (n, t) = if block_fresh && view.established && concentrated {
                let s = shared.sets.entry(global_block, BlockSets::default);
                if send.first {
                    s.numbers.see((number_hash as u32) | 1, stamp);
                    s.tenants.see((tenant as u32) | 1, stamp);
                    s.last = s.last.max(now);
                }
                let s = *s;
                let sets: Vec<&BlockSets> = std::iter::once(&s)
                    .chain(shared.peers.iter().filter_map(|p| p.block_sets(global_block)))
                    .collect();
                (
                    union_count(sets.iter().map(|s| &s.numbers), since),
                    union_count(sets.iter().map(|s| &s.tenants), since),
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
        (global_block, concentrated)
    }

    /// Sources: one address, user agent, user or session reaching many numbers, counted only
    /// with a low conversion of its own sends where the flow's logs show conversions.
    pub(super) fn source_stage(
        &mut self,
        f: &SendFacts,
        fv: &FlowView,
        (judge_conversion, block_evidence): (bool, bool),
        season: f64,
        reasons: &mut Vec<Reason>,
    ) {
        let SendFacts {
            now,
            trial,
            requester,
            agent,
            ref send,
            ..
        } = *f;
        let cfg = &self.cfg;
        let FlowView {
            own_baseline,
            never_converts,
            prior,
            tenant_snapshot,
            grace,
            ..
        } = *fv;
        // Sources.
        let mut velocity = Vec::new();
        // Two conditions: where the flow's logs show conversions, a source reaching many numbers
        // counts only when its own matured sends convert poorly, and like pumping rather than
        // like a cohort of people (`signals::verifies_like_pumping`).
        let judge_sources = cfg.signals.source_velocity.require_low_conversion && judge_conversion;
        // A requester's conversion counts begin at its third send: most addresses send once or
        // twice (a user's, a residential proxy's), and a key for each of them crowded the
        // tenants' flow, country and block keys out of the conversion keys' bound (a second
        // generator's five days had 78,000 addresses, 44,500 of them seen once, for 32,768
        // keys). A requester is judged on its own sends only when it has many of them. A user
        // agent's are counted from its first: a tenant's agents are few, and a fan-out through
        // one rare agent is judged within its first burst.
        let (sources, convs) = (&self.state.sources, &mut self.state.convs);
        let mut poorly = |sk: u64, from_first: bool| {
            let key = source_conv_key(Some(sk));
            let seen_twice = || {
                sources
                    .get(sk)
                    .is_some_and(|s| s.long_run.get(now, crate::state::LONG_RUN) >= SOURCE_CONV_AFTER)
            };
            if !from_first && convs.get(key).is_none() && !seen_twice() {
                return !judge_sources;
            }
            let c = convs.entry(key, Conv::new);
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
                        grace,
                        cost: &|| (0.0, 1.0),
                        announced: None,
                        day: true,
                        young: None,
                    },
                    String::new,
                )
                .is_some()
                    && signals::verifies_like_pumping(cfg, c, now, grace, signals::conv_rate(cfg, c, prior))
        };
        let requester_poorly = requester.map(|r| poorly(r, false));
        let agent_poorly = agent.map(|a| poorly(a, true));
        // Where the second condition cannot be checked (no conversions show whether a source's
        // sends verify: logs without conversions, a flow without codes, a gap), a send that
        // names a user who asked for at most one other number in the window, into a block
        // without evidence of its own, is that user's own number: an office's or a NAT's
        // addresses and browser reach many numbers because many users are behind them (an
        // enrolment day in a tenant without conversions had 85 % of its sends held on its
        // office addresses). Their numbers say nothing about this send; a fan-out over many
        // countries still does.
        let since = (now - signals::window_ms(cfg)).div_euclid(1000) as u32;
        let own_number = cfg.signals.source_velocity.require_low_conversion
            && !judge_conversion
            && !block_evidence
            && send.sources.iter().any(|&(kind, sk)| {
                kind == "user"
                    && self
                        .state
                        .sources
                        .get(sk)
                        .is_none_or(|s| s.numbers.count_since(since) <= 1)
            });
        for (kind, sk) in &send.sources {
            let second = match *kind {
                "user_agent" => agent_poorly,
                _ => requester_poorly,
            };
            let second = if own_number && *kind != "user" {
                Some(false)
            } else {
                second
            };
            let s = self.state.sources.entry(*sk, Source::default);
            signals::source(
                cfg,
                s,
                kind,
                send,
                tenant_snapshot,
                (
                    second != Some(false),
                    cfg.signals.source_velocity.require_low_conversion && never_converts,
                ),
                &mut velocity,
            );
        }
        // The strongest of each code among the sources (and the block's requesters, found by
        // the block stage).
        velocity.sort_by_key(|r| std::cmp::Reverse(r.weight));
        for r in velocity {
            match reasons.iter_mut().find(|x| x.code == r.code) {
                Some(x) if x.weight < r.weight => *x = r,
                Some(_) => {}
                None => reasons.push(r),
            }
        }
    }

    /// Static facts about the destination and requester: risky prefixes, the country filters,
    /// the requester's country.
    pub(super) fn static_stage(&self, ev: &Event<'_>, f: &SendFacts, reasons: &mut Vec<Reason>) {
        let SendFacts {
            country, ref number, ..
        } = *f;
        let cfg = &self.cfg;
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
    }
}

/// Distinct values seen at or after `since` in the union of `sets`, at most a set's capacity
/// (what one instance that saw every send would count).
fn union_count<'a, const N: usize>(sets: impl Iterator<Item = &'a Recent<N>>, since: u32) -> u32 {
    let mut all: Vec<u32> = Vec::new();
    for s in sets {
        all.extend(s.values_since(since));
    }
    all.sort_unstable();
    all.dedup();
    all.len().min(N) as u32
}
