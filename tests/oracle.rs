//! Naive reference implementations (straight-line, obviously right) as oracles for the
//! optimised state primitives, compared on pseudo-random operation sequences.

use std::collections::HashMap;

use pumpguard::state::{Aged, BoundedMap, Decayed, Recent};

use crate::support::Rng;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct V(i64);

impl Aged for V {
    fn last_seen(&self) -> i64 {
        self.0
    }
}

#[test]
fn bounded_map_agrees_with_a_hash_map_below_capacity_and_stays_consistent_above_it() {
    let mut r = Rng(77);
    for cap in [16usize, 100, 1000] {
        let mut fast: BoundedMap<V> = BoundedMap::new(cap);
        let mut naive: HashMap<u64, V> = HashMap::new();
        let keyspace = (cap as u64) * 3;
        for step in 0..20_000i64 {
            let k = (1 + r.below(keyspace)).wrapping_mul(0x9E37_79B9_7F4A_7C15); // keys are nonzero hashes
            match r.below(4) {
                0 => {
                    assert_eq!(fast.remove(k).is_some(), naive.remove(&k).is_some());
                }
                _ => {
                    let before = fast.len();
                    let present = fast.get(k).is_some();
                    *fast.entry(k, || V(step)) = V(step);
                    if present || before < cap {
                        // No eviction: exactly the naive map's behaviour.
                        naive.insert(k, V(step));
                    } else {
                        // One eviction: the victim is gone from both.
                        naive.insert(k, V(step));
                        naive.retain(|key, _| fast.get(*key).is_some());
                    }
                }
            }
            assert!(fast.len() <= cap);
            assert_eq!(fast.len(), naive.len(), "cap {cap} step {step}");
            if step % 997 == 0 {
                for (k, v) in &naive {
                    assert_eq!(fast.get(*k), Some(v));
                }
                for (k, v) in fast.iter() {
                    assert_eq!(naive.get(&k), Some(v));
                }
            }
        }
    }
}

#[test]
fn decayed_counter_equals_the_sum_of_decayed_events() {
    let mut r = Rng(78);
    let half_life = 900_000i64;
    let mut d = Decayed::default();
    let mut events: Vec<(i64, f32)> = Vec::new();
    let mut now = 1_000_000i64;
    for _ in 0..2_000 {
        now += r.below(120_000) as i64;
        let x = 1.0 + r.below(3) as f32;
        d.add(now, x, half_life);
        events.push((now, x));
        let probe = now + r.below(600_000) as i64;
        let naive: f64 = events
            .iter()
            .map(|(t, x)| f64::from(*x) * 0.5f64.powf((probe - t) as f64 / half_life as f64))
            .sum();
        let fast = f64::from(d.get(probe, half_life));
        assert!(
            (fast - naive).abs() <= 1e-3 * naive.max(1.0),
            "fast {fast} naive {naive}"
        );
    }
}

#[test]
fn recent_counts_distinct_values_like_a_list_while_it_has_room() {
    let mut r = Rng(79);
    for _ in 0..200 {
        let mut fast: Recent<16> = Recent::default();
        let mut naive: Vec<(u32, u32)> = Vec::new();
        let mut t = 1_000u32;
        for _ in 0..40 {
            t += r.below(60) as u32;
            let v = r.below(12) as u32; // at most 12 distinct values: never more than 16 slots
            fast.see(v, t);
            match naive.iter_mut().find(|(x, _)| *x == v) {
                Some(e) => e.1 = e.1.max(t),
                None => naive.push((v, t)),
            }
            let since = t.saturating_sub(r.below(900) as u32);
            let expected = naive.iter().filter(|(_, s)| *s >= since).count() as u32;
            assert_eq!(fast.count_since(since), expected);
        }
    }
}
