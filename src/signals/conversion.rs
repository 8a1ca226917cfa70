//! Conversion: matured sends against verified ones per key, the windows' and the accumulated
//! (CUSUM) evidence that extra sends are not verified, conversion integrity.

use super::*;
use crate::config::LowConversion;

pub fn bucket_ms(cfg: &Config) -> Millis {
    let c = &cfg.signals.low_conversion;
    let span = (c.window_secs + c.grace_secs) as Millis * 1000;
    (span + (CONV_BUCKETS as Millis - 3)) / (CONV_BUCKETS as Millis - 2)
}

/// Binomial surprise (nats) from which a folded bucket counts as attack-like.
pub(super) const FOLD_SURPRISE: f64 = 4.0;

/// Weight a conversion key's long-run counts keep each time a bucket is folded into them.
pub(super) const FOLD_DECAY: f64 = 0.9976;

pub(super) fn conv_advance(cfg: &Config, c: &mut Conv, bucket: i64, prior: f64) {
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
    // The key's day ([`day_counts`]), less its newest buckets (still inside the grace period):
    // a slow attack puts one send in a bucket, which says nothing alone, but its day falls
    // short.
    let fresh: u32 = (0..3)
        .map(|k| u32::from(c.sends[(c.head - k).rem_euclid(CONV_BUCKETS as i64) as usize]))
        .sum();
    let short = cfg.signals.low_conversion.max_ratio * p;
    let falls_short = |counts| attack_like(cfg, counts, p);
    // The current day alone too: an attack of a few hours in a busy key stands out more in the
    // day it began than in the last 24 hours. A tenant without a conversion rate of its own
    // (`prior` 0: no conversions logged, or too few yet) is judged by its current day alone, and
    // its keys' first days are learned as they come: nothing it sends is verified, so its
    // ordinary sends would all look attack-like, and a block's history (`fresh_block`) would
    // never build. The buckets folded were sent in the key's stored day, even when that day has
    // ended since: they are judged as of its last moment, not by the empty day that follows it.
    let judged = prior > 0.0;
    let at = (bucket * bucket_ms(cfg)).min(c.day_start.saturating_add(DAY_MS - 1));
    let day_low = falls_short(today(&days(c, at), fresh))
        || (judged && {
            let (v, n, _) = day_counts(c, at, fresh, short);
            falls_short((v, n))
        });
    // Buckets past the ring's length were empty: they only age the usual volume.
    let gap = bucket - c.head;
    if gap > CONV_BUCKETS as i64 {
        let empty = (gap - CONV_BUCKETS as i64).min(i64::from(i32::MAX)) as i32;
        let keep = (FOLD_DECAY as f32).powi(empty);
        c.vol *= keep;
        c.span = c.span * keep + (1.0 - keep) / (1.0 - FOLD_DECAY as f32);
    }
    // A key in its first day: its folds at full weight are held apart (`young_n`).
    let young = judged && c.span < young_span(cfg);
    if !young {
        (c.young_n, c.young_v) = (0.0, 0.0);
    }
    for b in (c.head + 1..=bucket).take(CONV_BUCKETS) {
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        let (n, v) = (f32::from(c.sends[i]), f32::from(c.verified[i]));
        let mut w = 1.0;
        c.young_n *= FOLD_DECAY as f32;
        c.young_v *= FOLD_DECAY as f32;
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
            if day_low && c.young_n > 0.0 {
                // The key's first day turned attack-like: what it learned at full weight so far
                // counts at 5 % too (the volume is taken back the same way below). Its day, not
                // one bucket: a bucket of a busy key falls short by chance a few times a day (0
                // of 3 at 78 % is a 1 % chance), and taking its first day back on one such
                // bucket halved the usual volume of every busy key for days (a second
                // generator's webhook outage at ordinary volume then read as 3x its usual
                // volume, unverified).
                let back = 0.95;
                c.rate_num = (c.rate_num - back * c.young_v).max(0.0);
                c.rate_den = (c.rate_den - back * c.young_n).max(0.0);
                c.vol = (c.vol - back * c.young_n).max(0.0);
                (c.young_n, c.young_v) = (0.0, 0.0);
            } else if !low && young {
                c.young_n += n;
                c.young_v += v;
            }
            c.rate_num = c.rate_num * FOLD_DECAY as f32 + w * v;
            c.rate_den = c.rate_den * FOLD_DECAY as f32 + w * n;
        }
        // The usual volume of a tenant without a conversion rate of its own counts every
        // bucket: nothing it sends is verified, so "attack-like" says nothing about its buckets,
        // and weighing them would make a busy key's usual volume a twentieth of a quiet one's
        // (`block_surge` compares a block's with its flow's).
        c.vol = c.vol * FOLD_DECAY as f32 + if judged { w } else { 1.0 } * n;
        c.span = c.span * FOLD_DECAY as f32 + 1.0;
        c.sends[i] = 0;
        c.verified[i] = 0;
    }
    c.head = bucket;
}

/// Whether `v` verified of `n` sends fall short of `p` as an attack's would: under `max_ratio`
/// of it, with a binomial surprise of at least `FOLD_SURPRISE`.
fn attack_like(cfg: &Config, counts: (u32, u32), p: f64) -> bool {
    short_of(counts, p, cfg.signals.low_conversion.max_ratio)
}

/// Whether `v` verified of `n` sends fall under `ratio` of `p`, with a binomial surprise of at
/// least `FOLD_SURPRISE`.
fn short_of((v, n): (u32, u32), p: f64, ratio: f64) -> bool {
    f64::from(v) < ratio * p * f64::from(n)
        && binomial_surprise(f64::from(v), f64::from(n), p) >= FOLD_SURPRISE
}

/// `Conv::span` after a day of buckets since a key's first send: below it, the key is in its
/// first day.
fn young_span(cfg: &Config) -> f32 {
    let per_day = (DAY_MS / bucket_ms(cfg)).min(i64::from(i32::MAX)) as i32;
    (1.0 - (FOLD_DECAY as f32).powi(per_day)) / (1.0 - FOLD_DECAY as f32) - CONV_BUCKETS as f32
}

/// Weight the CUSUM keeps per bucket: a half-life of 6 hours, so evidence from an attack that
/// ended long ago does not linger.
pub(super) const CUSUM_DECAY: f32 = 0.990_42;

/// Counts the buckets after `c.cusum_at` up to `upto` in the key's CUSUM, each with its
/// [`cusum_step`] against `usual` sends per bucket.
pub(super) fn cusum_to(c: &mut Conv, upto: i64, p: f64, usual: f64) {
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
            if usual_unverified(v, n, p, usual) {
                0.0
            } else {
                cusum_step(v, n, p, usual)
            }
        } else {
            0.0
        };
        c.cusum = (c.cusum * CUSUM_DECAY + llr as f32).max(0.0);
    }
    c.cusum_at = upto;
}

/// Brings the key's CUSUM up to its newest matured bucket (older than the grace period, so its
/// conversions have arrived), with the usual volume at this hour (`season`).
pub fn conv_cusum(cfg: &Config, c: &mut Conv, now: Millis, grace: Millis, prior: f64, season: f64) {
    let bms = bucket_ms(cfg);
    conv_advance(cfg, c, now.div_euclid(bms), prior);
    if c.head == 0 {
        return;
    }
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

/// Whether all the key's sends are inside the grace period: its first sends, none matured yet
/// (none at all in the day before, and its day began within `grace`). A new country's first
/// sends have no part in what the tenant's new countries' pooled key holds over its day (an
/// earlier attack's sends elsewhere), and are not judged by that day.
pub fn first_sends_pending(c: &Conv, now: Millis, grace: Millis) -> bool {
    c.prev_sends == 0 && now - c.day_start < grace
}

/// Counts a send in a conversion key.
pub fn conv_send(cfg: &Config, c: &mut Conv, now: Millis, prior: f64) {
    let b = now.div_euclid(bucket_ms(cfg));
    conv_advance(cfg, c, b, prior);
    if b > c.head.saturating_sub(CONV_BUCKETS as i64) {
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        c.sends[i] = c.sends[i].saturating_add(1);
    }
    if now < c.day_start || now - c.day_start >= 2 * DAY_MS {
        // The key's first send, or its first after a day or more without any.
        c.day_start = now;
        (c.day_sends, c.day_verified, c.day_last_min) = (0, 0, 0);
        (c.prev_sends, c.prev_verified, c.prev_last_min) = (0, 0, 0);
    } else if now - c.day_start >= DAY_MS {
        // The day is over: it becomes the previous one, and the next starts where it ended.
        let d = days(c, now);
        c.day_start = d.start;
        (c.prev_sends, c.prev_verified, c.prev_last_min) = (d.prev_sends, d.prev_verified, d.prev_last_min);
        (c.day_sends, c.day_verified, c.day_last_min) = (0, 0, 0);
    }
    c.day_sends = c.day_sends.saturating_add(1);
    c.day_last_min = c.day_last_min.max(minutes_into(c.day_start, now));
    c.last = c.last.max(now);
}

pub(super) const DAY_MS: Millis = 86_400_000;

/// Minutes from `start` to `t`, within one day.
fn minutes_into(start: Millis, t: Millis) -> u16 {
    ((t - start) / 60_000).clamp(0, DAY_MS / 60_000 - 1) as u16
}

/// A key's current and previous day as they stand at `now`: a day that ended without a send
/// since is the previous one (as [`conv_send`] would make it), and one that ended a day or
/// more ago is gone.
struct Days {
    start: Millis,
    sends: u16,
    verified: u16,
    prev_sends: u16,
    prev_verified: u16,
    prev_last_min: u16,
}

fn days(c: &Conv, now: Millis) -> Days {
    let d = Days {
        start: c.day_start,
        sends: c.day_sends,
        verified: c.day_verified,
        prev_sends: c.prev_sends,
        prev_verified: c.prev_verified,
        prev_last_min: c.prev_last_min,
    };
    match now - c.day_start {
        dt if dt >= 2 * DAY_MS => Days {
            sends: 0,
            verified: 0,
            prev_sends: 0,
            prev_verified: 0,
            ..d
        },
        dt if dt >= DAY_MS => Days {
            start: c.day_start.saturating_add(DAY_MS),
            sends: 0,
            verified: 0,
            prev_sends: c.day_sends,
            prev_verified: c.day_verified,
            prev_last_min: c.day_last_min,
        },
        _ => d,
    }
}

/// Whether a key's own day falls short, so that a wider key's day may judge its sends (the
/// new countries' pooled key judging a country): not while all its sends are its first,
/// pending ([`first_sends_pending`]); two or more matured sends over its day ([`day_counts`]),
/// converting under `max_ratio` of `prior`, by [`OWN_SHORTFALL_SURPRISE`] at least. A
/// launch's first two sends left unverified by chance are not that; its first three at a
/// baseline of 60 % are.
pub fn own_day_falls_short(cfg: &Config, c: &Conv, now: Millis, grace: Millis, prior: f64) -> bool {
    let short = cfg.signals.low_conversion.max_ratio * prior;
    let (v, n, _) = day_counts(c, now, sends_since(cfg, c, now - grace), short);
    !first_sends_pending(c, now, grace)
        && n >= 2
        && f64::from(v) <= short * f64::from(n)
        && surprise(v, n, prior) >= OWN_SHORTFALL_SURPRISE
}

/// A key's day `(verified, sends, hours)`, less its `pending` newest sends (still inside the
/// grace period). While its current day converts under `short` (a rate: `max_ratio` of the
/// baseline), the day is its last 24 hours: the current day and the share of the previous day
/// that the 24 hours still cover ([`last_day`]), so an attack that goes on past the day's end
/// keeps its evidence. Otherwise the current day alone: a block pumped yesterday whose sends
/// verify again today is not judged by yesterday.
pub fn day_counts(c: &Conv, now: Millis, pending: u32, short: f64) -> (u32, u32, f64) {
    let d = days(c, now);
    let (v, n) = today(&d, pending);
    let still_short = n > 0 && f64::from(v) <= short * f64::from(n);
    if d.prev_sends == 0 || !still_short {
        return (v, n, (now - d.start).clamp(0, DAY_MS) as f64 / 3_600_000.0);
    }
    let (v, n) = last_day(c, now, pending);
    (v, n, 24.0)
}

/// A key's current day `(verified, sends)`, less its `pending` newest sends (still inside the
/// grace period).
fn today(d: &Days, pending: u32) -> (u32, u32) {
    let n = u32::from(d.sends).saturating_sub(pending);
    (u32::from(d.verified).min(n), n)
}

/// A key's last 24 hours `(verified, sends)`: its current day, less the `pending` sends still
/// inside the grace period, and the share of the previous day that the 24 hours still cover,
/// its sends assumed even from its start to its last send (a burst at the start of the previous
/// day is not spread into the last 24 hours; a day-long drip still covers them).
pub fn last_day(c: &Conv, now: Millis, pending: u32) -> (u32, u32) {
    let d = days(c, now);
    let (v, n) = today(&d, pending);
    let prev_start = d.start - DAY_MS;
    let prev_end = (prev_start + (i64::from(d.prev_last_min) + 1) * 60_000).min(d.start);
    let left = ((prev_end - (now - DAY_MS)) as f64 / (prev_end - prev_start) as f64).clamp(0.0, 1.0);
    let part = |x: u16| (f64::from(x) * left).round() as u32;
    (v + part(d.prev_verified), n + part(d.prev_sends))
}

/// One block's conversion over every flow of its tenant that sends codes: `own` (the send's
/// flow's key, current to `now`) with the same block's keys in the tenant's other such flows
/// (`others`), bucket by bucket. An attacker that spreads its sends over the sign-up and the
/// login flow splits each block's evidence in two; a block's ordinary sends verify in every
/// flow that sends codes, each near its own rate, and their pooled baseline is the block's
/// learned rate over all of them. Read-only: nothing is stored.
pub fn pool_block(own: &Conv, others: &[Conv], now: Millis) -> Conv {
    let mut m = own.clone();
    let mut usual = usual_per_bucket(own);
    let mut d = days(own, now);
    let mut last_min = if d.start == own.day_start {
        own.day_last_min
    } else {
        0
    };
    for o in others.iter().filter(|o| o.head != 0) {
        for b in (m.head - CONV_BUCKETS as i64 + 1)..=m.head {
            if b > o.head || b <= o.head - CONV_BUCKETS as i64 {
                continue;
            }
            let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
            m.sends[i] = m.sends[i].saturating_add(o.sends[i]);
            m.verified[i] = m.verified[i].saturating_add(o.verified[i]);
        }
        m.rate_num += o.rate_num;
        m.rate_den += o.rate_den;
        m.young_n += o.young_n;
        m.young_v += o.young_v;
        m.cusum += o.cusum;
        usual += usual_per_bucket(o);
        let od = days(o, now);
        // The sibling's day as of now, counted in the send's key's day when the two overlap.
        if (od.start - d.start).abs() < DAY_MS {
            d.sends = d.sends.saturating_add(od.sends);
            d.verified = d.verified.saturating_add(od.verified);
            d.prev_sends = d.prev_sends.saturating_add(od.prev_sends);
            d.prev_verified = d.prev_verified.saturating_add(od.prev_verified);
            d.prev_last_min = d.prev_last_min.max(od.prev_last_min);
            if od.start == o.day_start {
                last_min = last_min.max(o.day_last_min);
            }
        }
        m.last = m.last.max(o.last);
    }
    m.span = m.span.max(1.0);
    m.vol = (usual * f64::from(m.span)) as f32;
    m.day_start = d.start;
    (m.day_sends, m.day_verified) = (d.sends, d.verified);
    (m.prev_sends, m.prev_verified, m.prev_last_min) = (d.prev_sends, d.prev_verified, d.prev_last_min);
    m.day_last_min = last_min;
    m
}

/// Adds `from`'s buckets newer than `after` (still in its ring) to `into`'s window (not to its
/// day or its learned rate): a block's sends before it fell short, into its flow × country's
/// key of sends into such blocks.
pub fn add_window(cfg: &Config, into: &mut Conv, from: &Conv, after: i64, now: Millis, prior: f64) {
    conv_advance(cfg, into, now.div_euclid(bucket_ms(cfg)), prior);
    let low = after.max(from.head - CONV_BUCKETS as i64);
    for b in (low + 1)..=from.head {
        if b > into.head || b <= into.head - CONV_BUCKETS as i64 {
            continue;
        }
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        into.sends[i] = into.sends[i].saturating_add(from.sends[i]);
        into.verified[i] = into.verified[i].saturating_add(from.verified[i]);
    }
}

/// Credits a conversion of a send made at `sent_at`.
pub fn conv_verified(cfg: &Config, c: &mut Conv, sent_at: Option<Millis>, now: Millis, prior: f64) {
    let bms = bucket_ms(cfg);
    conv_advance(cfg, c, now.div_euclid(bms), prior);
    match sent_at {
        Some(t) if t >= c.day_start && c.day_verified < c.day_sends => c.day_verified += 1,
        Some(t) if t < c.day_start && t >= c.day_start - DAY_MS && c.prev_verified < c.prev_sends => {
            c.prev_verified += 1
        }
        _ => {}
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
    key: ConvContext<'_>,
    what: impl Fn() -> String,
) -> Option<(Reason, Option<i32>)> {
    let ConvContext {
        block,
        own_baseline,
        season,
        may_accumulate,
        grace,
        cost,
        announced,
        day: day_judges,
        young,
    } = key;
    let lc = &cfg.signals.low_conversion;
    let bms = bucket_ms(cfg);
    let window = lc.window_secs as Millis * 1000;
    let (v, n) = matured(cfg, c, now, grace);
    let (v_hour, n_hour) = (v, n);
    // The sends still inside the grace period, as the trials their ages make them
    // (`young_sends`): the window's evidence begins with an attack's first minutes.
    let (yv, yn, ys, yspan) = young.map_or((0, 0, 0, 0), |y| young_window(c, y));
    let (v, n) = (v + yv, n + yn);
    let p = conv_rate(cfg, c, tenant_rate);
    // The key's usual sends an hour, for `excess_llr`: a carrier outage or a logging gap loses
    // conversions at ordinary volume; pumping adds sends.
    let per_hour = usual_per_bucket(c) * (3_600_000.0 / bms as f64);
    // The key's usual sends in the window at this time of day: its flat average times the
    // hour's seasonal factor (a peak hour carries more than the average without any pumping).
    let usual = usual_in_window(cfg, c, season)
        + if yspan > 0 {
            usual_in(cfg, c, season, yspan)
        } else {
            0.0
        };
    let half = lc.decisive_surprise / 2.0;
    let needed = match block {
        Some(rest) if rest >= half => half,
        _ => lc.decisive_surprise,
    };
    // The dearer the send than the tenant's usual one, the less evidence makes holding it worth
    // the risk of holding a legitimate one; never under half.
    // An announced change explains extra sends: the evidence that they are pumping must be
    // stronger by its `extra_nats`.
    let base_needed = needed;
    let extra = announced.map_or(0.0, |(_, nats)| nats);
    let needed = || {
        let (nats, ratio) = cost();
        ((base_needed - nats).max(half) + extra, ratio)
    };
    let cost_note = || {
        let (needed, ratio) = needed();
        match announced {
            Some((label, _)) => {
                format!(" (decisive at {needed:.1} nats: expected change '{label}' announces extra sends)")
            }
            None if needed < base_needed => {
                format!(" (decisive at {needed:.1} nats: a send here costs {ratio:.1}x the tenant's usual)")
            }
            None => String::new(),
        }
    };
    // The shortfall's weight grows with the evidence that the sends on top of the key's usual
    // ones are pumping, `decisive_weight` per `needed` nats, up to `decisive_weight` (decisive:
    // `high` on its own). Below that, other evidence (a new country, a risky prefix, the
    // volume) must add up to `high` with it.
    // And only while the extra sends verify like pumping rather than like a cohort of people
    // that verifies poorly ([`pumping_not_cohort`]): against the baseline alone, a launch's
    // hundreds of new users verifying at half its rate are as short as pumping (a second
    // generator's launch at half its users' rate: US strangers' day at 16 of 77 verified
    // against 54 %, 8.1 nats, held 18 of its sends with the new country).
    let decisive = |w: i32, v: u32, n: u32, usual: f64, max_share: f64| {
        if !own_baseline
            || lc.decisive_weight == 0
            || f64::from(v) > max_share * p * f64::from(n)
            || pumping_not_cohort(cfg, v, n, p, usual) <= 0.0
        {
            return (w, String::new());
        }
        let e = excess_llr(f64::from(v), f64::from(n), p, usual);
        let x = (e / needed().0).min(1.0);
        let we = (f64::from(lc.decisive_weight) * x).round() as i32;
        if we <= w {
            return (w, String::new());
        }
        (
            we,
            format!(
                ", with {:.1}x its usual volume: {e:.1} nats that the extra sends are not verified{}",
                f64::from(n) / usual.max(1e-3),
                cost_note()
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
            let span = if yn > 0 {
                format!(
                    "{} and the grace period ({yn} trials from {ys} sends by their age)",
                    minutes(window)
                )
            } else {
                minutes(window)
            };
            (we, w, v, n, span, note)
        });
    // The day: sends made since the key's day started, less those still inside the grace
    // period (they may yet be verified).
    let day = || {
        if lc.day_min_sends == 0 || !day_judges {
            return None;
        }
        let (v, n, hours) = day_counts(c, now, sends_since(cfg, c, now - grace), lc.max_ratio * p);
        (n >= lc.day_min_sends)
            .then(|| shortfall(cfg, v, n, p))
            .flatten()
            .map(|w| {
                // A key's day is decisive on the same evidence as an hour, against the key's
                // usual sends over the time its day has run: the day converting under half the
                // baseline with the extra sends explaining it means they hardly convert at all.
                // Only while the key is still busy (its last hour at twice its usual hour or
                // more, and extra sends still arriving: [`extra_arriving`]) and its last matured
                // hour still converts under half the baseline: a send after the attack stopped or
                // moved on is not judged by it.
                let busy = || {
                    let usual_hour = (per_hour * season).max(0.0);
                    f64::from(sends_since(cfg, c, now - HOUR)) >= 2.0 * usual_hour.max(1.0)
                        && extra_arriving(cfg, c, now, usual_hour)
                        && n_hour > 0
                        && f64::from(v_hour) <= lc.max_ratio * p * f64::from(n_hour)
                };
                let (we, note) = if busy() {
                    decisive(w, v, n, per_hour.max(1.0 / 24.0) * hours.max(1.0), 0.5)
                } else {
                    (w, String::new())
                };
                (we, w, v, n, "24h".to_owned(), note)
            })
    };
    // Evidence accumulated over the key's matured buckets (its CUSUM): a slow attack, or one
    // into a key whose users verify few codes, gives too little in any one window. It is
    // decisive at `needed` nats while the extra sends still arrive ([`extra_arriving`]) and the
    // last matured hour still converts under half the baseline, with more sends than usual.
    let acc = f64::from(c.cusum);
    let accumulated = (own_baseline && may_accumulate && lc.decisive_weight > 0 && acc > 0.0)
        .then(|| {
            let usual_hour = (per_hour * season).max(0.0);
            let extra = extra_arriving(cfg, c, now, usual_hour);
            // And the hour adds to the evidence (the CUSUM's step over it is positive: sends on
            // top of the usual ones, not verified), not one unverified send at the usual volume:
            // a second generator's enrolment day of a tenant's staff, 10 hours after a home-block
            // attack on its country had ended, met 21 nats the attack left with 0 of 1 verified
            // (0.6x the key's usual hour), and the incident its first sends opened took 52 of them.
            let short_hour = n_hour > 0
                && f64::from(v_hour) <= lc.max_ratio * p * f64::from(n_hour)
                && cusum_step(f64::from(v_hour), f64::from(n_hour), p, usual_hour) > 0.0;
            // And the hour's usual sends verify like usual: what the CUSUM holds, from hours
            // before, is about extra sends, and says nothing when the usual ones stopped verifying
            // too (a second generator's outage met 38 nats a busy key had gathered over the day).
            let usual_verify = !usual_unverified(f64::from(v_hour), f64::from(n_hour), p, usual_hour);
            // Decisive or nothing: below `needed` it is the windows' evidence that speaks.
            (extra && short_hour && usual_verify && acc >= needed().0).then_some(lc.decisive_weight as i32)
        })
        .flatten();
    let acc_note = || {
        format!(
            ", with {:.1}x its usual volume in the last hour: {acc:.1} nats accumulated over its recent hours that the extra sends are not verified{}",
            f64::from(n_hour) / usual.max(1e-3),
            cost_note()
        )
    };
    // The hour or the day, whichever weighs more: an hour that falls short a little (its young
    // sends already counted) must not hide a day that holds the attack's evidence.
    let found = match (short, day()) {
        (Some(h), Some(d)) if d.0 > h.0 => Some(d),
        (Some(h), _) => Some(h),
        (None, d) => d,
    };
    let (w, base, v, n, span, note) = match (found, accumulated) {
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
#[derive(Clone, Copy)]
pub struct ConvContext<'a> {
    /// For a block: the surprise ([`surprise`]) of the rest of its country's matured sends.
    pub block: Option<f64>,
    /// The baseline is the flow's own (not the tenant's, borrowed by a young flow): only then
    /// can a shortfall be decisive.
    pub own_baseline: bool,
    /// The hour's seasonal factor for the key's usual volume ([`seasonal_factor`], else 1).
    pub season: f64,
    /// Evidence accumulated over hours (the key's CUSUM) may count: the rest of the flow (its
    /// newest matured half hour outside this key, its hour when that is too small to tell)
    /// still verifies codes ([`rest_converts`]: a logging gap loses conversions everywhere,
    /// pumping adds unverified sends to some keys), and for a country, no open incident on one
    /// of its blocks explains it (pumping into one block raises its country's evidence too; the
    /// block holds the attack).
    pub may_accumulate: bool,
    /// The tenant's grace period ([`grace_ms`]).
    pub grace: Millis,
    /// The send's expected cost as severity ([`cost_nats`]): nats less evidence needed, and the
    /// ratio of its price to the tenant's usual one. Asked only when a shortfall may be
    /// decisive (it reads the tenant's country mix).
    pub cost: &'a dyn Fn() -> (f64, f64),
    /// An annotation covering the send (its label) and the nats of evidence it adds to what a
    /// shortfall resting on the extra volume needs (`expected_change.extra_nats`): the
    /// announced change explains extra sends, and its new users' first codes say less.
    pub announced: Option<(&'a str, f64)>,
    /// The key's day may judge the send (the new countries' pooled key's: only while the send's
    /// own country falls short with it).
    pub day: bool,
    /// What the ages of the sends inside the grace period make of them ([`young_shares`]): the
    /// hour's window counts them too ([`young_window`]).
    pub young: Option<&'a YoungShares>,
}

/// Matured windows `(verified, sends)` of a flow and of one of its keys over one span, each with
/// its usual sends in that span.
pub type RestSpan = (((u32, u32), f64), ((u32, u32), f64));

/// Whether the rest of a flow outside one of its keys still verifies codes, `p` the flow's
/// rate. Over the first of `spans` (shortest first) whose usual part of the rest is large
/// enough to tell (two verified codes expected), that part must verify at half the rate or
/// more, or at least not improbably less ([`REST_GAP_SURPRISE`]): pumping elsewhere in the flow
/// leaves it be, a gap in the conversion log empties it. A small flow's half hour is too small
/// to tell, and its hour is asked instead; too small in every span, it cannot tell (`None`).
pub fn rest_converts(spans: &[RestSpan], p: f64) -> Option<bool> {
    spans.iter().find_map(|&(((vf, nf), uf), ((vk, nk), uk))| {
        let n_rest = f64::from(nf.saturating_sub(nk));
        let v_rest = f64::from(vf.saturating_sub(vk));
        let usual = n_rest.min((uf - uk).max(0.0));
        let expected = p * usual;
        (expected >= 2.0)
            .then(|| v_rest >= 0.5 * expected || binomial_surprise(v_rest, usual, p) < REST_GAP_SURPRISE)
    })
}

/// Whether the rest of a flow outside one of its keys still verifies codes ([`rest_converts`]),
/// over `spans` (the flow's and the key's half hour and hour, shortest first) at the flow's rate
/// `p`. A flow too small outside the key to tell at its own rate is told by that rest at its
/// tenant's rate (a sign-up flow at 40 % beside logins at 80 %: read as not verifying whatever
/// its codes, it let a second generator's spread attack on India go unheld with 11 nats); too
/// small at both, by the rest of its tenant (`tenant`: the tenant's windows of the same spans
/// and its rate, when `low_conversion.tenant_rest` asks for them), as the log is the tenant's: a
/// small sign-up flow's pumped country left 3 sends an hour of the flow outside it. The
/// shortest span that can tell, in any of these scopes, tells: a gap shows first in the newest
/// half hour, and the flow's hour (its sends from before the gap) must not hide what the
/// tenant's half hour already shows (a second generator's outage, 44 minutes in: its sign-up
/// flow outside its one busy country had 1 of 6 verified in the hour, the tenant outside that
/// key 0 of 47 in the half hour, and 4 of its sends were held by the accumulated evidence). Too
/// small everywhere, it is taken not to verify.
pub fn rest_verifies_over(
    spans: &[RestSpan; 2],
    p: f64,
    tenant: impl Fn() -> Option<([((u32, u32), f64); 2], f64)>,
) -> bool {
    spans
        .iter()
        .enumerate()
        .find_map(|(i, &span)| {
            rest_converts(&[span], p).or_else(|| {
                let (windows, tenant_rate) = tenant()?;
                rest_converts(&[span], tenant_rate)
                    .or_else(|| rest_converts(&[(windows[i], span.1)], tenant_rate))
            })
        })
        .unwrap_or(false)
}

/// Whether the rest of a flow outside one country still sends: `n` matured sends where `usual`
/// were expected. Too few expected to tell (under [`REST_MIN_USUAL`]), it is taken to; else it
/// must not fall under [`REST_STOPPED_SHARE`] of them improbably (Poisson surprise of
/// [`REST_GAP_SURPRISE`]).
pub fn rest_still_sends(n: u32, usual: f64) -> bool {
    let (n, usual) = (f64::from(n), usual.max(0.0));
    usual < REST_MIN_USUAL
        || n >= REST_STOPPED_SHARE * usual
        || poisson_shortfall(n, usual) < REST_GAP_SURPRISE
}

/// The share of its usual hour under which the rest of a flow has stopped sending. The usual
/// hour outside a country is the difference of two seasonal estimates (the flow's at the
/// tenant's factor, the country's at its own), rough by a factor of two when the tenant's
/// countries keep different hours: a second generator's outage, at 06:00 in the tenant's main
/// country, had its rest at 37 % of that estimate and 67 % of its sends held. A tenant whose
/// traffic has turned into one country has next to nothing outside it.
pub const REST_STOPPED_SHARE: f64 = 0.25;

/// Whether the rest of a flow outside one country verifies like usual: `v` of `n` matured sends,
/// at least half the codes `p` expects, when that is at least 2 (too few expected to tell, it is
/// taken not to).
pub fn rest_verifies((v, n): (u32, u32), p: f64) -> bool {
    let expected = p * f64::from(n);
    expected >= 2.0 && f64::from(v) >= 0.5 * expected
}

/// Fewest sends expected in the rest of a flow for [`rest_still_sends`] to tell.
pub const REST_MIN_USUAL: f64 = 4.0;

/// Sends a country is expected to carry in the gap's span from which its own volume tells
/// whether the tenant's traffic turned into it: pumping that takes the tenant's conversion
/// under `conversion_gap.max_ratio` adds four times its usual sends, which `volume_spike` sees
/// at this count.
pub const REST_BUSY_USUAL: f64 = 20.0;

/// Nats of binomial surprise at which the rest of a flow verifies improbably few codes (about
/// 1 in 20): with few codes expected, a count under half of them is often chance, and an
/// empty rest is a gap only once it is unlikely.
pub const REST_GAP_SURPRISE: f64 = 3.0;

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

/// Extra sends still arrive at the key: its last hour is above its usual hour (`usual_hour`,
/// the time of day's) by two standard deviations, and its last quarter hour carries at least its
/// share of the usual hour and half its share of the last hour's extra sends. The evidence that
/// extra sends are not verified (the day's, the accumulated) holds a send only while it can be
/// one of them: once an attack stops, its sends stay in the last hour for up to an hour, and the
/// key's ordinary sends after it are not judged by them (a second generator's spread attacks left
/// 55 legitimate sends held by the day's evidence after they ended, over 12 seeds: in the hour
/// after, and hours later where a small key's usual hour is a send or two).
fn extra_arriving(cfg: &Config, c: &Conv, now: Millis, usual_hour: f64) -> bool {
    let last_hour = f64::from(sends_since(cfg, c, now - HOUR));
    let quarter = f64::from(sends_since(cfg, c, now - HOUR / 4));
    last_hour > usual_hour + 2.0 * usual_hour.sqrt() + 1.0
        && quarter >= (0.125 * (last_hour + usual_hour)).max(1.0)
}

/// The log-likelihood ratio that the sends of `n` (`v` verified) on top of the key's `usual`
/// ones (and their two standard deviations, as in [`excess_llr`]) verify like pumping, at
/// [`EXCESS_RATE_SHARE`] of the baseline `p` (attackers verify 1–4 % of codes), rather than like
/// a cohort of real users that verifies worse than usual, at `max_ratio` of it (the most a
/// shortfall lets a cohort fall short by). Both hypotheses have the extra sends verify worse
/// than `p`: a shortfall against `p` is evidence against the usual sends only, and over a busy
/// key's hundreds of sends half verified against a 90 % baseline, [`excess_llr`] favours
/// pumping (its legitimate hypothesis has 10 % of sends unverified) where these sends are plainly
/// people's. 0 when no sends are extra.
pub fn pumping_not_cohort(cfg: &Config, v: u32, n: u32, p: f64, usual: f64) -> f64 {
    let usual = usual.max(0.0);
    let u = usual + 2.0 * usual.sqrt();
    let cohort = cfg.signals.low_conversion.max_ratio.clamp(EXCESS_RATE_SHARE, 1.0);
    let (v, n) = (f64::from(v), f64::from(n));
    llr_extra_at_share(v, n, p, u, EXCESS_RATE_SHARE) - llr_extra_at_share(v, n, p, u, cohort)
}

/// Whether a block's shortfall is its country's cohort's: the rest of the country (`rest`, its
/// matured sends outside the block, `usual` of them usual) has sends on top of its usual ones
/// that verify like a cohort of people rather than like pumping ([`pumping_not_cohort`]), and
/// the block's matured `key` sends are not improbably short (`min_surprise`) against the rest's
/// own rate. People enrolling or signing up by the thousand that verify at half the baseline
/// fill every block of their country; a block with 3 of 11 verified against 84 % is short of the
/// baseline, not of them. Pumping into one block of such a country still falls short of the
/// rest; pumping spread over the country leaves no rest that verifies like people. An attacker
/// that rotates blocks among a country's users verifying at its usual rate makes the rest look
/// like a cohort too (half its extra sends verified): the caller keeps a block's evidence that
/// its extra sends are not verified.
pub fn short_with_cohort(cfg: &Config, key: (u32, u32), rest: (u32, u32), p: f64, usual: f64) -> bool {
    let lc = &cfg.signals.low_conversion;
    let ((vk, nk), (vr, nr)) = (key, rest);
    nr >= lc.min_sends
        && vr > 0
        && pumping_not_cohort(cfg, vr, nr, p, usual) < 0.0
        && surprise(vk, nk, f64::from(vr) / f64::from(nr)) < lc.min_surprise
}

/// Whether a source's sends verify like pumping ([`pumping_not_cohort`], none of them usual): over
/// its matured hour, or its day (the `low_conversion` test on a source judges its day too). A
/// shortfall alone says the source converts under `max_ratio` of the flow; a source reaching
/// many numbers is pumping only if it converts like pumping. An office enrolling its staff that
/// verifies poorly (a second generator's enrolment day at half its users' rate: 10 of 36
/// verified against a 58 % baseline in its first half hour) converts like a cohort.
pub fn verifies_like_pumping(cfg: &Config, c: &Conv, now: Millis, grace: Millis, p: f64) -> bool {
    let favours = |(v, n): (u32, u32)| n > 0 && pumping_not_cohort(cfg, v, n, p, 0.0) > 0.0;
    favours(matured(cfg, c, now, grace)) || {
        let pending = sends_since(cfg, c, now - grace);
        let (v, n, _) = day_counts(c, now, pending, cfg.signals.low_conversion.max_ratio * p);
        favours((v, n))
    }
}

/// Share of the baseline rate at which the pumping hypothesis of [`excess_llr`] has the sends
/// on top of a key's usual ones convert (attackers verify a few codes to look real).
pub(super) const EXCESS_RATE_SHARE: f64 = 0.1;

/// The same share for the CUSUM's step ([`cusum_step`]). A window's evidence is decisive only
/// when it converts under a tenth of the baseline; the CUSUM has no such bar, and with the
/// window's hypothesis a cohort verifying at 45 % of the baseline gave steps of mean zero (at
/// a 60 % baseline; at 80 % they drifted up), so it wandered up like a random walk: a second
/// generator's launch whose new users verified 38 % against its flow's 77 % reached 10 nats.
/// At 3 %, such a cohort drifts down (the break-even is at about a third of the baseline),
/// while an attack's unverified sends weigh about as much as before (ln((1 − 0.03p)/(1 − p))
/// against ln((1 − 0.1p)/(1 − p)): 0.90 and 0.85 nats at a 60 % baseline); its verified ones
/// weigh more against it, and attackers verify 1–4 % of codes, well under a tenth of a
/// baseline.
pub(super) const CUSUM_RATE_SHARE: f64 = 0.03;

/// Binomial surprise (nats, [`surprise`]) by which a key's own day must fall short before a
/// wider key's day (the new countries' pooled day) judges its sends ([`own_day_falls_short`]):
/// more than one unverified send at any baseline under 86 % (-ln(1 - p)), so the sends
/// themselves say they are not verified.
pub const OWN_SHORTFALL_SURPRISE: f64 = 2.0;

/// Highest baseline rate [`excess_llr`] assumes.
pub(super) const EXCESS_MAX_RATE: f64 = 0.9;

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
    if usual_unverified(v, n, p, usual) {
        return 0.0;
    }
    excess_llr_at(v, n, p, usual + 2.0 * usual.sqrt()) / (1.0 + n.max(0.0) / OVERDISPERSION)
}

/// Whether `v` verified codes of `n` sends, no more than `USUAL_UNVERIFIED_MAX` times the key's
/// `usual`, are improbably few (a binomial surprise of `FOLD_SURPRISE`) for the usual sends
/// among them alone at the baseline `p`. The pumping hypothesis of [`excess_llr`] has the usual
/// sends verify like usual and the extra ones not: when the usual ones do not either, the
/// shortfall is not in extra sends (conversions that stopped being logged or delivered), and
/// the volume's evidence is void. Without it a key at about its usual volume in an outage gained
/// nats from every bucket a few sends over its mean (a second generator's webhook outage: 69
/// nats in 25 minutes at 1.2x its usual volume, with 5-minute buckets at twice their usual).
pub fn usual_unverified(v: f64, n: f64, p: f64, usual: f64) -> bool {
    n <= USUAL_UNVERIFIED_MAX * usual
        && binomial_surprise(v, usual.min(n), p.min(EXCESS_MAX_RATE)) >= FOLD_SURPRISE
}

/// The most sends, in times a key's usual, for which [`usual_unverified`] tells: a key pumped for
/// hours has learned its attack's sends as usual ones at 5 % (a twentieth of its sends), and
/// those do not verify; a busy key's legitimate sends, which do, keep it under the bar anyway.
pub const USUAL_UNVERIFIED_MAX: f64 = 4.0;

/// The log-likelihood ratio of [`excess_llr`] for exactly `usual` usual sends, without the
/// allowance and the inflation (its expected value is negative when no sends are extra, or
/// when the extra ones verify like the usual ones). The CUSUM's step is the same with its own
/// pumping hypothesis ([`cusum_step`]): a bucket holds a few sends, and the noise of the usual
/// count is the CUSUM's to absorb.
pub fn excess_llr_at(v: f64, n: f64, p: f64, usual: f64) -> f64 {
    llr_extra_at_share(v, n, p, usual, EXCESS_RATE_SHARE)
}

/// The CUSUM's step: [`excess_llr_at`] with the extra sends at [`CUSUM_RATE_SHARE`] of the
/// baseline under the pumping hypothesis.
pub fn cusum_step(v: f64, n: f64, p: f64, usual: f64) -> f64 {
    llr_extra_at_share(v, n, p, usual, CUSUM_RATE_SHARE)
}

/// [`excess_llr_at`] with the pumping hypothesis's extra sends at `share` of the baseline.
fn llr_extra_at_share(v: f64, n: f64, p: f64, usual: f64, share: f64) -> f64 {
    if n <= 0.0 || !(p > 0.0 && p < 1.0) {
        return 0.0;
    }
    // A baseline near 1 would make every unverified send decisive: the legitimate hypothesis
    // keeps at least `1 - EXCESS_MAX_RATE` of sends unverified (lost codes, abandoned forms).
    let p = p.min(EXCESS_MAX_RATE);
    let u = usual.clamp(0.0, n);
    let pu = (p * (u + share * (n - u)) / n).clamp(1e-9, p);
    let v = v.clamp(0.0, n);
    v * (pu / p).ln() + (n - v) * ((1.0 - pu) / (1.0 - p)).ln()
}

/// The weight of `v` verified out of `n` against an expected rate `p`, if it is a shortfall.
pub(super) fn shortfall(cfg: &Config, v: u32, n: u32, p: f64) -> Option<i32> {
    let lc = &cfg.signals.low_conversion;
    let q = f64::from(v) / f64::from(n);
    if q >= p * lc.max_ratio {
        return None;
    }
    // Conversion rates vary between cohorts of users more than a binomial with one fixed rate
    // allows (a campaign's sign-ups convert a little worse than the usual ones): the surprise
    // is divided by the beta-binomial variance inflation for `OVERDISPERSION` (the prior
    // strength of the key's rate), so a window of many sends counts for less than its size.
    let s = surprise(v, n, p);
    if s < lc.min_surprise {
        return None;
    }
    let strength = (1.0 - q / p) * ((s - lc.min_surprise) / (3.0 * lc.min_surprise)).min(1.0);
    Some(scale(lc.min_weight, lc.max_weight, strength))
}

/// Prior strength (in sends) of a key's conversion rate: the spread of rates between cohorts.
pub(super) const OVERDISPERSION: f64 = 100.0;

/// The shortfall of `v` verified out of `n` against `p` as evidence (nats): the binomial
/// surprise over the beta-binomial inflation, as in [`shortfall`]. For the rest of a block's
/// country ([`ConvContext::block`]): a large window falling a little short of its baseline (an
/// enrolment day's hundreds of sends verifying at 85 % against 91 %) is a different cohort, not
/// a country being pumped.
pub fn surprise(v: u32, n: u32, p: f64) -> f64 {
    binomial_surprise(f64::from(v), f64::from(n), p) / (1.0 + f64::from(n) / OVERDISPERSION)
}

/// Credits a verified send to its flow's long-run conversion.
pub fn flow_verified(t: &mut Tenant, wh: u64, now: Millis) {
    if let Some(w) = t.flow_mut(wh) {
        w.verified.add(now, 1.0, LONG_RUN);
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
    /// The flow is young (under `flow_min_history` sends, fewer than `flow_min_verified` of
    /// them verified): the tenant's rate stands in for its own. Enough to judge a shortfall, not
    /// to make it decisive: the flow may not send codes.
    Borrowed(f64),
    /// The flow has enough history and does not convert: it does not send codes.
    None,
}

/// The conversion baseline of a flow: its own long-run rate once it has `flow_min_history`
/// sends; before that, the tenant's, until its own verified sends show it sends codes
/// ([`young_flow`]).
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
    let Some(w) = t.flow(wh) else {
        return tenant();
    };
    let sends = f64::from(w.long_run.get(now, LONG_RUN));
    if t.conversions == 0 {
        return FlowConversion::Unknown;
    }
    if sends < f64::from(lc.flow_min_history) {
        return young_flow(lc, tenant(), sends, f64::from(w.verified.get(now, LONG_RUN)));
    }
    let rate = (f64::from(w.verified.get(now, LONG_RUN)) / sends).clamp(0.0, 1.0);
    if rate < lc.flow_min_rate {
        FlowConversion::None
    } else {
        FlowConversion::Rate(rate)
    }
}

/// A flow under `flow_min_history` sends (`sends`, `verified` of them): its tenant's rate
/// (`tenant`, [`FlowConversion::Borrowed`]), until `flow_min_verified` of its own sends are
/// verified. From then on it sends codes, and its own verified sends shrunk toward the tenant's
/// rate by `flow_min_history` pseudo-sends are its baseline ([`FlowConversion::Rate`]): its
/// attack-free sends keep it near the tenant's rate, and an attack's unverified ones cannot pull
/// it far. (Market's reset flow at a quarter of the simulator's volume, 5 sends a day, verified
/// 21 of 26 before 24 unverified resets to UZ and TJ; judged against a borrowed rate they
/// stayed at `medium`.)
fn young_flow(lc: &LowConversion, tenant: FlowConversion, sends: f64, verified: f64) -> FlowConversion {
    match tenant {
        FlowConversion::Borrowed(r)
            if r > 0.0 && lc.flow_min_verified > 0 && verified >= f64::from(lc.flow_min_verified) =>
        {
            let k = f64::from(lc.flow_min_history);
            FlowConversion::Rate(((verified + k * r) / (sends + k)).clamp(0.0, 1.0))
        }
        other => other,
    }
}

/// A young flow (its tenant's rate `p` borrowed) does not send codes: its conversion key `fc`
/// had a previous day (24 hours of its sends before the current day) in which the tenant's rate
/// expects at least `flow_no_codes_expected` codes, and neither that day nor the current one
/// has a verified send. A quiet notification flow (20 order notices a day, at a quarter of the
/// simulator's volume) never reaches `flow_min_history`, and its burst was judged against the
/// tenant's rate: "US: 0 of 12 verified in 24h (baseline 44%)" on top of the volume spike held
/// a send. Only the previous day counts: an attack into a flow with no history is judged
/// against the borrowed rate for its first day, as before.
pub fn sends_no_codes(cfg: &Config, fc: Option<&Conv>, p: f64) -> bool {
    let expected = cfg.signals.low_conversion.flow_no_codes_expected;
    expected > 0.0
        && fc.is_some_and(|c| {
            c.prev_verified == 0 && c.day_verified == 0 && f64::from(c.prev_sends) * p >= expected
        })
}

/// Whether a flow's history may be nothing but an attack's (`code_sends_tenant_rate`): the
/// flow `wh` first sent a day or more after its tenant's first send (an attacker's choice of an
/// endpoint the tenant's users do not use), and has fewer than `code_sends_clean_days` days on
/// which it sent with none of its sends held at `high`. An attacker's flow is held on the days
/// it is used. A flow that has sent for days, or since the stream began, without anything held
/// and without a verified code marks records that are not codes (a log that gives its
/// notifications a `verification_id` too) or whose verifications are not logged: its own
/// history stands. (When every such flow was judged against the tenant's rate, 86 % of a
/// notification burst was held under `--sweep notify_ids=1`, seed 1 at a quarter of the
/// volume.)
pub fn flow_may_be_an_attacks(cfg: &Config, t: &Tenant, wh: Option<u64>) -> bool {
    let days = cfg.signals.low_conversion.code_sends_clean_days;
    if days == 0 {
        return true;
    }
    wh.and_then(|wh| t.flow(wh)).is_some_and(|w| {
        Millis::from(w.first) * 1000 - t.first >= 24 * HOUR && u32::from(w.clean_days) < days
    })
}

/// Share of a flow's conversion key rate under which its last 24 hours keep that rate as the
/// flow's baseline ([`guarded_flow_rate`]).
pub const GUARD_RATIO: f64 = 0.75;

/// A flow's baseline while an attack runs in it. Its long-run rate (`rate`, from
/// [`flow_conversion`]) learns from every send, an attack's unverified ones too: a reset flow of
/// 170 sends a week fell from 32 % to 15 % under 78 of them, and its keys' shortfalls with it.
/// Its conversion key `fc` does not learn from attack-like buckets (they count for 5 %). So
/// while the flow's last 24 hours fall well short of that key's rate (under [`GUARD_RATIO`] of
/// it, binomial surprise ≥ `FOLD_SURPRISE`), and the key has the flow's minimum history, the
/// key's rate is the baseline; otherwise the long-run rate, which counts every send and is not
/// biased by the folds' weighting. (Under half, the folds' own test, let a slow attack that is
/// a third of a low-converting flow flip the baseline back to the long-run rate within its
/// first day: 40 of 248 verified against a key's 31 %.)
pub fn guarded_flow_rate(cfg: &Config, fc: Option<&Conv>, rate: f64, now: Millis, grace: Millis) -> f64 {
    let lc = &cfg.signals.low_conversion;
    let Some(c) = fc.filter(|c| c.rate_den >= lc.flow_min_history as f32) else {
        return rate;
    };
    let p = conv_rate(cfg, c, rate);
    if p > rate && short_of(last_day(c, now, sends_since(cfg, c, now - grace)), p, GUARD_RATIO) {
        p
    } else {
        rate
    }
}

/// A key's matured window and its rate: `(verified, sends, rate)`.
pub fn matured_rate(cfg: &Config, c: &Conv, prior: f64, now: Millis, grace: Millis) -> (u32, u32, f64) {
    let (v, n) = matured(cfg, c, now, grace);
    (v, n, conv_rate(cfg, c, prior))
}

/// `conversion_normal`: the key's matured sends ([`matured_rate`]) convert at their usual
/// rate (at least `min_ratio` of it, over at least `low_conversion.min_sends`), for a flow
/// whose rate is known (`prior` > 0).
pub fn conversion_normal(cfg: &Config, (v, n, p): (u32, u32, f64), prior: f64) -> Option<(u32, u32, f64)> {
    let cn = &cfg.signals.conversion_normal;
    let lc = &cfg.signals.low_conversion;
    if !cn.enabled || prior <= 0.0 {
        return None;
    }
    (n >= lc.min_sends && f64::from(v) >= cn.min_ratio * p * f64::from(n)).then_some((v, n, p))
}

/// `known_requester`'s test: the requesters' matured sends (`v` verified of `n`, `n` at least
/// `min_sends`) verify like usual, at least `conversion_normal.min_ratio` of the baseline `p`,
/// with their rate shrunk toward `p` by `min_sends` pseudo-sends: a handful of sends, which
/// verify at any rate by chance, neither clears on its own nor is held to the bar of hundreds.
/// (A key where an attack's sends come through known requesters' networks has many unverified
/// sends among them, and the shrinkage no longer matters.)
pub fn requesters_verify(cfg: &Config, (v, n, p): (u32, u32, f64), prior: f64) -> Option<(u32, u32, f64)> {
    let cn = &cfg.signals.conversion_normal;
    let m = cfg.signals.low_conversion.min_sends;
    if !cn.enabled || prior <= 0.0 || n < m {
        return None;
    }
    let shrunk = (f64::from(v) + f64::from(m) * p) / f64::from(n + m);
    (shrunk >= cn.min_ratio * p).then_some((v, n, p))
}

/// `conversion_gap`: the tenant-wide key's matured sends ([`matured_rate`]) verify below
/// `max_ratio` of its rate.
pub fn conversion_gap(cfg: &Config, (v, n, p): (u32, u32, f64)) -> Option<(u32, u32, f64)> {
    let g = &cfg.signals.conversion_gap;
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
pub fn matured(cfg: &Config, c: &Conv, now: Millis, grace: Millis) -> (u32, u32) {
    matured_span(
        cfg,
        c,
        now,
        cfg.signals.low_conversion.window_secs as Millis * 1000,
        grace,
    )
}

/// Verified and sent counts of the newest `window` of matured sends (older than `grace`).
pub fn matured_span(cfg: &Config, c: &Conv, now: Millis, window: Millis, grace: Millis) -> (u32, u32) {
    let bms = bucket_ms(cfg);
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

/// Decayed weight of the delay histogram from which the grace period is learned: that of 50
/// verified codes (the sum of `DELAY_DECAY^k` for k < 50 is 47.6; 49 codes weigh 46.7).
pub const GRACE_MIN_WEIGHT: f32 = 47.5;
/// Share of a tenant's verified codes that must have arrived within its learned grace period.
pub const GRACE_QUANTILE: f32 = 0.99;
/// The shortest learned grace period.
pub const GRACE_FLOOR_SECS: u32 = 120;
/// Weight a tenant's delay histogram keeps per verified code (about the last 500 count).
const DELAY_DECAY: f32 = 0.998;

/// Counts one verified code's delay (send to conversion) in the tenant's histogram.
pub fn delay_seen(t: &mut Tenant, delay: Millis) {
    let secs = delay.max(0) / 1000;
    let bin = DELAY_EDGES_SECS
        .iter()
        .position(|&e| secs <= Millis::from(e))
        .unwrap_or(DELAY_BINS - 1);
    for d in &mut t.delays {
        *d *= DELAY_DECAY;
    }
    t.delays[bin] += 1.0;
}

/// The tenant's grace period: how long a send has to convert before it counts as unconverted.
/// `low_conversion.grace_secs`, or with `learn_grace`, once enough codes were verified, the
/// delay within which 99 % of them were (the bin's upper edge, at least 2 minutes) when that
/// is shorter. Conversions that arrive later are then late, but they are still credited to
/// their send's bucket, so a window that had counted them unverified recovers.
pub fn grace_ms(cfg: &Config, t: &Tenant) -> Millis {
    let lc = &cfg.signals.low_conversion;
    let configured = lc.grace_secs as Millis * 1000;
    let total: f32 = t.delays.iter().sum();
    if !lc.learn_grace || total < GRACE_MIN_WEIGHT {
        return configured;
    }
    let mut cum = 0.0;
    for (i, &edge) in DELAY_EDGES_SECS.iter().enumerate() {
        cum += t.delays[i];
        if cum >= GRACE_QUANTILE * total {
            return (Millis::from(edge.max(GRACE_FLOOR_SECS)) * 1000).min(configured);
        }
    }
    configured
}

/// A tenant's verification delays as a distribution: the share of its verified codes that
/// arrived within each of [`DELAY_EDGES_SECS`], for `low_conversion.young_sends`.
pub type DelayCdf = [f32; DELAY_BINS - 1];

/// The tenant's learned delay distribution: `None` until `learn_grace` has learned it (the
/// weight of 50 verified codes), or with `young_sends` off.
pub fn delay_cdf(cfg: &Config, t: &Tenant) -> Option<DelayCdf> {
    let lc = &cfg.signals.low_conversion;
    let total: f32 = t.delays.iter().sum();
    if !lc.young_sends || !lc.learn_grace || total < GRACE_MIN_WEIGHT {
        return None;
    }
    let mut cdf = [0.0; DELAY_BINS - 1];
    let mut cum = 0.0;
    for (i, share) in cdf.iter_mut().enumerate() {
        cum += t.delays[i];
        *share = (cum / total).min(1.0);
    }
    Some(cdf)
}

/// The share of codes verified within `secs`, linear between the histogram's edges (from 0 at
/// 0 s); the share within the last edge after it.
fn verified_within(cdf: &DelayCdf, secs: f64) -> f64 {
    let mut prev = (0.0, 0.0);
    for (i, &edge) in DELAY_EDGES_SECS.iter().enumerate() {
        let (e, f) = (f64::from(edge), f64::from(cdf[i]));
        if secs <= e {
            let x = ((secs - prev.0) / (e - prev.0)).clamp(0.0, 1.0);
            return prev.1 + x * (f - prev.1);
        }
        prev = (e, f);
    }
    prev.1
}

/// What a send's age inside the grace period makes of it, per 5-minute bucket still inside the
/// grace period at one moment (the buckets are the same for every key): the share of a trial
/// each of its sends counts for, and the time the bucket's passed part stands for.
#[derive(Clone, Copy, Debug)]
pub struct YoungShares {
    /// The newest bucket (the one `now` is in).
    pub head: i64,
    /// Per bucket, newest first: (share of a trial, passed part × share in ms).
    pub buckets: [(f64, f64); CONV_BUCKETS],
    /// How many of `buckets` are inside the grace period.
    pub len: usize,
}

/// The shares of [`YoungShares`] at `now` (`low_conversion.young_sends`): a young bucket's
/// sends count as the share of a trial that a code would have been verified by their age
/// (assumed even over the part of the bucket that has passed, read at four points), against
/// the tenant's delays at the age divided by `young_slack`.
pub fn young_shares(cfg: &Config, now: Millis, grace: Millis, cdf: &DelayCdf) -> YoungShares {
    let bms = bucket_ms(cfg);
    let slack = cfg.signals.low_conversion.young_slack.max(1.0);
    let head = now.div_euclid(bms);
    let mut out = YoungShares {
        head,
        buckets: [(0.0, 0.0); CONV_BUCKETS],
        len: 0,
    };
    for (k, slot) in out.buckets.iter_mut().enumerate() {
        let b = head - k as i64;
        let (start, end) = (b * bms, (b + 1) * bms);
        if end <= now - grace {
            break;
        }
        // Ages of the bucket's sends: from now - min(end, now) to now - start.
        let (young, old) = ((now - end.min(now)) as f64, (now - start) as f64);
        let share = (0..4)
            .map(|j| {
                verified_within(
                    cdf,
                    (young + (f64::from(j) + 0.5) / 4.0 * (old - young)) / 1000.0 / slack,
                )
            })
            .sum::<f64>()
            / 4.0;
        *slot = (share, share * (old - young));
        out.len = k + 1;
    }
    out
}

/// The key's sends still inside the grace period as trials of the hour's window
/// ([`young_shares`]): a verified one counts whole, so the trials are never fewer than the
/// verified. `(verified, trials, sends, span)`: `span` is the time the trials stand for, for
/// the usual sends the window expects.
pub fn young_window(c: &Conv, young: &YoungShares) -> (u32, u32, u32, Millis) {
    let (mut v, mut trials, mut all, mut span) = (0u32, 0.0f64, 0u32, 0.0f64);
    for (k, &(share, passed)) in young.buckets[..young.len].iter().enumerate() {
        let b = young.head - k as i64;
        span += passed;
        // A bucket newer than the key's newest holds nothing; one older than its ring, too.
        if b > c.head || b <= c.head - CONV_BUCKETS as i64 {
            continue;
        }
        let i = b.rem_euclid(CONV_BUCKETS as i64) as usize;
        let (sends, verified) = (c.sends[i], c.verified[i]);
        trials += (f64::from(sends) * share).max(f64::from(verified));
        v += u32::from(verified);
        all += u32::from(sends);
    }
    (v, (trials.floor() as u32).max(v), all, span as Millis)
}

/// Tenant-wide conversion rate, or 0 when unknown.
pub fn tenant_rate(t: &Tenant) -> f64 {
    if t.conversions < 20 || t.conv_den < 20.0 {
        return 0.0;
    }
    (f64::from(t.conv_num) / f64::from(t.conv_den)).clamp(0.01, 1.0)
}
