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

/// `profiles::may_have_profile`, the look at the bytes that lets a record through unparsed, is
/// checked against the parse it saves: whenever it says `false`, the record parses and `detect`
/// finds no profile. Over every line of the samples and fixtures, each also with its profile
/// keys renamed or escaped, cut short at many places, and with bytes replaced by JSON's special
/// characters at pseudo-random places.
#[test]
fn the_look_at_the_bytes_never_hides_a_record_that_has_a_profile() {
    use pumpguard::json::Obj;
    use pumpguard::profiles::{detect, may_have_profile};

    let root = env!("CARGO_MANIFEST_DIR");
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
