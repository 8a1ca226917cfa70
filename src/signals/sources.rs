//! Sources: one address, user agent, user or session reaching many numbers.

use super::*;

/// Updates a source with a send and reports `source_velocity`. `numbers_count`: the second
/// condition holds (the source's sends convert poorly, or it is not asked for);
/// `unchecked`: it is asked for but cannot be checked, in a flow whose history shows it never
/// converts (a notification flow: one account's notifications reach a few numbers), so a
/// source needs twice the numbers, or the fan-out's countries, to count on its own.
pub fn source(
    cfg: &Config,
    src: &mut Source,
    kind: &str,
    s: &Send,
    tenant: (u64, Decayed),
    (numbers_count, unchecked): (bool, bool),
    out: &mut Vec<Reason>,
) {
    let (tenant_sends, tenant_long_run) = tenant;
    let now = s.now;
    let wms = window_ms(cfg);
    if s.first {
        src.numbers.see(s.number as u32 | 1, secs(now));
        src.countries.see(u32::from(s.country.id()), secs(now));
        src.long_run.add(now, 1.0, LONG_RUN);
        src.last = src.last.max(now);
    }
    let sv = &cfg.signals.source_velocity;
    if sv.enabled {
        let since = secs(now - wms);
        let numbers = src.numbers.count_since(since);
        let countries = src.countries.count_since(since);
        let threshold = match kind {
            "ip" => Some(sv.ip_numbers),
            "user" | "session" => Some(sv.user_numbers),
            _ => {
                // Rarity from the history before this window, so a burst cannot make its own
                // user agent look common.
                let before = (f64::from(src.long_run.get(now, LONG_RUN)) - f64::from(numbers)).max(0.0);
                let share = before / f64::from(tenant_long_run.get(now, LONG_RUN)).max(1e-9);
                (tenant_sends >= 200 && share < sv.rare_user_agent_share)
                    .then_some(cfg.an0443.user_agent_anomaly_threshold)
            }
        };
        let geo = cfg.an0443.ip_geo_variance_score;
        // `numbers_count`: the second condition (the source's sends convert poorly, where the
        // flow's logs can show it) holds.
        let threshold = threshold.map(|t| if unchecked { t.saturating_mul(2) } else { t });
        let by_numbers = threshold
            .filter(|t| numbers_count && numbers >= *t)
            .map(|t| f64::from(numbers - t) / f64::from(t));
        // A few countries (from `ip_geo_variance_score`) need the second condition too, checked;
        // a fan-out over twice that many counts on its own.
        let fanout = kind != "user_agent" && countries >= geo.saturating_mul(2).max(2);
        let by_geo = (kind != "user_agent" && countries >= geo && ((numbers_count && !unchecked) || fanout))
            .then(|| f64::from(countries - geo) / f64::from(geo));
        if let Some(x) = by_numbers.into_iter().chain(by_geo).reduce(f64::max) {
            let w = scale(sv.min_weight, sv.max_weight, x).saturating_add(if fanout {
                sv.fanout_weight as i32
            } else {
                0
            });
            out.push(reason(
                code::SOURCE_VELOCITY,
                w,
                format!(
                    "one {kind} reached {numbers} numbers in {countries} countries in {}",
                    minutes(wms)
                ),
            ));
        }
    }
    let pb = &cfg.signals.provider_block;
    let blocks = src.blocks.get(now, wms);
    if pb.enabled && blocks >= 0.5 {
        out.push(reason(
            code::PROVIDER_BLOCK,
            pb.neighbour_weight as i32,
            format!(
                "this {kind} was blocked by the identity provider {:.0} time(s) recently",
                blocks.ceil()
            ),
        ));
    }
}

/// Records a requester sending to a new number of a followed block (`requesters`: the block's
/// requesters). Returns whether it had reached another of the block's numbers within `within`.
pub fn see_block_requester(requesters: &mut Range, requester: u64, now: Millis, within: Millis) -> bool {
    let who = requester as u32 | 1;
    let repeat = requesters.seen.values_since(secs(now - within)).any(|v| v == who);
    requesters.seen.see(who, secs(now));
    requesters.last = requesters.last.max(now);
    repeat
}

/// `source_velocity` for a block's requesters (`source_velocity.block_repeats`): of the
/// block's `numbers` in the window `w`, `repeats` were sent by a requester that had reached
/// another of them.
pub fn block_requesters(cfg: &Config, numbers: u32, repeats: u32, w: Millis, block: &str) -> Option<Reason> {
    let sv = &cfg.signals.source_velocity;
    let t = sv.block_repeats;
    if !sv.enabled || t == 0 || repeats < t || repeats.saturating_mul(4) < numbers {
        return None;
    }
    Some(reason(
        code::SOURCE_VELOCITY,
        scale(
            sv.min_weight,
            sv.max_weight,
            f64::from(repeats - t) / f64::from(t),
        ),
        format!(
            "{block}'s {numbers} numbers in {}: {repeats} of them from a requester that had reached another",
            minutes(w)
        ),
    ))
}
