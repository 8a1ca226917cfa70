//! The DET0156 signals. Each one updates its own state with a send and then says how strongly
//! the send looks like pumping, with a human detail. Times are the records' own (`now`).

use std::f64::consts::LN_2;

use crate::config::Config;
use crate::numbering::Country;
use crate::state::{
    Conv, Decayed, Flow, Range, Source, Tenant, Volume, CONV_BUCKETS, DELAY_BINS, DELAY_EDGES_SECS, LONG_RUN,
    TENANT_COUNTRIES, TENANT_WORKFLOWS,
};
use crate::time::{self, Millis};
use crate::verdict::{code, Reason};

mod adjacency;
mod conversion;
mod sources;
mod tenant;
mod volume;

pub use adjacency::*;
pub use conversion::*;
pub use sources::*;
pub use tenant::*;
pub use volume::*;

pub(crate) const HOUR: Millis = 3_600_000;

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

/// The time window (`an0443.time_window_secs`) in milliseconds.
pub fn window_ms(cfg: &Config) -> Millis {
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

/// Poisson lower-tail surprise, -ln P(X <= k), by the Chernoff bound.
pub fn poisson_shortfall(k: f64, lambda: f64) -> f64 {
    if k >= lambda || lambda <= 0.0 {
        return 0.0;
    }
    let k = k.max(0.0);
    let a = if k > 0.0 { k * (k / lambda).ln() } else { 0.0 };
    a - k + lambda
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

#[cfg(test)]
mod tests {
    use super::{
        bucket_ms, conv_advance, conv_cusum, conv_send, conv_verified, cusum_step, excess_llr, excess_llr_at,
        pumping_not_cohort, rest_converts, rest_verifies_over, usual_per_bucket, DAY_MS,
    };
    use crate::config::Config;
    use crate::state::Conv;

    /// `low_conversion` of a key with its own baseline, no block, no announcement, no young
    /// sends, at a flat season.
    fn judge_key(
        cfg: &Config,
        c: &Conv,
        p: f64,
        now: crate::time::Millis,
        grace: crate::time::Millis,
        (may_accumulate, day): (bool, bool),
    ) -> Option<crate::verdict::Reason> {
        let cost = || (0.0, 1.0);
        let key = super::ConvContext {
            block: None,
            own_baseline: true,
            season: 1.0,
            may_accumulate,
            grace,
            cost: &cost,
            announced: None,
            day,
            young: None,
        };
        super::low_conversion(cfg, c, p, now, key, || "key".to_string()).map(|(r, _)| r)
    }

    /// The grace period: the configured one until enough codes were verified, then the delay
    /// within which 99 % were (a bin's upper edge, at least 2 minutes, at most the configured),
    /// back to the configured one once more than 1 % arrive later than it.
    #[test]
    fn the_learned_grace_period_follows_the_tenants_delays() {
        use super::{delay_seen, grace_ms};
        let cfg = Config::default();
        let mut t = crate::engine::empty_tenant_for_tests();
        assert_eq!(grace_ms(&cfg, &t), 600_000, "nothing learned yet");
        for _ in 0..49 {
            delay_seen(&mut t, 20_000);
        }
        assert_eq!(grace_ms(&cfg, &t), 600_000, "49 codes are too few");
        delay_seen(&mut t, 20_000);
        assert_eq!(grace_ms(&cfg, &t), 120_000, "50 fast codes: the 2-minute floor");
        for _ in 0..200 {
            delay_seen(&mut t, 200_000);
        }
        assert_eq!(grace_ms(&cfg, &t), 240_000, "most within 4 minutes");
        for _ in 0..4 {
            delay_seen(&mut t, 900_000);
        }
        assert_eq!(grace_ms(&cfg, &t), 600_000, "over 1 % later than 10 minutes");
        let mut off = Config::default();
        off.signals.low_conversion.learn_grace = false;
        let mut fast = crate::engine::empty_tenant_for_tests();
        for _ in 0..100 {
            delay_seen(&mut fast, 5_000);
        }
        assert_eq!(grace_ms(&cfg, &fast), 120_000);
        assert_eq!(grace_ms(&off, &fast), 600_000);
        // Clock skew: a conversion stamped before its send counts as immediate.
        delay_seen(&mut fast, -5_000);
        assert_eq!(grace_ms(&cfg, &fast), 120_000);
    }

    /// The sends inside the grace period count as the share of a trial their age makes them
    /// (`young_sends`): none before the tenant's delays are learned; with codes that arrive 20 s
    /// after their send, read at half the age, a send of a few seconds counts for nothing and
    /// one over a minute old for a whole trial; a verified one counts whole at any age.
    #[test]
    fn young_sends_count_by_their_age() {
        use super::{delay_cdf, delay_seen, young_shares, young_window};
        let cfg = Config::default();
        let mut t = crate::engine::empty_tenant_for_tests();
        assert!(delay_cdf(&cfg, &t).is_none(), "nothing learned yet");
        for _ in 0..60 {
            delay_seen(&mut t, 20_000);
        }
        let cdf = delay_cdf(&cfg, &t).expect("learned");
        let bms = bucket_ms(&cfg);
        let grace = 120_000;
        // A key with 30 sends in the bucket that began 10 s ago.
        let start = 1_000 * bms;
        let mut c = Conv::new();
        for _ in 0..30 {
            conv_send(&cfg, &mut c, start + 1_000, 0.6);
        }
        let y = young_shares(&cfg, start + 10_000, grace, &cdf);
        assert_eq!(young_window(&c, &y).1, 0, "10 s old: no code could have come yet");
        // Four minutes into the bucket (sends assumed even over them): those over a minute old,
        // three quarters, a whole trial each; the last minute's, next to nothing.
        let y = young_shares(&cfg, start + 240_000, grace, &cdf);
        let (v, n, sends, _) = young_window(&c, &y);
        assert_eq!((v, sends), (0, 30));
        assert!((20..=25).contains(&n), "{n} trials of 30");
        // Two of them verified: still whole trials, at any age.
        c.verified[start
            .div_euclid(bms)
            .rem_euclid(crate::state::CONV_BUCKETS as i64) as usize] = 2;
        let y = young_shares(&cfg, start + 10_000, grace, &cdf);
        let (v, n, sends, _) = young_window(&c, &y);
        assert_eq!((v, n, sends), (2, 2, 30));
        // Off, and before the histogram has 50 codes: nothing.
        let mut off = Config::default();
        off.signals.low_conversion.young_sends = false;
        assert!(delay_cdf(&off, &t).is_none());
    }

    /// A key's day and its hour are weighed side by side, the heavier wins: an hour short of
    /// the baseline but far from decisive (an attacker that has some of its codes verified)
    /// does not hide a day of extra sends that is decisive.
    #[test]
    fn a_weak_hour_does_not_hide_a_decisive_day() {
        let cfg = Config::default();
        let bms = bucket_ms(&cfg);
        let grace = 120_000;
        let now = 1_000 * bms + 200_000;
        let mut c = Conv::new();
        c.head = 1_000;
        // Baseline 60 %; a usual volume of next to nothing.
        (c.rate_num, c.rate_den, c.vol, c.span) = (600.0, 1_000.0, 1.0, 100.0);
        // The matured hour: 48 sends, 6 verified (short of 60 %, not under a tenth of it).
        for b in 988..1_000i64 {
            let i = b.rem_euclid(crate::state::CONV_BUCKETS as i64) as usize;
            c.sends[i] = 4;
            c.verified[i] = u16::from(b % 2 == 0);
        }
        // The day so far: ten hours, 400 sends, 40 verified.
        (c.day_start, c.day_sends, c.day_verified, c.day_last_min) = (now - 10 * 3_600_000, 400, 40, 599);
        let judge = |day: bool| judge_key(&cfg, &c, 0.6, now, grace, (false, day)).expect("a shortfall");
        let hour = judge(false);
        assert!(
            hour.weight < cfg.signals.low_conversion.decisive_weight as i32,
            "{hour:?}"
        );
        let both = judge(true);
        assert_eq!(
            both.weight, cfg.signals.low_conversion.decisive_weight as i32,
            "{both:?}"
        );
        assert!(both.detail.contains("in 24h"), "{both:?}");
    }

    /// A day whose extra sends verify like a cohort of people, under half the baseline but far
    /// over pumping's rate (`pumping_not_cohort`), is a plain shortfall, not decisive: a second
    /// generator's launch at half its users' rate had US strangers' day at 16 of 77 verified
    /// against 54 % with about 4 usual sends, 8.1 nats that held 18 of its sends with the new
    /// country. The same day with 4 verified is decisive.
    #[test]
    fn a_day_verifying_like_a_cohort_is_not_decisive() {
        let cfg = Config::default();
        let lc = &cfg.signals.low_conversion;
        let bms = bucket_ms(&cfg);
        let per_hour = (3_600_000 / bms) as f32;
        let now = 1_000 * bms + 200_000;
        let judge = |verified: u16| {
            let mut c = Conv::new();
            c.head = 1_000;
            // Baseline 54 %; a send an hour usually.
            (c.rate_num, c.rate_den, c.vol, c.span) = (540.0, 1_000.0, 100.0, 100.0 * per_hour);
            // The matured hour: 24 sends, 3 verified (busy, short of half the baseline, not
            // decisive on its own).
            for b in 988..1_000i64 {
                let i = b.rem_euclid(crate::state::CONV_BUCKETS as i64) as usize;
                c.sends[i] = 2;
                c.verified[i] = u16::from(b % 4 == 0);
            }
            // The day so far: four hours, 77 sends.
            (c.day_start, c.day_sends, c.day_verified, c.day_last_min) =
                (now - 4 * 3_600_000, 77, verified, 239);
            judge_key(&cfg, &c, 0.54, now, 120_000, (false, true)).expect("a shortfall")
        };
        let cohort = judge(16);
        assert!(cohort.weight <= lc.max_weight as i32, "{cohort:?}");
        assert!(!cohort.detail.contains("nats"), "{cohort:?}");
        let pumped = judge(4);
        assert_eq!(pumped.weight, lc.decisive_weight as i32, "{pumped:?}");
        assert!(pumped.detail.contains("in 24h"), "{pumped:?}");
    }

    /// Evidence a key accumulated (an attack that ended hours ago) is decisive for a new surge
    /// only when the last matured hour adds to it: one unverified send, under the key's usual
    /// hour, does not (an enrolment day that began after an attack on its country); four
    /// unverified, over it, do.
    #[test]
    fn accumulated_evidence_needs_an_hour_that_falls_short() {
        let cfg = Config::default();
        let bms = bucket_ms(&cfg);
        let grace = 120_000;
        let now = 1_000 * bms + 200_000;
        let judge = |unverified: i64| {
            let mut c = Conv::new();
            c.head = 1_000;
            // Baseline 72 %, a send an hour or so, 21 nats left by an attack.
            (c.rate_num, c.rate_den, c.vol, c.span, c.cusum) = (720.0, 1_000.0, 10.0, 100.0, 21.0);
            // The matured hour's last buckets: one unverified send each.
            for b in 1_000 - unverified..1_000 {
                c.sends[b.rem_euclid(crate::state::CONV_BUCKETS as i64) as usize] = 1;
            }
            // The surge: 20 sends in the newest bucket, still inside the grace period.
            c.sends[1_000usize % crate::state::CONV_BUCKETS] = 20;
            judge_key(&cfg, &c, 0.72, now, grace, (true, true))
        };
        assert!(judge(1).is_none(), "{:?}", judge(1));
        let four = judge(4).expect("a decisive shortfall");
        assert_eq!(
            four.weight, cfg.signals.low_conversion.decisive_weight as i32,
            "{four:?}"
        );
        assert!(
            four.detail.contains("0 of 4 verified") && four.detail.contains("accumulated"),
            "{four:?}"
        );
    }

    /// A country's own day falls short, for the new countries' pooled day to judge it, only
    /// when its sends say so by themselves: two unverified at a baseline of 60 % do not (1.8
    /// nats), three do, and one verified of three does not (over `max_ratio` of the baseline).
    #[test]
    fn a_country_falls_short_on_its_own_only_with_enough_unverified_sends() {
        use super::own_day_falls_short;
        let cfg = Config::default();
        let now = 1_000 * bucket_ms(&cfg) + 200_000;
        let day = |sends: u16, verified: u16| {
            let mut c = Conv::new();
            c.head = 1_000;
            (c.day_start, c.day_sends, c.day_verified, c.day_last_min) =
                (now - 7_200_000, sends, verified, 110);
            own_day_falls_short(&cfg, &c, now, 120_000, 0.6)
        };
        assert!(!day(2, 0));
        assert!(day(3, 0));
        assert!(!day(3, 1));
        assert!(day(8, 1));
    }

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
                        mean += pn * pv * cusum_step(f64::from(v), f64::from(n), p, usual);
                    }
                }
                assert!(mean <= 1e-12, "usual {usual} p {p} volume {volume}: {mean}");
            }
        }
    }

    /// Mean step per extra send (no usual ones) for extra sends that verify at `q`.
    fn mean_step(step: fn(f64, f64, f64, f64) -> f64, p: f64, q: f64) -> f64 {
        q * step(1.0, 1.0, p, 0.0) + (1.0 - q) * step(0.0, 1.0, p, 0.0)
    }

    /// A cohort of new users that verifies at 45 % of the baseline (a launch into a country whose
    /// users verify less) drifts the CUSUM down; under the windows' pumping hypothesis (a tenth
    /// of the baseline) its steps average about zero at a 50–60 % baseline and drift up at 80 %.
    /// An attack's sends, verified at a tenth of the baseline or less, drift it up about as fast
    /// as under that hypothesis.
    #[test]
    fn the_cusum_step_drifts_down_for_a_cohort_at_half_the_baseline() {
        for p in [0.5, 0.6, 0.8] {
            let cohort = mean_step(cusum_step, p, 0.45 * p);
            assert!(cohort < -0.2, "p {p}: {cohort}");
            assert!(mean_step(excess_llr_at, p, 0.45 * p) > -0.05, "p {p}");
            for attack in [0.0, 0.05 * p, 0.1 * p] {
                let (now, window) = (
                    mean_step(cusum_step, p, attack),
                    mean_step(excess_llr_at, p, attack),
                );
                assert!(
                    now > 0.9 * window && now > 0.4,
                    "p {p} attack {attack}: {now} vs {window}"
                );
            }
        }
    }

    /// A second generator's webhook outage, 44 minutes in, as the accumulated evidence of its
    /// tenant's busy country in the sign-up flow saw it: the flow's half hour outside the country
    /// is too small to tell, its hour (1 of 6 verified, from before the outage) is not
    /// improbably short, and the tenant outside the key had none of 47 verified in the half hour.
    /// The shortest span that can tell is the tenant's half hour: the rest does not verify, and
    /// the key's evidence does not accumulate. Had the tenant verified like usual, the rest would.
    #[test]
    fn the_newest_half_hour_of_the_tenant_tells_a_gap_before_the_flows_hour() {
        let spans = [
            (((0, 13), 13.75), ((0, 11), 10.79)),
            (((11, 40), 27.5), ((10, 34), 21.59)),
        ];
        assert_eq!(rest_converts(&spans, 0.61), Some(true), "the flow's hour alone");
        let tenant = |verified: u32| [((verified, 58), 37.98), ((46 + verified, 141), 75.96)];
        assert!(!rest_verifies_over(&spans, 0.61, || Some((tenant(0), 0.72))));
        assert!(rest_verifies_over(&spans, 0.61, || Some((tenant(30), 0.72))));
        // Without the tenant's windows (`tenant_rest` off), the flow's hour tells, as before.
        assert!(rest_verifies_over(&spans, 0.61, || None));
    }

    /// The extra sends of a key tell pumping (a tenth of the baseline or less) from a cohort of
    /// people verifying worse than usual (half of it) at any baseline; with no sends over the
    /// usual ones (and their allowance), nothing tells.
    #[test]
    fn pumping_is_told_from_a_cohort_at_half_the_baseline() {
        let cfg = Config::default();
        for p in [0.4, 0.6, 0.9] {
            // 100 extra sends on 100 usual ones verifying at `p`.
            let extra = |rate: f64| {
                let v = (100.0 * p + 100.0 * rate).round() as u32;
                pumping_not_cohort(&cfg, v, 200, p, 100.0)
            };
            assert!(extra(0.03 * p) > 2.0, "p {p}: attack {}", extra(0.03 * p));
            assert!(extra(0.5 * p) < 0.0, "p {p}: cohort {}", extra(0.5 * p));
            // A source with no usual sends: a third of its codes against a 90 % baseline is a
            // cohort, 1 of 30 is pumping.
            assert!(pumping_not_cohort(&cfg, 10, 30, p.max(0.6), 0.0) < 0.0, "p {p}");
            assert!(pumping_not_cohort(&cfg, 1, 30, p, 0.0) > 0.0, "p {p}");
        }
        assert_eq!(pumping_not_cohort(&cfg, 0, 20, 0.6, 100.0), 0.0);
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
            conv_cusum(&cfg, c, t + 120_000, 600_000, p, 1.0);
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

    /// The volume's evidence is void when the usual sends among a key's do not verify either:
    /// an outage at 1.2 times the usual volume gives none (the window's and the CUSUM's), where
    /// pumping on top of usual sends that verify still does, and so does a key pumped for hours
    /// whose usual volume learned a few of the attack's sends (at more than twice it).
    #[test]
    fn extra_volume_is_no_evidence_when_the_usual_sends_do_not_verify_either() {
        use super::usual_unverified;
        let p = 0.85;
        assert!(usual_unverified(0.0, 84.0, p, 70.0));
        assert_eq!(excess_llr(0.0, 84.0, p, 70.0), 0.0);
        assert!(!usual_unverified(60.0, 100.0, p, 70.0));
        assert!(excess_llr(60.0, 100.0, p, 70.0) > 5.0);
        assert!(
            !usual_unverified(0.0, 110.0, p, 6.0),
            "a pumped key's learned usual"
        );
        // The CUSUM after 3 hours at the usual volume (6 to 8 sends a bucket), nothing verified,
        // and after 3 hours of 3 extra sends a bucket while the usual ones verify.
        let cfg = Config::default();
        let five = 300_000;
        let run = |extra: u32, verify: bool| {
            let mut c = Conv::new();
            let t0 = 1_000_000_000_000;
            for b in 0..(2 * 24 + 3) * 12i64 {
                let late = b >= 2 * 24 * 12;
                let usual = 6 + (b * 7 % 3) as u32;
                for j in 0..usual + if late { extra } else { 0 } {
                    let t = t0 + b * five + i64::from(j) * 10_000;
                    conv_send(&cfg, &mut c, t, p);
                    if (!late || verify) && j < usual && j % 7 != 0 {
                        conv_verified(&cfg, &mut c, Some(t), t + 30_000, p);
                    }
                }
                conv_cusum(&cfg, &mut c, t0 + b * five + 120_000, 600_000, p, 1.0);
            }
            c.cusum
        };
        assert!(
            run(0, false) < 5.0,
            "an outage at the usual volume: {}",
            run(0, false)
        );
        assert!(run(3, true) >= 10.0, "pumping on top: {}", run(3, true));
    }

    /// A busy key's first day keeps what it learned when one of its buckets falls short by
    /// chance (a few do every day: 0 of 3 at 78 % is a 1 % chance); a first day that turns
    /// attack-like as a whole is taken back to 5 %.
    #[test]
    fn a_chance_short_bucket_does_not_take_a_busy_keys_first_day_back() {
        let cfg = Config::default();
        let (p, minute) = (0.85, 60_000);
        let t0 = 1_000_000_000_000;
        let usual_per_hour = |attack: bool, hours: i64| {
            let mut c = Conv::new();
            // One send a minute, 6 of 7 verified; in the tenth hour 6 sends in a row are not,
            // and in the attack all of the first day's sends after its fifth hour.
            for k in 0..hours * 60 {
                let t = t0 + k * minute;
                conv_send(&cfg, &mut c, t, p);
                let chance = (600..606).contains(&k);
                let pumped = attack && (300..24 * 60).contains(&k);
                if k % 7 != 0 && !chance && !pumped {
                    conv_verified(&cfg, &mut c, Some(t), t + 30_000, p);
                }
            }
            conv_advance(
                &cfg,
                &mut c,
                (t0 + hours * 3_600_000).div_euclid(bucket_ms(&cfg)),
                p,
            );
            usual_per_bucket(&c) * 3_600_000.0 / bucket_ms(&cfg) as f64
        };
        let ordinary = usual_per_hour(false, 30);
        assert!(
            (54.0..=66.0).contains(&ordinary),
            "60 sends an hour learned as {ordinary:.1}"
        );
        let attacked = usual_per_hour(true, 12);
        assert!(
            attacked < 20.0,
            "an attacked first day learned as {attacked:.1} an hour"
        );
    }

    /// In a tenant without a conversion rate of its own (`prior` 0), nothing is ever verified,
    /// so every busy bucket would look attack-like: its keys' usual volumes still count every
    /// send, so a busy flow's and a quiet block's are comparable (`block_surge` divides them).
    #[test]
    fn a_tenant_without_conversions_learns_every_keys_usual_volume() {
        let cfg = Config::default();
        let five = 300_000;
        let t0 = 1_000_000_000_000;
        for (per_bucket, judged) in [(12u32, 0.0), (1, 0.0), (12, 0.5)] {
            let mut c = Conv::new();
            for b in 0..2 * 24 * 12 {
                for j in 0..per_bucket {
                    conv_send(&cfg, &mut c, t0 + b * five + i64::from(j) * 1_000, judged);
                }
            }
            conv_advance(
                &cfg,
                &mut c,
                (t0 + 2 * DAY_MS).div_euclid(bucket_ms(&cfg)),
                judged,
            );
            let usual = usual_per_bucket(&c);
            if judged > 0.0 {
                // A tenant that verifies codes: unverified buckets are attack-like and teach
                // the usual volume at 5 %.
                assert!(usual < 0.1 * f64::from(per_bucket), "{usual}");
            } else {
                let ratio = usual / f64::from(per_bucket);
                assert!(
                    (0.9..=1.1).contains(&ratio),
                    "{per_bucket} a bucket learned as {usual}"
                );
            }
        }
    }

    /// Accumulated evidence counts only while the rest of the flow still verifies codes: a gap
    /// in the conversion log empties the rest too, pumping into one key leaves it be.
    #[test]
    fn the_rest_of_the_flow_tells_a_logging_gap_from_pumping() {
        // The flow: 60 matured sends in the span (30 usual), the key 40 of them (10 usual).
        // Pumping into the key: the rest (20 sends) verifies 16.
        assert_eq!(
            rest_converts(&[(((18, 60), 30.0), ((2, 40), 10.0))], 0.8),
            Some(true)
        );
        // A logging gap: nothing verified anywhere.
        assert_eq!(
            rest_converts(&[(((0, 60), 30.0), ((0, 40), 10.0))], 0.8),
            Some(false)
        );
        // The key is the whole flow: nothing to tell by.
        assert_eq!(rest_converts(&[(((2, 40), 10.0), ((2, 40), 10.0))], 0.8), None);
        // Pumping everywhere still leaves the usual sends of the rest verifying.
        assert_eq!(
            rest_converts(&[(((12, 90), 30.0), ((3, 45), 15.0))], 0.8),
            Some(true)
        );
        // A small flow at a low rate: its half hour (4 usual sends outside the key, 1.5 codes
        // expected) is too small to tell, so its hour decides: verifying, or emptied by a gap.
        let half = (((3, 17), 4.2), ((0, 4), 0.5));
        assert_eq!(rest_converts(&[half], 0.38), None);
        assert_eq!(
            rest_converts(&[half, (((6, 30), 8.4), ((0, 9), 1.0))], 0.38),
            Some(true)
        );
        assert_eq!(
            rest_converts(&[half, (((0, 30), 8.4), ((0, 9), 1.0))], 0.38),
            Some(false)
        );
        // The half hour decides when it can tell, whatever the hour says.
        assert_eq!(
            rest_converts(
                &[
                    (((0, 60), 30.0), ((0, 40), 10.0)),
                    (((30, 90), 60.0), ((0, 40), 10.0))
                ],
                0.8
            ),
            Some(false)
        );
    }

    /// A gap loses conversions outside the send's country too: half the codes expected there
    /// is verifying (not a gap); too few expected to tell is taken not to verify.
    #[test]
    fn a_gap_empties_the_rest_of_the_flow_too() {
        use super::rest_verifies;
        assert!(rest_verifies((4, 10), 0.8));
        assert!(!rest_verifies((3, 10), 0.8));
        assert!(!rest_verifies((0, 40), 0.8));
        assert!(!rest_verifies((2, 2), 0.8), "1.6 codes expected: too few to tell");
    }

    /// A tenant under a day old: its window against the mean hour of the hours it has seen.
    #[test]
    fn a_young_tenants_volume_is_ordinary_at_its_mean_hour_and_not_at_three_times_it() {
        use super::{volume_send, young_volume_ordinary};
        use crate::state::Volume;
        let cfg = Config::default();
        const H: i64 = 3_600_000;
        let hours = |n: i64, per_hour: i64, from: i64| {
            let mut v = Volume {
                last: 0,
                window: Default::default(),
                hour: 0,
                hour_count: 0,
                hours_seen: 0,
                hod: [0.0; 24],
            };
            for h in 0..n {
                for k in 0..per_hour {
                    volume_send(&cfg, &mut v, from + h * H + k * H / per_hour);
                }
            }
            v
        };
        let t0 = 1_000 * H;
        // Two hours seen: too young to tell.
        let v = hours(3, 30, t0);
        assert!(!young_volume_ordinary(&cfg, &v, t0 + 3 * H - 1));
        // Six hours at 30 an hour, then the seventh at 30: ordinary.
        let mut v = hours(7, 30, t0);
        assert!(young_volume_ordinary(&cfg, &v, t0 + 7 * H - 1));
        // The same six hours, then 90 in the seventh's first half hour: not ordinary.
        v = hours(6, 30, t0);
        for k in 0..90 {
            volume_send(&cfg, &mut v, t0 + 6 * H + k * 20_000);
        }
        assert!(!young_volume_ordinary(&cfg, &v, t0 + 6 * H + 1_800_000));
    }

    /// A flow under `flow_min_history` sends: the tenant's rate, borrowed, until 10 of its
    /// own sends are verified; then its own baseline, its verified sends shrunk toward the
    /// tenant's rate, which an attack's unverified sends lower only a little.
    #[test]
    fn a_young_flow_that_verified_codes_has_its_own_baseline() {
        use super::{flow_conversion, FlowConversion};
        use crate::state::{Decayed, LONG_RUN};
        let cfg = Config::default();
        let now = 1_000_000_000_000;
        let mut t = crate::engine::empty_tenant_for_tests();
        (t.conversions, t.conv_num, t.conv_den) = (800, 800.0, 1000.0);
        let flow = |sends: u32, verified: u32| {
            let (mut s, mut v) = (Decayed::default(), Decayed::default());
            s.add(now, sends as f32, LONG_RUN);
            v.add(now, verified as f32, LONG_RUN);
            crate::state::Flow {
                hash: 7,
                long_run: s,
                verified: v,
                ..Default::default()
            }
        };
        let judged = |t: &crate::state::Tenant, cfg: &Config| flow_conversion(cfg, t, Some(7), now);
        t.workflows = vec![flow(26, 9)];
        assert_eq!(
            judged(&t, &cfg),
            FlowConversion::Borrowed(0.8),
            "9 verified: not yet"
        );
        t.workflows = vec![flow(26, 20)];
        let FlowConversion::Rate(r) = judged(&t, &cfg) else {
            panic!("20 verified: its own")
        };
        assert!((r - 100.0 / 126.0).abs() < 1e-3, "{r}");
        // 24 unverified resets on top: still two thirds.
        t.workflows = vec![flow(50, 20)];
        let FlowConversion::Rate(r) = judged(&t, &cfg) else {
            panic!("still its own")
        };
        assert!((r - 100.0 / 150.0).abs() < 1e-3, "{r}");
        // A flow that verified none (notifications in their first hours): borrowed, never
        // decisive; and with `flow_min_verified` 0, every young flow borrows.
        t.workflows = vec![flow(60, 0)];
        assert_eq!(judged(&t, &cfg), FlowConversion::Borrowed(0.8));
        let mut off = Config::default();
        off.signals.low_conversion.flow_min_verified = 0;
        t.workflows = vec![flow(26, 20)];
        assert_eq!(judged(&t, &off), FlowConversion::Borrowed(0.8));
        // From `flow_min_history` sends, its own long-run rate as before.
        t.workflows = vec![flow(100, 50)];
        assert_eq!(judged(&t, &cfg), FlowConversion::Rate(0.5));
    }

    #[test]
    fn a_gap_leaves_the_rest_of_the_flow_sending() {
        use super::{poisson_shortfall, rest_still_sends};
        // 20 sends expected outside the country: 12 is chance; 9 (3.8 nats) is improbable, but
        // over a quarter of an estimate that is rough by a factor of two; 4 (9.6 nats) and none
        // have stopped.
        assert!(rest_still_sends(12, 20.0));
        assert!((poisson_shortfall(9.0, 20.0) - 3.81).abs() < 0.01);
        assert!(rest_still_sends(9, 20.0));
        assert!(!rest_still_sends(4, 20.0));
        assert!(!rest_still_sends(0, 20.0));
        // 6 expected: 2 is chance (1.8 nats), 1 is not (3.2 nats).
        assert!(rest_still_sends(2, 6.0));
        assert!(!rest_still_sends(1, 6.0));
        // Too few expected to tell: taken to send.
        assert!(rest_still_sends(0, 3.0));
        assert_eq!(poisson_shortfall(25.0, 20.0), 0.0);
    }

    #[test]
    fn excess_evidence_needs_extra_sends() {
        // Nothing verified at the key's usual volume (a logging gap, a carrier outage): no
        // evidence, however strong the binomial shortfall.
        for (n, p) in [(10.0, 0.8), (40.0, 0.6), (200.0, 0.95), (12.0, 0.99)] {
            assert_eq!(excess_llr(0.0, n, p, n), 0.0, "n {n} p {p}");
        }
        // Twice the usual volume, the usual sends verifying and the extra ones not: evidence;
        // more extra sends, more.
        let two = excess_llr(16.0, 40.0, 0.8, 20.0);
        let four = excess_llr(16.0, 80.0, 0.8, 20.0);
        assert!(two > 5.0 && four > 3.0 * two, "{two} {four}");
        // Nothing verified at up to four times the usual: the usual sends do not verify either,
        // and the volume says nothing (`usual_unverified`); beyond, the extra sends are most of
        // them, and nothing verified is strong evidence.
        assert_eq!(excess_llr(0.0, 40.0, 0.8, 20.0), 0.0);
        assert_eq!(excess_llr(0.0, 80.0, 0.8, 20.0), 0.0);
        assert!(excess_llr(0.0, 100.0, 0.8, 20.0) > 10.0);
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
