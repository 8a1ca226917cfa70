//! Adjacent numbers: many numbers of one range within a window.

use super::*;

/// Updates a range with a send and reports `adjacent_numbers`: distinct numbers of the range
/// within the time window, or within `slow` (a longer window, for a range of a block new to a
/// flow whose conversion cannot be judged: `fresh_block.slow_window_secs`). `busy`, asked once
/// the range reaches the threshold: for a block carrying an ordinary share of its flow's window,
/// its sends in the window and its number of ranges.
pub fn adjacent(
    cfg: &Config,
    r: &mut Range,
    s: &Send,
    slow: Option<Millis>,
    busy: impl FnOnce() -> Option<(u32, f64)>,
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
    let wms = slow.unwrap_or(0).max(window_ms(cfg));
    let since = secs(now - wms);
    let n = r.seen.count_since(since);
    if n < a.min_distinct {
        return None;
    }
    // A block busy enough fills its ranges by chance: `n` numbers in one range is evidence only
    // when the block's own sends in the window (`busy`: the sends, and how many ranges the block
    // has) make it unlikely in any of its ranges (`RANGE_SURPRISE` nats).
    if let Some((sends, ranges)) = busy() {
        if chance_surprise(n, f64::from(sends) / ranges, ranges) < RANGE_SURPRISE {
            return None;
        }
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

/// Evidence (nats) an adjacency must carry against chance: one block-window in about 10,000.
pub const RANGE_SURPRISE: f64 = 9.2;

/// How surprising (nats) `n` or more distinct numbers in one range are when the block's sends
/// fall at random over its `ranges` ranges, `lambda` a range on average: −ln of the chance that
/// any of them gets that many (Poisson, union bound).
pub fn chance_surprise(n: u32, lambda: f64, ranges: f64) -> f64 {
    if lambda <= 0.0 {
        return f64::INFINITY;
    }
    // P(N >= n): the tail's terms, from n on, until they no longer count.
    let mut term = (-lambda).exp();
    for k in 1..=n {
        term *= lambda / f64::from(k);
    }
    let mut tail = 0.0;
    let mut k = n;
    while term > tail * 1e-12 && k < n + 200 {
        tail += term;
        k += 1;
        term *= lambda / f64::from(k);
    }
    -(tail * ranges.max(1.0)).min(1.0).ln()
}
