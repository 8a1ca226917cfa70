//! The DET0156 signals. Each one updates its own state with a send and then says how strongly
//! the send looks like pumping, with a human detail. Times are the records' own (`now`).

use std::f64::consts::LN_2;

use crate::config::Config;
use crate::numbering::Country;
use crate::state::{
    Conv, Decayed, Range, Source, Tenant, Volume, CONV_BUCKETS, LONG_RUN, TENANT_COUNTRIES, TENANT_WORKFLOWS,
};
use crate::time::{self, Millis};
use crate::verdict::{code, Reason};

const HOUR: Millis = 3_600_000;

/// Everything the signals need to know about one send.
pub struct Send {
    /// Event time used for state.
    pub now: Millis,
    /// Whether this is the first record of its message (counts update only once).
    pub first: bool,
    /// Tenant × workflow key.
    pub workflow: Option<u64>,
    /// Destination country.
    pub country: Country,
    /// Tenant × range key.
    pub range: Option<u64>,
    /// Last digits of the number (or their salted hash in privacy mode).
    pub suffix: u32,
    /// Salted hash of the full number.
    pub number: u64,
    /// Source keys (kind name, key).
    pub sources: Vec<(&'static str, u64)>,
}

fn window_ms(cfg: &Config) -> Millis {
    cfg.an0443.time_window_secs as Millis * 1000
}

fn secs(t: Millis) -> u32 {
    (t / 1000).clamp(1, i64::from(u32::MAX)) as u32
}

fn minutes(ms: Millis) -> String {
    if ms % HOUR == 0 {
        format!("{}h", ms / HOUR)
    } else {
        format!("{}m", ms / 60_000)
    }
}

fn scale(min_w: u32, max_w: u32, x: f64) -> i32 {
    let x = if x.is_finite() { x.clamp(0.0, 1.0) } else { 1.0 };
    (f64::from(min_w) + (f64::from(max_w) - f64::from(min_w)) * x).round() as i32
}

fn reason(code: &'static str, weight: i32, detail: String) -> Reason {
    Reason { code, weight, detail }
}

/// Poisson upper-tail surprise, -ln P(X >= k), by the Chernoff bound.
pub fn poisson_surprise(k: f64, lambda: f64) -> f64 {
    if k <= lambda || lambda <= 0.0 {
        return 0.0;
    }
    k * (k / lambda).ln() - (k - lambda)
}

/// Binomial lower-tail surprise, -ln P(X <= v) for n trials at rate p, by the Chernoff bound.
pub fn binomial_surprise(v: f64, n: f64, p: f64) -> f64 {
    if n <= 0.0 || p <= 0.0 {
        return 0.0;
    }
    let q = (v / n).clamp(0.0, 1.0);
    if q >= p {
        return 0.0;
    }
    let p = p.min(1.0 - 1e-9);
    let a = if q > 0.0 { q * (q / p).ln() } else { 0.0 };
    let b = if q < 1.0 {
        (1.0 - q) * ((1.0 - q) / (1.0 - p)).ln()
    } else {
        0.0
    };
    n * (a + b)
}

// ---------------------------------------------------------------- tenant, countries, workflows

/// What the tenant looked like before this send.
pub struct TenantView {
    /// The country was unknown to a tenant with a history.
    pub new_country: bool,
    /// Share of the country in the tenant's long-run traffic (before this send).
    pub country_share: f64,
    /// The tenant's history is long enough for novelty and rarity to mean something.
    pub established: bool,
}

/// Updates the tenant with a send and reports novelty.
pub fn tenant_send(
    cfg: &Config,
    t: &mut Tenant,
    s: &Send,
    workflow_hash: Option<u64>,
    cost: f64,
) -> TenantView {
    let now = s.now;
    let dc = &cfg.signals.destination_country;
    let established =
        t.sends >= u64::from(dc.min_tenant_sends) && now - t.first >= i64::from(dc.min_tenant_hours) * HOUR;
    let lr_total = f64::from(t.long_run.get(now, LONG_RUN)).max(1e-9);
    let cid = s.country.id();
    let found = t.countries.iter().position(|c| c.0 == cid);
    let share = found.map_or(0.0, |i| f64::from(t.countries[i].1.get(now, LONG_RUN)) / lr_total);
    // New: never seen, or first seen in the last `new_for_hours` by a tenant that already had
    // a history then.
    let new_country = match found {
        None => established,
        Some(i) => {
            let first_seen = Millis::from(t.countries[i].2) * 1000;
            now - first_seen < i64::from(dc.new_for_hours) * HOUR
                && first_seen - t.first >= i64::from(dc.min_tenant_hours) * HOUR
        }
    };
    let view = TenantView {
        new_country,
        country_share: share,
        established,
    };
    if !s.first {
        return view;
    }
    t.last = t.last.max(now);
    if t.sends == 0 {
        t.first = now;
    }
    roll_day(t, now);
    t.sends += 1;
    t.day_count += 1;
    t.day_spend += cost;
    t.long_run.add(now, 1.0, LONG_RUN);
    t.window.add(now, 1.0, window_ms(cfg));
    t.conv_den = t.conv_den * 0.9995 + 1.0;
    t.conv_num *= 0.9995;
    match found {
        Some(i) => t.countries[i].1.add(now, 1.0, LONG_RUN),
        None => {
            let mut d = Decayed::default();
            d.add(now, 1.0, LONG_RUN);
            if t.countries.len() < TENANT_COUNTRIES {
                t.countries.push((cid, d, secs(now)));
            } else if let Some(min) = (0..t.countries.len()).min_by(|&a, &b| {
                t.countries[a]
                    .1
                    .get(now, LONG_RUN)
                    .total_cmp(&t.countries[b].1.get(now, LONG_RUN))
            }) {
                t.countries[min] = (cid, d, secs(now));
            }
        }
    }
    if let Some(wh) = workflow_hash {
        let wms = window_ms(cfg);
        match t.workflows.iter().position(|w| w.0 == wh) {
            Some(i) => {
                t.workflows[i].1.add(now, 1.0, wms);
                t.workflows[i].2.add(now, 1.0, LONG_RUN);
            }
            None => {
                let (mut a, mut b) = (Decayed::default(), Decayed::default());
                a.add(now, 1.0, wms);
                b.add(now, 1.0, LONG_RUN);
                if t.workflows.len() < TENANT_WORKFLOWS {
                    t.workflows.push((wh, a, b, Decayed::default()));
                } else if let Some(min) = (0..t.workflows.len()).min_by(|&x, &y| {
                    t.workflows[x]
                        .2
                        .get(now, LONG_RUN)
                        .total_cmp(&t.workflows[y].2.get(now, LONG_RUN))
                }) {
                    t.workflows[min] = (wh, a, b, Decayed::default());
                }
            }
        }
    }
    view
}

fn roll_day(t: &mut Tenant, now: Millis) {
    let day = time::day_number(now);
    if t.day == 0 {
        t.day = day;
        return;
    }
    if day <= t.day {
        return;
    }
    // Fold the closed day, and empty days after it, into the day-of-week profile.
    for (i, d) in (t.day..day).take(7).enumerate() {
        let count = if i == 0 { t.day_count as f32 } else { 0.0 };
        let dow = time::day_of_week(d * 86_400_000);
        let alpha = (1.0 / (t.days_seen as f32 / 7.0 + 1.0)).max(0.2);
        t.dow[dow] += alpha * (count - t.dow[dow]);
        t.days_seen = t.days_seen.saturating_add(1);
    }
    t.day = day;
    t.day_count = 0;
    t.day_spend = 0.0;
    t.day_mark = 0;
}

/// `new_destination_country` / `rare_destination_country`.
pub fn country_novelty(cfg: &Config, view: &TenantView, s: &Send, out: &mut Vec<Reason>) {
    let dc = &cfg.signals.destination_country;
    if !dc.enabled || !view.established {
        return;
    }
    if view.new_country {
        out.push(reason(
            code::NEW_DESTINATION_COUNTRY,
            dc.new_weight as i32,
            format!(
                "{} is new for this tenant (first send in the last {}h)",
                s.country, dc.new_for_hours
            ),
        ));
    } else if view.country_share < dc.rare_share {
        out.push(reason(
            code::RARE_DESTINATION_COUNTRY,
            dc.rare_weight as i32,
            format!(
                "{} carries {:.2}% of this tenant's traffic",
                s.country,
                view.country_share * 100.0
            ),
        ));
    }
}

/// `workflow_concentration`.
pub fn workflow_concentration(
    cfg: &Config,
    t: &Tenant,
    wh: Option<u64>,
    name: &str,
    now: Millis,
    out: &mut Vec<Reason>,
) {
    let w = &cfg.signals.workflow_concentration;
    let Some(wh) = wh else { return };
    if !w.enabled || t.sends < u64::from(w.min_history) {
        return;
    }
    let wms = window_ms(cfg);
    let total = f64::from(t.window.get(now, wms));
    if total < f64::from(w.min_sends) {
        return;
    }
    let Some(entry) = t.workflows.iter().find(|x| x.0 == wh) else {
        return;
    };
    let share = f64::from(entry.1.get(now, wms)) / total;
    let base = f64::from(entry.2.get(now, LONG_RUN)) / f64::from(t.long_run.get(now, LONG_RUN)).max(1e-9);
    if share >= w.min_share && base <= w.max_baseline_share {
        out.push(reason(
            code::WORKFLOW_CONCENTRATION,
            w.weight as i32,
            format!(
                "workflow {name} carries {:.0}% of sends in {} (long-run {:.0}%)",
                share * 100.0,
                minutes(wms),
                base * 100.0
            ),
        ));
    }
}

// ---------------------------------------------------------------- volume

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
    let lambda = (per_hour * wms as f64 / HOUR as f64 / LN_2).max(1.0);
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

// ---------------------------------------------------------------- conversion

fn bucket_ms(cfg: &Config) -> Millis {
    let c = &cfg.signals.low_conversion;
    let span = (c.window_secs + c.grace_secs) as Millis * 1000;
    (span + (CONV_BUCKETS as Millis - 3)) / (CONV_BUCKETS as Millis - 2)
}

/// Binomial surprise (nats) from which a folded bucket counts as attack-like.
const FOLD_SURPRISE: f64 = 4.0;

/// Weight a conversion key's long-run counts keep each time a bucket is folded into them.
const FOLD_DECAY: f64 = 0.9976;

fn conv_advance(cfg: &Config, c: &mut Conv, bucket: i64, prior: f64) {
    if c.head == 0 {
        c.head = bucket;
        c.cusum_at = bucket - 1;
        // The ring's other slots are from before the key's first send: folding them does not
        // lengthen its life.
        c.span = 1.0 - CONV_BUCKETS as f32;
        return;
    }
    if bucket <= c.head {
        return;
    }
    let p = conv_rate(cfg, c, prior);
    // Buckets about to leave the ring are counted in the CUSUM first (a quiet key may not have
    // been scored since they matured).
    let usual = usual_per_bucket(c);
    cusum_to(c, bucket - CONV_BUCKETS as i64, p, usual);
    // The key's day so far, less its newest buckets (still inside the grace period): a slow
    // attack puts one send in a bucket, which says nothing alone, but its day falls short.
    let fresh: u32 = (0..3)
        .map(|k| u32::from(c.sends[(c.head - k).rem_euclid(CONV_BUCKETS as i64) as usize]))
        .sum();
    let day_n = u32::from(c.day_sends).saturating_sub(fresh);
    let day_v = u32::from(c.day_verified).min(day_n);
    let day_low = f64::from(day_v) < cfg.signals.low_conversion.max_ratio * p * f64::from(day_n)
        && binomial_surprise(f64::from(day_v), f64::from(day_n), p) >= FOLD_SURPRISE;
    // Buckets past the ring's length were empty: they only age the usual volume.
    let gap = bucket - c.head;
    if gap > CONV_BUCKETS as i64 {
        let empty = (gap - CONV_BUCKETS as i64).min(i64::from(i32::MAX)) as i32;
        let keep = (FOLD_DECAY as f32).powi(empty);
        c.vol *= keep;
        c.span = c.span * keep + (1.0 - keep) / (1.0 - FOLD_DECAY as f32);
    }
    for b in (c.head + 1..=bucket).take(CONV_BUCKETS) {
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        let (n, v) = (f32::from(c.sends[i]), f32::from(c.verified[i]));
        let mut w = 1.0;
        // Fold old buckets into the long-run rate. A bucket that looks like an attack counts
        // for 5%: an attack cannot teach the baseline, a country that really converts poorly
        // still does, slowly.
        if n > 0.0 {
            // Attack-like: the bucket falls short by more than the baseline explains with a
            // probability of about 2 % (binomial surprise of 4 nats), or the key's day does and
            // converts under `max_ratio` of the baseline. Not a plain ratio per bucket: most
            // buckets of a quiet key hold a send or two, and down-weighting every one without
            // a conversion biased the rate upwards (a key converting at 40 % was learned as
            // 80 %). A key that truly converts under half its flow's rate still learns, at 5 %.
            let low = day_low || binomial_surprise(f64::from(v), f64::from(n), p) >= FOLD_SURPRISE;
            w = if low { 0.05 } else { 1.0 };
            c.rate_num = c.rate_num * FOLD_DECAY as f32 + w * v;
            c.rate_den = c.rate_den * FOLD_DECAY as f32 + w * n;
        }
        c.vol = c.vol * FOLD_DECAY as f32 + w * n;
        c.span = c.span * FOLD_DECAY as f32 + 1.0;
        c.sends[i] = 0;
        c.verified[i] = 0;
    }
    c.head = bucket;
}

/// Weight the CUSUM keeps per bucket: a half-life of 6 hours, so evidence from an attack that
/// ended long ago does not linger.
const CUSUM_DECAY: f32 = 0.990_42;

/// Counts the buckets after `c.cusum_at` up to `upto` in the key's CUSUM, each with its
/// [`excess_llr_at`] against `usual` sends per bucket.
fn cusum_to(c: &mut Conv, upto: i64, p: f64, usual: f64) {
    let gap = upto - c.cusum_at;
    if gap <= 0 {
        return;
    }
    if gap > 2_000 {
        // Decayed to nothing.
        c.cusum = 0.0;
        c.cusum_at = upto;
        return;
    }
    let oldest = c.head - CONV_BUCKETS as i64 + 1;
    for b in c.cusum_at + 1..=upto {
        let llr = if b >= oldest && b <= c.head {
            let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
            let (n, v) = (f64::from(c.sends[i]), f64::from(c.verified[i]));
            excess_llr_at(v, n, p, usual)
        } else {
            0.0
        };
        c.cusum = (c.cusum * CUSUM_DECAY + llr as f32).max(0.0);
    }
    c.cusum_at = upto;
}

/// Brings the key's CUSUM up to its newest matured bucket (older than the grace period, so its
/// conversions have arrived), with the usual volume at this hour (`season`).
pub fn conv_cusum(cfg: &Config, c: &mut Conv, now: Millis, prior: f64, season: f64) {
    let bms = bucket_ms(cfg);
    conv_advance(cfg, c, now.div_euclid(bms), prior);
    if c.head == 0 {
        return;
    }
    let grace = cfg.signals.low_conversion.grace_secs as Millis * 1000;
    let matured = (now - grace).div_euclid(bms) - 1;
    let p = conv_rate(cfg, c, prior);
    let usual = usual_per_bucket(c) * season.max(0.0);
    cusum_to(c, matured, p, usual);
}

/// A key's usual sends per bucket: its decayed sends over the decayed buckets since its first
/// send (0 before a bucket has been folded).
pub fn usual_per_bucket(c: &Conv) -> f64 {
    if c.span < 1.0 {
        return 0.0;
    }
    f64::from(c.vol) / f64::from(c.span)
}

/// Long-run conversion rate of a key, shrunk towards `prior` (or the configured default).
pub fn conv_rate(cfg: &Config, c: &Conv, prior: f64) -> f64 {
    let prior = if prior > 0.0 {
        prior
    } else {
        cfg.signals.low_conversion.default_rate
    };
    (f64::from(c.rate_num) + prior * 20.0) / (f64::from(c.rate_den) + 20.0)
}

/// Counts a send in a conversion key.
pub fn conv_send(cfg: &Config, c: &mut Conv, now: Millis, prior: f64) {
    let b = now.div_euclid(bucket_ms(cfg));
    conv_advance(cfg, c, b, prior);
    if b > c.head.saturating_sub(CONV_BUCKETS as i64) {
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        c.sends[i] = c.sends[i].saturating_add(1);
    }
    if c.day_sends == 0 || now - c.day_start >= DAY_MS || now < c.day_start {
        c.day_start = now;
        c.day_sends = 0;
        c.day_verified = 0;
    }
    c.day_sends = c.day_sends.saturating_add(1);
    c.last = c.last.max(now);
}

const DAY_MS: Millis = 86_400_000;

/// Credits a conversion of a send made at `sent_at`.
pub fn conv_verified(cfg: &Config, c: &mut Conv, sent_at: Option<Millis>, now: Millis, prior: f64) {
    let bms = bucket_ms(cfg);
    conv_advance(cfg, c, now.div_euclid(bms), prior);
    if sent_at.is_some_and(|t| t >= c.day_start) && c.day_verified < c.day_sends {
        c.day_verified += 1;
    }
    match sent_at.map(|t| t.div_euclid(bms)) {
        Some(b) if b > c.head.saturating_sub(CONV_BUCKETS as i64) && b <= c.head => {
            let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
            if c.verified[i] < c.sends[i] {
                c.verified[i] += 1;
            }
        }
        _ => c.rate_num += 1.0,
    }
    c.last = c.last.max(now);
}

/// `low_conversion` of one key: matured sends against verified ones.
///
/// `block`: the key is one number block of a flow, with the surprise of the shortfall in the
/// rest of its country (the country's matured sends outside the block). An attacker that rotates
/// blocks keeps each under the hour's decisive threshold, but its sends pile up in a few blocks
/// while the tenant's other sends spread thin. So for a block the day can be decisive too, and
/// the hour needs half the surprise when the rest of the country falls short by at least as
/// much on its own: independent evidence that the country is being pumped, which the block's
/// own shortfall then places.
///
/// Returns the reason and, when its weight rests on the extra volume ([`excess_llr`]), the
/// weight it would have without.
pub fn low_conversion(
    cfg: &Config,
    c: &Conv,
    tenant_rate: f64,
    now: Millis,
    key: ConvContext,
    what: impl Fn() -> String,
) -> Option<(Reason, Option<i32>)> {
    let ConvContext {
        block,
        own_baseline,
        season,
        may_accumulate,
    } = key;
    let lc = &cfg.signals.low_conversion;
    let bms = bucket_ms(cfg);
    let grace = lc.grace_secs as Millis * 1000;
    let window = lc.window_secs as Millis * 1000;
    let (v, n) = matured(cfg, c, now);
    let (v_hour, n_hour) = (v, n);
    let p = conv_rate(cfg, c, tenant_rate);
    // The key's usual sends an hour, for `excess_llr`: a carrier outage or a logging gap loses
    // conversions at ordinary volume; pumping adds sends.
    let per_hour = usual_per_bucket(c) * (3_600_000.0 / bms as f64);
    // The key's usual sends in the window at this time of day: its flat average times the
    // hour's seasonal factor (a peak hour carries more than the average without any pumping).
    let usual = usual_in_window(cfg, c, season);
    let half = lc.decisive_surprise / 2.0;
    let needed = match block {
        Some(rest) if rest >= half => half,
        _ => lc.decisive_surprise,
    };
    // The shortfall's weight grows with the evidence that the sends on top of the key's usual
    // ones are pumping, `decisive_weight` per `needed` nats, up to `decisive_weight` (decisive:
    // `high` on its own). Below that, other evidence (a new country, a risky prefix, the
    // volume) must add up to `high` with it.
    let decisive = |w: i32, v: u32, n: u32, usual: f64, max_share: f64| {
        if !own_baseline || lc.decisive_weight == 0 || f64::from(v) > max_share * p * f64::from(n) {
            return (w, String::new());
        }
        let e = excess_llr(f64::from(v), f64::from(n), p, usual);
        let x = (e / needed).min(1.0);
        let we = (f64::from(lc.decisive_weight) * x).round() as i32;
        if we <= w {
            return (w, String::new());
        }
        (
            we,
            format!(
                ", with {:.1}x its usual volume: {e:.1} nats that the extra sends are not verified",
                f64::from(n) / usual.max(1e-3)
            ),
        )
    };
    let short = (n >= lc.min_sends)
        .then(|| shortfall(cfg, v, n, p))
        .flatten()
        .map(|w| {
            // Only while the extra sends are still arriving: the last quarter hour carries at
            // least half the window's average rate (the send itself counts). An attack that
            // stopped leaves its unverified sends in the window for another hour; the legitimate
            // sends after it are not judged by them.
            let quarter = f64::from(sends_since(cfg, c, now - 900_000));
            let arriving = quarter >= (0.5 * f64::from(n) * 900.0 / lc.window_secs.max(1) as f64).max(1.0);
            let (we, note) = if arriving {
                decisive(w, v, n, usual, 0.1)
            } else {
                (w, String::new())
            };
            (we, w, v, n, minutes(window), note)
        });
    // The day: sends made since the key's day started, less those still inside the grace
    // period (they may yet be verified).
    let day = || {
        if lc.day_min_sends == 0 {
            return None;
        }
        let n = u32::from(c.day_sends).saturating_sub(sends_since(cfg, c, now - grace));
        let v = u32::from(c.day_verified).min(n);
        (n >= lc.day_min_sends)
            .then(|| shortfall(cfg, v, n, p))
            .flatten()
            .map(|w| {
                // A key's day is decisive on the same evidence as an hour, against the key's
                // usual sends over the time its day has run: the day converting under half the
                // baseline with the extra sends explaining it means they hardly convert at all.
                // Only while the key is still busy (its last hour at twice its usual hour or
                // more) and its last matured hour still converts under half the baseline: a
                // send after the attack stopped or moved on is not judged by it.
                let busy = || {
                    f64::from(sends_since(cfg, c, now - 3_600_000)) >= 2.0 * (per_hour * season).max(1.0)
                        && n_hour > 0
                        && f64::from(v_hour) <= lc.max_ratio * p * f64::from(n_hour)
                };
                let (we, note) = if busy() {
                    let hours = ((now - c.day_start) as f64 / 3_600_000.0).max(1.0);
                    decisive(w, v, n, per_hour.max(1.0 / 24.0) * hours, 0.5)
                } else {
                    (w, String::new())
                };
                (we, w, v, n, "24h".to_owned(), note)
            })
    };
    // Evidence accumulated over the key's matured buckets (its CUSUM): a slow attack, or one
    // into a key whose users verify few codes, gives too little in any one window. It is
    // decisive at `needed` nats while the extra sends still arrive (the last hour above the
    // key's usual hour by two standard deviations) and the last matured hour still converts
    // under half the baseline.
    let acc = f64::from(c.cusum);
    let accumulated = (own_baseline && may_accumulate && lc.decisive_weight > 0 && acc > 0.0)
        .then(|| {
            let usual_hour = (per_hour * season).max(0.0);
            let last_hour = f64::from(sends_since(cfg, c, now - HOUR));
            let extra = last_hour > usual_hour + 2.0 * usual_hour.sqrt() + 1.0;
            let short_hour = n_hour > 0 && f64::from(v_hour) <= lc.max_ratio * p * f64::from(n_hour);
            // Decisive or nothing: below `needed` it is the windows' evidence that speaks.
            (extra && short_hour && acc >= needed).then_some(lc.decisive_weight as i32)
        })
        .flatten();
    let acc_note = || {
        format!(
            ", with {:.1}x its usual volume in the last hour: {acc:.1} nats accumulated over its recent hours that the extra sends are not verified",
            f64::from(n_hour) / usual.max(1e-3)
        )
    };
    let (w, base, v, n, span, note) = match (short.or_else(day), accumulated) {
        (Some((w, base, v, n, span, _)), Some(wa)) if wa > w => (wa, base, v, n, span, acc_note()),
        (Some(found), _) => found,
        (None, Some(wa)) => (wa, 0, v_hour, n_hour, minutes(window), acc_note()),
        (None, None) => return None,
    };
    let from_volume = (!note.is_empty()).then_some(base);
    Some((
        reason(
            code::LOW_CONVERSION,
            w,
            format!(
                "{}: {v} of {n} verified in {span} (baseline {:.0}%){note}",
                what(),
                p * 100.0
            ),
        ),
        from_volume,
    ))
}

/// What `low_conversion` knows about a key beyond its counts.
#[derive(Debug, Clone, Copy)]
pub struct ConvContext {
    /// For a block: the binomial surprise of the rest of its country's matured sends.
    pub block: Option<f64>,
    /// The baseline is the flow's own (not the tenant's, borrowed by a young flow): only then
    /// can a shortfall be decisive.
    pub own_baseline: bool,
    /// The hour's seasonal factor for the key's usual volume ([`seasonal_factor`], else 1).
    pub season: f64,
    /// Evidence accumulated over hours (the key's CUSUM) may count: the rest of the flow (its
    /// newest matured half hour outside this key) still verifies codes ([`rest_converts`]: a
    /// logging gap loses conversions everywhere, pumping adds unverified sends to some keys),
    /// and for a country, no open incident on one of its blocks explains it (pumping into one
    /// block raises its country's evidence too; the block holds the attack).
    pub may_accumulate: bool,
}

/// Whether the rest of a flow outside one of its keys still verifies codes: `flow` and `key`
/// are matured windows `(verified, sends)` with their usual sends in that window, `p` the
/// flow's rate. The usual part of the rest must verify at half the rate or more, and be large
/// enough to tell (two verified codes expected): pumping elsewhere in the flow leaves it be, a
/// gap in the conversion log empties it.
pub fn rest_converts(flow: ((u32, u32), f64), key: ((u32, u32), f64), p: f64) -> bool {
    let (((vf, nf), uf), ((vk, nk), uk)) = (flow, key);
    let n_rest = f64::from(nf.saturating_sub(nk));
    let v_rest = f64::from(vf.saturating_sub(vk));
    let expected = p * n_rest.min((uf - uk).max(0.0));
    expected >= 2.0 && v_rest >= 0.5 * expected
}

/// A key's usual sends in the conversion window at this hour: its flat average times the
/// hour's seasonal factor (at least one an hour).
pub fn usual_in_window(cfg: &Config, c: &Conv, season: f64) -> f64 {
    usual_in(
        cfg,
        c,
        season,
        cfg.signals.low_conversion.window_secs as Millis * 1000,
    )
}

/// A key's usual sends in `span` at this hour (at least one an hour).
pub fn usual_in(cfg: &Config, c: &Conv, season: f64, span: Millis) -> f64 {
    let per_hour = usual_per_bucket(c) * (3_600_000.0 / bucket_ms(cfg) as f64);
    (per_hour * season).max(1.0) * (span as f64 / 3_600_000.0)
}

/// The span of matured sends [`rest_converts`] looks at: recent enough that a gap in the
/// conversion log shows within half an hour of its start.
pub const REST_SPAN: Millis = 1_800_000;

/// Share of the baseline rate at which the pumping hypothesis of [`excess_llr`] has the sends
/// on top of a key's usual ones convert (attackers verify a few codes to look real).
const EXCESS_RATE_SHARE: f64 = 0.1;

/// Highest baseline rate [`excess_llr`] assumes.
const EXCESS_MAX_RATE: f64 = 0.9;

/// Evidence (nats) that the sends on top of a key's usual ones are pumping: the log-likelihood
/// ratio of `v` verified out of `n` under "the usual `usual` sends convert at `p` and the rest at
/// a tenth of it" against "all of them convert at `p`", divided by the beta-binomial inflation
/// as in [`shortfall`].
///
/// It is large only when the conversions missing are as many as the extra volume explains: a
/// logging gap or a delivery outage at ordinary volume (no extra sends) gives 0 however few
/// verify, and a surge whose extra sends verify like the usual ones gives a negative value
/// (evidence against pumping). Under the second hypothesis it exceeds `t` with probability at
/// most e^-t, for a key whose baseline and volume are known.
pub fn excess_llr(v: f64, n: f64, p: f64, usual: f64) -> f64 {
    // The usual count is a mean: a window may carry two standard deviations more of it
    // (Poisson) without any extra sends.
    let usual = usual.max(0.0);
    excess_llr_at(v, n, p, usual + 2.0 * usual.sqrt()) / (1.0 + n.max(0.0) / OVERDISPERSION)
}

/// The log-likelihood ratio of [`excess_llr`] for exactly `usual` usual sends, without the
/// allowance and the inflation: the step of the CUSUM, where a bucket holds a few sends and
/// the noise of the usual count is the CUSUM's to absorb (its expected step is negative when
/// no sends are extra, or when the extra ones verify like the usual ones).
pub fn excess_llr_at(v: f64, n: f64, p: f64, usual: f64) -> f64 {
    if n <= 0.0 || !(p > 0.0 && p < 1.0) {
        return 0.0;
    }
    // A baseline near 1 would make every unverified send decisive: the legitimate hypothesis
    // keeps at least `1 - EXCESS_MAX_RATE` of sends unverified (lost codes, abandoned forms).
    let p = p.min(EXCESS_MAX_RATE);
    let u = usual.clamp(0.0, n);
    let pu = (p * (u + EXCESS_RATE_SHARE * (n - u)) / n).clamp(1e-9, p);
    let v = v.clamp(0.0, n);
    v * (pu / p).ln() + (n - v) * ((1.0 - pu) / (1.0 - p)).ln()
}

/// The weight of `v` verified out of `n` against an expected rate `p`, if it is a shortfall.
fn shortfall(cfg: &Config, v: u32, n: u32, p: f64) -> Option<i32> {
    let lc = &cfg.signals.low_conversion;
    let q = f64::from(v) / f64::from(n);
    if q >= p * lc.max_ratio {
        return None;
    }
    // Conversion rates vary between cohorts of users more than a binomial with one fixed rate
    // allows (a campaign's sign-ups convert a little worse than the usual ones): the surprise
    // is divided by the beta-binomial variance inflation for `OVERDISPERSION` (the prior
    // strength of the key's rate), so a window of many sends counts for less than its size.
    let s = binomial_surprise(f64::from(v), f64::from(n), p) / (1.0 + f64::from(n) / OVERDISPERSION);
    if s < lc.min_surprise {
        return None;
    }
    let strength = (1.0 - q / p) * ((s - lc.min_surprise) / (3.0 * lc.min_surprise)).min(1.0);
    Some(scale(lc.min_weight, lc.max_weight, strength))
}

/// Prior strength (in sends) of a key's conversion rate: the spread of rates between cohorts.
const OVERDISPERSION: f64 = 100.0;

/// Credits a verified send to its flow's long-run conversion.
pub fn flow_verified(t: &mut Tenant, wh: u64, now: Millis) {
    if let Some(w) = t.workflows.iter_mut().find(|w| w.0 == wh) {
        w.3.add(now, 1.0, LONG_RUN);
    }
}

/// What the conversion logs say about a flow (tenant × workflow, or the tenant when the record
/// names no workflow).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FlowConversion {
    /// The flow's logs carry no conversions (yet): conversion cannot be judged.
    Unknown,
    /// The flow has enough history and converts at this long-run rate.
    Rate(f64),
    /// The flow is young (under `flow_min_history` sends): the tenant's rate stands in for its
    /// own. Enough to judge a shortfall, not to make it decisive: the flow may not send codes.
    Borrowed(f64),
    /// The flow has enough history and does not convert: it does not send codes.
    None,
}

/// The conversion baseline of a flow: its own long-run rate once it has `flow_min_history`
/// sends, the tenant's before that.
pub fn flow_conversion(cfg: &Config, t: &Tenant, wh: Option<u64>, now: Millis) -> FlowConversion {
    let lc = &cfg.signals.low_conversion;
    let tenant = || match tenant_rate(t) {
        r if r > 0.0 => FlowConversion::Borrowed(r),
        _ if t.conversions > 0 => FlowConversion::Borrowed(0.0),
        _ => FlowConversion::Unknown,
    };
    // Without a workflow, the tenant's sends are one flow and its rate is the flow's own.
    let Some(wh) = wh else {
        return match tenant() {
            FlowConversion::Borrowed(r) => FlowConversion::Rate(r),
            other => other,
        };
    };
    let Some(w) = t.workflows.iter().find(|w| w.0 == wh) else {
        return tenant();
    };
    let sends = f64::from(w.2.get(now, LONG_RUN));
    if t.conversions == 0 {
        return FlowConversion::Unknown;
    }
    if sends < f64::from(lc.flow_min_history) {
        return tenant();
    }
    let rate = (f64::from(w.3.get(now, LONG_RUN)) / sends).clamp(0.0, 1.0);
    if rate < lc.flow_min_rate {
        FlowConversion::None
    } else {
        FlowConversion::Rate(rate)
    }
}

/// `conversion_normal`: the key's matured sends convert at their usual rate (at least
/// `min_ratio` of it, over at least `low_conversion.min_sends`). Returns `(verified, sends)`.
pub fn conversion_normal(cfg: &Config, c: &Conv, prior: f64, now: Millis) -> Option<(u32, u32, f64)> {
    let cn = &cfg.signals.conversion_normal;
    let lc = &cfg.signals.low_conversion;
    if !cn.enabled || prior <= 0.0 {
        return None;
    }
    let (v, n) = matured(cfg, c, now);
    let p = conv_rate(cfg, c, prior);
    (n >= lc.min_sends && f64::from(v) >= cn.min_ratio * p * f64::from(n)).then_some((v, n, p))
}

/// `conversion_gap`: the tenant-wide key's matured sends verify below `max_ratio` of its rate.
/// Returns `(verified, sends, rate)`.
pub fn conversion_gap(cfg: &Config, c: &Conv, prior: f64, now: Millis) -> Option<(u32, u32, f64)> {
    let g = &cfg.signals.conversion_gap;
    let (v, n) = matured(cfg, c, now);
    let p = conv_rate(cfg, c, prior);
    (n >= g.min_sends && f64::from(v) < g.max_ratio * p * f64::from(n)).then_some((v, n, p))
}

/// Sends counted in the key's buckets that end after `since`.
pub fn sends_since(cfg: &Config, c: &Conv, since: Millis) -> u32 {
    let bms = bucket_ms(cfg);
    (0..CONV_BUCKETS as i64)
        .map(|k| c.head - k)
        .filter(|b| (b + 1) * bms > since)
        .map(|b| u32::from(c.sends[b.rem_euclid(CONV_BUCKETS as i64) as usize]))
        .sum()
}

/// Verified and sent counts of the matured window (sends older than the grace period).
pub fn matured(cfg: &Config, c: &Conv, now: Millis) -> (u32, u32) {
    matured_span(
        cfg,
        c,
        now,
        cfg.signals.low_conversion.window_secs as Millis * 1000,
    )
}

/// Verified and sent counts of the newest `window` of matured sends.
pub fn matured_span(cfg: &Config, c: &Conv, now: Millis, window: Millis) -> (u32, u32) {
    let lc = &cfg.signals.low_conversion;
    let bms = bucket_ms(cfg);
    let grace = lc.grace_secs as Millis * 1000;
    let (mut n, mut v) = (0u32, 0u32);
    for k in 0..CONV_BUCKETS as i64 {
        let b = c.head - k;
        let (start, end) = (b * bms, (b + 1) * bms);
        if end <= now - grace && start >= now - grace - window {
            let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
            n += u32::from(c.sends[i]);
            v += u32::from(c.verified[i]);
        }
    }
    (v, n)
}

/// Tenant-wide conversion rate, or 0 when unknown.
pub fn tenant_rate(t: &Tenant) -> f64 {
    if t.conversions < 20 || t.conv_den < 20.0 {
        return 0.0;
    }
    (f64::from(t.conv_num) / f64::from(t.conv_den)).clamp(0.01, 1.0)
}

// ---------------------------------------------------------------- adjacency

/// Updates a range with a send and reports `adjacent_numbers`.
pub fn adjacent(
    cfg: &Config,
    r: &mut Range,
    s: &Send,
    shown: impl FnOnce() -> String,
    privacy: bool,
) -> Option<Reason> {
    let a = &cfg.signals.adjacent_numbers;
    let now = s.now;
    if s.first {
        r.seen.see(s.suffix, secs(now));
        r.last = r.last.max(now);
    }
    if !a.enabled {
        return None;
    }
    let wms = window_ms(cfg);
    let since = secs(now - wms);
    let n = r.seen.count_since(since);
    if n < a.min_distinct {
        return None;
    }
    let mut w = a
        .min_weight
        .saturating_add(a.step_weight.saturating_mul(n - a.min_distinct));
    let mut tight = false;
    if !privacy {
        let (lo, hi) = r
            .seen
            .values_since(since)
            .fold((u32::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
        tight = hi - lo < 8 * n;
        if tight {
            w = w.saturating_add(a.sequential_bonus);
        }
    }
    let w = w.min(a.max_weight);
    Some(reason(
        code::ADJACENT_NUMBERS,
        w as i32,
        format!(
            "{}{n} distinct numbers in {} in {}",
            if tight { "sequential: " } else { "" },
            shown(),
            minutes(wms)
        ),
    ))
}

// ---------------------------------------------------------------- sources

/// Updates a source with a send and reports `source_velocity`.
pub fn source(
    cfg: &Config,
    src: &mut Source,
    kind: &str,
    s: &Send,
    tenant: (u64, Decayed),
    numbers_count: bool,
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
        let by_numbers = threshold
            .filter(|t| numbers_count && numbers >= *t)
            .map(|t| f64::from(numbers - t) / f64::from(t));
        // A few countries (from `ip_geo_variance_score`) need the second condition too; a fan-out
        // over twice that many counts on its own.
        let fanout = kind != "user_agent" && countries >= geo.saturating_mul(2).max(2);
        let by_geo = (kind != "user_agent" && countries >= geo && (numbers_count || fanout))
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

#[cfg(test)]
mod tests {
    use super::{conv_cusum, conv_send, conv_verified, excess_llr, excess_llr_at, rest_converts};
    use crate::config::Config;
    use crate::state::Conv;

    /// ln P(v of n) for a binomial with rate p.
    fn ln_binomial(n: u32, v: u32, p: f64) -> f64 {
        let ln_choose: f64 = (1..=v).map(|i| (f64::from(n - v + i) / f64::from(i)).ln()).sum();
        ln_choose + f64::from(v) * p.ln() + f64::from(n - v) * (1.0 - p).ln()
    }

    /// The CUSUM's step has a negative expectation whenever the sends are legitimate, whatever
    /// the volume: for each count it is a log-likelihood ratio, so its mean under "all convert
    /// at the baseline" is minus a KL divergence. Checked exactly over Poisson volumes at, and
    /// well above, the usual count (a surge whose sends verify).
    #[test]
    fn the_cusum_step_drifts_down_for_legitimate_sends() {
        for (usual, p) in [(0.2f64, 0.8f64), (1.0, 0.4), (3.0, 0.8), (6.0, 0.95)] {
            for volume in [usual, 3.0 * usual] {
                let mut mean = 0.0;
                let mut pn = (-volume).exp();
                for n in 0u32..80 {
                    if n > 0 {
                        pn *= volume / f64::from(n);
                    }
                    for v in 0..=n {
                        let pv = ln_binomial(n, v, p).exp();
                        mean += pn * pv * excess_llr_at(f64::from(v), f64::from(n), p, usual);
                    }
                }
                assert!(mean <= 1e-12, "usual {usual} p {p} volume {volume}: {mean}");
            }
        }
    }

    /// A key with two days of ordinary traffic (one send every 5 minutes, 4 of 5 verified)
    /// keeps its CUSUM low; sends on top that nobody verifies raise it past the decisive 10
    /// nats within hours; once they stop and the key verifies as usual, it decays.
    #[test]
    fn the_cusum_accumulates_unverified_extra_sends_and_forgets_them() {
        let cfg = Config::default();
        let mut c = Conv::new();
        let (p, five) = (0.8, 300_000);
        let mut t = 1_000_000_000_000;
        let mut k = 0u32;
        let step = |c: &mut Conv, t: i64, extra: u32, k: &mut u32| {
            conv_send(&cfg, c, t, p);
            *k += 1;
            if *k % 5 != 0 {
                conv_verified(&cfg, c, Some(t), t + 60_000, p);
            }
            for j in 0..extra {
                conv_send(&cfg, c, t + 1_000 * i64::from(j + 1), p);
            }
            conv_cusum(&cfg, c, t + 120_000, p, 1.0);
        };
        let mut highest = 0.0f32;
        for _ in 0..(2 * 24 * 12) {
            step(&mut c, t, 0, &mut k);
            highest = highest.max(c.cusum);
            t += five;
        }
        assert!(highest < 5.0, "ordinary traffic: {highest}");
        // One extra unverified send per 5 minutes (twice the volume) for three hours.
        for _ in 0..36 {
            step(&mut c, t, 1, &mut k);
            t += five;
        }
        assert!(c.cusum >= 10.0, "after three hours of pumping: {}", c.cusum);
        let peak = c.cusum;
        for _ in 0..(12 * 12) {
            step(&mut c, t, 0, &mut k);
            t += five;
        }
        assert!(
            c.cusum < peak / 2.0,
            "twelve ordinary hours later: {} of {peak}",
            c.cusum
        );
    }

    /// Accumulated evidence counts only while the rest of the flow still verifies codes: a gap
    /// in the conversion log empties the rest too, pumping into one key leaves it be.
    #[test]
    fn the_rest_of_the_flow_tells_a_logging_gap_from_pumping() {
        // The flow: 60 matured sends in the span (30 usual), the key 40 of them (10 usual).
        // Pumping into the key: the rest (20 sends) verifies 16.
        assert!(rest_converts(((18, 60), 30.0), ((2, 40), 10.0), 0.8));
        // A logging gap: nothing verified anywhere.
        assert!(!rest_converts(((0, 60), 30.0), ((0, 40), 10.0), 0.8));
        // The key is the whole flow: nothing to tell by.
        assert!(!rest_converts(((2, 40), 10.0), ((2, 40), 10.0), 0.8));
        // Pumping everywhere still leaves the usual sends of the rest verifying.
        assert!(rest_converts(((12, 90), 30.0), ((3, 45), 15.0), 0.8));
    }

    #[test]
    fn excess_evidence_needs_extra_sends() {
        // Nothing verified at the key's usual volume (a logging gap, a carrier outage): no
        // evidence, however strong the binomial shortfall.
        for (n, p) in [(10.0, 0.8), (40.0, 0.6), (200.0, 0.95), (12.0, 0.99)] {
            assert_eq!(excess_llr(0.0, n, p, n), 0.0, "n {n} p {p}");
        }
        // Twice the usual volume, nothing verified: strong evidence; more extra sends, more.
        let two = excess_llr(0.0, 40.0, 0.8, 20.0);
        let four = excess_llr(0.0, 80.0, 0.8, 20.0);
        assert!(two > 10.0 && four > two, "{two} {four}");
        // Extra sends that verify like the usual ones: evidence against pumping.
        assert!(excess_llr(64.0, 80.0, 0.8, 20.0) < 0.0);
        // The usual count's noise is the legitimate side's: a key at one and a half times a
        // small usual count gets nothing.
        assert_eq!(excess_llr(0.0, 6.0, 0.8, 4.0), 0.0);
        // A baseline near 1 does not make one unverified send decisive.
        assert!(excess_llr(13.0, 14.0, 0.99, 9.0) < 1.0);
        // Degenerate input stays finite.
        for (v, n, p, u) in [
            (0.0, 0.0, 0.5, 0.0),
            (5.0, 3.0, 0.5, 1.0),
            (0.0, 10.0, 0.0, 0.0),
            (0.0, 10.0, 1.0, 0.0),
        ] {
            assert!(excess_llr(v, n, p, u).is_finite());
        }
    }

    /// Under "every send converts at the baseline" the evidence exceeds t nats with probability
    /// at most e^-t (a likelihood ratio): checked exactly for a binomial window.
    #[test]
    fn excess_evidence_is_bounded_under_the_legitimate_hypothesis() {
        let (n, p, usual) = (30u32, 0.7f64, 10.0);
        for t in [2.0, 5.0, 10.0] {
            let mass: f64 = (0..=n)
                .filter(|&v| excess_llr(f64::from(v), f64::from(n), p, usual) >= t)
                .map(|v| ln_binomial(n, v, p).exp())
                .sum();
            assert!(mass <= (-t).exp(), "t {t}: {mass}");
        }
    }
}
