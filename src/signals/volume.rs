//! Volume: spikes against a key's own hour-of-day and day-of-week profile.

use super::*;

/// Updates a volume key with a send.
pub fn volume_send(cfg: &Config, v: &mut Volume, now: Millis) {
    let alpha = cfg.signals.volume_spike.alpha as f32;
    let hour = now.div_euclid(HOUR);
    if v.hour == 0 {
        v.hour = hour;
    }
    if hour > v.hour {
        let mean = v.hod.iter().sum::<f32>() / 24.0;
        let days = v.hours_seen / 24;
        let a = alpha.max(1.0 / (days as f32 + 1.0));
        // Fold the closed hour, capped so that an attack does not become the baseline.
        let h = (v.hour.rem_euclid(24)) as usize;
        let cap = if v.hours_seen >= 24 {
            3.0 * v.hod[h].max(mean) + 5.0
        } else {
            f32::MAX
        };
        v.hod[h] += a * ((v.hour_count as f32).min(cap) - v.hod[h]);
        for gap in (v.hour + 1..hour).take(24) {
            let g = gap.rem_euclid(24) as usize;
            v.hod[g] -= a * v.hod[g];
        }
        v.hours_seen = v.hours_seen.saturating_add((hour - v.hour).min(1 << 20) as u32);
        v.hour = hour;
        v.hour_count = 0;
    }
    if hour == v.hour {
        v.hour_count = v.hour_count.saturating_add(1);
    }
    v.window.add(now, 1.0, window_ms(cfg));
    v.last = v.last.max(now);
}

/// `volume_spike` of one volume key: surprise of the window count against the seasonal baseline.
/// `dow_factor` scales for the day of week.
pub fn volume_spike(
    cfg: &Config,
    v: &Volume,
    now: Millis,
    dow_factor: f64,
    by_country: bool,
    what: impl Fn() -> String,
) -> Option<Reason> {
    let c = &cfg.signals.volume_spike;
    let wms = window_ms(cfg);
    // A decayed count with the window as half-life: a burst inside the window counts fully,
    // steady traffic at rate r settles at r·W/ln 2.
    let k = f64::from(v.window.get(now, wms));
    let threshold = cfg.an0443.sms_frequency_threshold;
    if threshold > 0 && by_country && k >= threshold as f64 {
        return Some(reason(
            code::VOLUME_SPIKE,
            c.max_weight as i32,
            format!(
                "{}: {:.0} sends in {} (SMSFrequencyThreshold {threshold})",
                what(),
                k,
                minutes(wms)
            ),
        ));
    }
    if !c.enabled || v.hours_seen < c.min_history_hours || k < f64::from(c.min_count) {
        return None;
    }
    let h = time::hour_of_day(now);
    let mean = f64::from(v.hod.iter().sum::<f32>()) / 24.0;
    let per_hour = f64::from(v.hod[h]).max(0.25 * mean) * dow_factor;
    let lambda = window_expected(per_hour, wms);
    let s = poisson_surprise(k, lambda);
    if k / lambda < c.min_ratio || s < c.min_surprise {
        return None;
    }
    let w = scale(
        c.min_weight,
        c.max_weight,
        (s - c.min_surprise) / (c.full_surprise - c.min_surprise),
    );
    Some(reason(
        code::VOLUME_SPIKE,
        w,
        format!(
            "{}: {:.0} sends in {} vs {:.1} expected (x{:.1})",
            what(),
            k,
            minutes(wms),
            lambda,
            k / lambda
        ),
    ))
}

/// The decayed window count (half-life `wms`) that steady traffic at `per_hour` settles at, at
/// least 1.
fn window_expected(per_hour: f64, wms: Millis) -> f64 {
    (per_hour * wms as f64 / HOUR as f64 / LN_2).max(1.0)
}

/// Hours a key younger than `volume_spike.min_history_hours` must have seen before
/// [`young_volume_ordinary`] can tell.
pub const YOUNG_MIN_HOURS: u32 = 3;

/// Whether a key too young for `volume_spike` (under `min_history_hours` of history, so without
/// an hour-of-day profile) sends at its ordinary volume: at least [`YOUNG_MIN_HOURS`] seen, and
/// the window's count at most twice the mean hour of the hours seen, plus two standard
/// deviations. A stream that starts a few hours before a gap in the conversion log then tells
/// the gap from pumping (which adds sends) as a key with a day of history does; the time of day
/// is not known yet, so a peak hour over a night's mean is not ordinary.
pub fn young_volume_ordinary(cfg: &Config, v: &Volume, now: Millis) -> bool {
    let seen = v.hours_seen.min(24);
    if seen < YOUNG_MIN_HOURS {
        return false;
    }
    let wms = window_ms(cfg);
    let mean = f64::from(v.hod.iter().sum::<f32>()) / f64::from(seen);
    let lambda = window_expected(mean, wms);
    f64::from(v.window.get(now, wms)) <= 2.0 * lambda + 2.0 * (2.0 * lambda).sqrt()
}

/// The volume key's usual traffic at this hour of the day (and day of the week, by
/// `dow_factor`) relative to its daily mean, once it has a day of history: what a flat daily
/// average of sends is multiplied by for the current hour. Clamped to 0.25–4.
pub fn seasonal_factor(cfg: &Config, v: &Volume, now: Millis, dow_factor: f64) -> Option<f64> {
    if v.hours_seen < cfg.signals.volume_spike.min_history_hours.max(24) {
        return None;
    }
    let mean = f64::from(v.hod.iter().sum::<f32>()) / 24.0;
    if mean <= 0.0 {
        return None;
    }
    let h = time::hour_of_day(now);
    Some((f64::from(v.hod[h]) / mean * dow_factor).clamp(0.25, 4.0))
}

/// Day-of-week factor of a tenant (1 until two weeks of history).
pub fn dow_factor(t: &Tenant, now: Millis) -> f64 {
    if t.days_seen < 14 {
        return 1.0;
    }
    let mean = f64::from(t.dow.iter().sum::<f32>()) / 7.0;
    if mean <= 0.0 {
        return 1.0;
    }
    (f64::from(t.dow[time::day_of_week(now)]) / mean).clamp(0.2, 5.0)
}

/// `block_surge`: a block's `n` sends in the window against `expected`, its usual share of its
/// flow's sends in the window. Fires at `min_ratio` times the expected count (which is at least
/// one send) with a Poisson surprise of `min_surprise`; the weight grows with the ratio, from
/// `min_weight` to `max_weight` at eight times `min_ratio`.
pub fn block_surge(cfg: &Config, n: u32, expected: f64, what: impl Fn() -> String) -> Option<Reason> {
    let c = &cfg.signals.block_surge;
    let (k, e) = (f64::from(n), expected.max(1.0));
    let ratio = k / e;
    if !(ratio >= c.min_ratio && poisson_surprise(k, e) >= c.min_surprise) {
        return None;
    }
    let x = (ratio / c.min_ratio).ln() / 8f64.ln();
    Some(reason(
        code::BLOCK_SURGE,
        scale(c.min_weight, c.max_weight, x),
        format!(
            "{}: {n} sends in {}, {ratio:.0}x its usual share of the flow",
            what(),
            minutes(window_ms(cfg))
        ),
    ))
}
