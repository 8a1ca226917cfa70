//! Naive reference implementations (straight-line, obviously right) as oracles for the
//! optimised state primitives, compared on operation sequences drawn by `proptest`: a failure
//! shrinks to the shortest sequence that still disagrees.

use std::collections::HashMap;

use proptest::prelude::*;
use pumpguard::state::{Aged, BoundedMap, Decayed, Recent};

use crate::support::Rng;

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct V(i64);

impl Aged for V {
    fn last_seen(&self) -> i64 {
        self.0
    }
}

/// One operation on a map: remove, or insert / refresh (three times as likely), of a key drawn
/// from a space three times the capacity, so the map spends most of a run full and evicting.
#[derive(Clone, Copy, Debug)]
enum MapOp {
    Remove(u64),
    Upsert(u64),
}

fn map_ops(cap: usize, len: usize) -> impl Strategy<Value = Vec<MapOp>> {
    let keyspace = cap as u64 * 3;
    prop::collection::vec(
        prop_oneof![
            1 => (1..=keyspace).prop_map(MapOp::Remove),
            3 => (1..=keyspace).prop_map(MapOp::Upsert),
        ],
        1..len,
    )
}

/// Keys are nonzero hashes: spread the small integers the strategies draw.
fn key(k: u64) -> u64 {
    k.wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Below capacity the map is a hash map; full, each insert of a new key evicts exactly one
    /// other entry, and what remains agrees with the hash map it is checked against.
    #[test]
    fn bounded_map_agrees_with_a_hash_map_below_capacity_and_stays_consistent_above_it(
        (cap, ops) in prop_oneof![Just(16usize), Just(100usize)]
            .prop_flat_map(|cap| (Just(cap), map_ops(cap, 3_000)))
    ) {
        let mut fast: BoundedMap<V> = BoundedMap::new(cap);
        let mut naive: HashMap<u64, V> = HashMap::new();
        for (step, op) in ops.iter().enumerate() {
            let step = step as i64;
            match *op {
                MapOp::Remove(k) => {
                    prop_assert_eq!(fast.remove(key(k)).is_some(), naive.remove(&key(k)).is_some());
                }
                MapOp::Upsert(k) => {
                    let k = key(k);
                    let before = fast.len();
                    let present = fast.get(k).is_some();
                    *fast.entry(k, || V(step)) = V(step);
                    naive.insert(k, V(step));
                    if !present && before == cap {
                        // One eviction: the victim is gone from both, and only one went.
                        prop_assert_eq!(naive.len(), cap + 1);
                        naive.retain(|key, _| fast.get(*key).is_some());
                        prop_assert!(naive.contains_key(&k), "the new key was evicted");
                    }
                }
            }
            prop_assert!(fast.len() <= cap);
            prop_assert_eq!(fast.len(), naive.len(), "step {}", step);
        }
        for (k, v) in &naive {
            prop_assert_eq!(fast.get(*k), Some(v));
        }
        for (k, v) in fast.iter() {
            prop_assert_eq!(naive.get(&k), Some(v));
        }
    }

    /// The decayed counter equals the sum of its events, each halved per half-life since it
    /// happened, at any later time.
    #[test]
    fn decayed_counter_equals_the_sum_of_decayed_events(
        events in prop::collection::vec((0i64..120_000, 1u8..=3, 0i64..600_000), 1..400)
    ) {
        let half_life = 900_000i64;
        let mut d = Decayed::default();
        let mut seen: Vec<(i64, f32)> = Vec::new();
        let mut now = 1_000_000i64;
        for (dt, x, ahead) in events {
            now += dt;
            d.add(now, f32::from(x), half_life);
            seen.push((now, f32::from(x)));
            let probe = now + ahead;
            let naive: f64 = seen
                .iter()
                .map(|(t, x)| f64::from(*x) * 0.5f64.powf((probe - t) as f64 / half_life as f64))
                .sum();
            let fast = f64::from(d.get(probe, half_life));
            prop_assert!((fast - naive).abs() <= 1e-3 * naive.max(1.0), "fast {} naive {}", fast, naive);
        }
    }

    /// While it has room (at most 12 distinct values in 16 slots), the recent set counts the
    /// distinct values seen since a time exactly as a list of (value, last seen) does.
    #[test]
    fn recent_counts_distinct_values_like_a_list_while_it_has_room(
        sees in prop::collection::vec((0u32..60, 0u32..12, 0u32..900), 1..60)
    ) {
        let mut fast: Recent<16> = Recent::default();
        let mut naive: Vec<(u32, u32)> = Vec::new();
        let mut t = 1_000u32;
        for (dt, v, back) in sees {
            t += dt;
            fast.see(v, t);
            match naive.iter_mut().find(|(x, _)| *x == v) {
                Some(e) => e.1 = e.1.max(t),
                None => naive.push((v, t)),
            }
            let since = t.saturating_sub(back);
            let expected = naive.iter().filter(|(_, s)| *s >= since).count() as u32;
            prop_assert_eq!(fast.count_since(since), expected);
        }
    }
}

/// `profiles::may_have_profile`, the look at the bytes that lets a record through unparsed, is
/// checked against the parse it saves: whenever it says `false`, the record parses and `detect`
/// finds no profile. Over every line of the samples and fixtures, each also with its profile
/// keys renamed or escaped, cut short at many places, and with bytes replaced by JSON's special
/// characters at pseudo-random places.
#[test]
fn the_look_at_the_bytes_never_hides_a_record_that_has_a_profile() {
    use pumpguard::json::Obj;
    use pumpguard::profiles::{detect, may_have_profile};

    let root = crate::support::root().display();
    let mut lines: Vec<String> = Vec::new();
    let mut files = vec![format!("{root}/samples/demo.ndjson")];
    for dir in [format!("{root}/tests/fixtures"), format!("{root}/samples")] {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "ndjson" || x == "json") {
                files.push(p.display().to_string());
            }
        }
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        lines.extend(
            text.lines()
                .filter(|l| l.starts_with('{'))
                .take(400)
                .map(str::to_owned),
        );
    }
    let keys = [
        "type",
        "Type",
        "sid",
        "source",
        "MessageSid",
        "SmsSid",
        "notification",
        "event",
        "eventType",
    ];
    let mut variants = Vec::new();
    for l in &lines {
        variants.push(l.clone());
        for k in keys {
            let quoted = format!("\"{k}\"");
            if l.contains(&quoted) {
                // The key spelt with an escape, renamed, and quoted inside a value.
                let escaped = format!("\"\\u{:04x}{}\"", k.as_bytes()[0], &k[1..]);
                variants.push(l.replacen(&quoted, &escaped, 1));
                variants.push(l.replacen(&quoted, &format!("\"x{k}\""), 1));
                variants.push(l.replacen(&quoted, &format!("\"{k}x\""), 1));
                variants.push(l.replacen(&quoted, &format!("\"{}\"", k.to_uppercase()), 1));
            }
        }
    }
    // Cut short, and with single bytes replaced (malformed records must go to the parse).
    let mut rng = Rng(0x5eed);
    let specials = b"\"\\{}[],:-0.en\x01 \t";
    let base: Vec<String> = variants.iter().step_by(7).cloned().collect();
    for v in &base {
        let bytes = v.as_bytes();
        for k in 1..8 {
            variants.push(String::from_utf8_lossy(&bytes[..bytes.len() * k / 8]).into_owned());
        }
        for _ in 0..6 {
            let mut m = bytes.to_vec();
            let at = rng.below(m.len() as u64) as usize;
            m[at] = specials[rng.below(specials.len() as u64) as usize];
            variants.push(String::from_utf8_lossy(&m).into_owned());
        }
    }
    // Records of no profile, as a shared pipeline carries them.
    let others = [
        r#"{"time":"2026-01-05T00:00:00Z","level":"info","msg":"request completed","http":{"status":200}}"#,
        r#"{"remote_addr":"198.51.100.7","request":"GET / HTTP/1.1","status":200,"http_user_agent":"curl/8"}"#,
        r#"{"msg":"say \"type\" here","path":"C:\\\\users\\\\x","n":1}"#,
        r#"{"types":"a","sources":["b"],"eventual":true,"Sid":"c","notifications":0}"#,
        r#" {"data":{"type":"nested, not top-level"},"list":[1,-2.5e3,0.0,true,false,null,[],{}]} "#,
        r#"{"msg":"grüße, 東京, 🙂","level":"info"}"#,
    ];
    variants.extend(others.iter().map(|s| s.to_string()));
    // Invalid UTF-8 inside a string of a record that would pass: the parse must decide.
    let mut bad: Vec<Vec<u8>> = Vec::new();
    for tail in [
        &b"\xff"[..],
        b"\xc3",
        b"\xe6\x9d",
        b"\xed\xa0\x80",
        b"\xc0\xaf",
        b"\xf5\x80\x80\x80",
    ] {
        let mut r = br#"{"msg":"abc"#.to_vec();
        r.extend_from_slice(tail);
        r.extend_from_slice(br#"def","level":"info"}"#);
        bad.push(r);
    }
    for r in &bad {
        assert!(may_have_profile(r), "invalid UTF-8 passed unread: {r:?}");
    }
    let mut looked = 0;
    let mut passed = 0;
    for v in &variants {
        looked += 1;
        if !may_have_profile(v.as_bytes()) {
            passed += 1;
            let o = Obj::parse(v.as_bytes()).unwrap_or_else(|e| panic!("passed unread, but {e}: {v}"));
            assert_eq!(detect(&o), None, "passed unread, but it has a profile: {v}");
        }
    }
    for o in others {
        assert!(!may_have_profile(o.as_bytes()), "{o}");
    }
    // The look lets the renamed-key variants and the records of no profile through: it is not
    // `true` for everything.
    assert!(passed >= 8 && looked > 1000, "{passed} of {looked} passed unread");
    eprintln!("{passed} of {looked} records passed unread");
}
