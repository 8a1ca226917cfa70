//! Adjacent numbers: many numbers of one range within a window.

use super::*;

/// Updates a range with a send and reports `adjacent_numbers`: distinct numbers of the range
/// within the time window, or within `slow` (a longer window, for a range of a block new to a
/// flow whose conversion cannot be judged: `fresh_block.slow_window_secs`).
pub fn adjacent(
    cfg: &Config,
    r: &mut Range,
    s: &Send,
    slow: Option<Millis>,
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
