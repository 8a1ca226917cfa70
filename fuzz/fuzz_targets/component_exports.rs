//! The component's exports (`wit/pumpguard.wit`), called natively in any order with any
//! arguments: `configure`, `score`, `score-batch`, `snapshot`, `restore`, `incidents`,
//! `incident`, `version`. The canonical-ABI glue around them is wit-bindgen's, and the tests run
//! the built component in wasmtime; this covers what the exports do with what they are given.
#![no_main]

#[path = "common.rs"]
mod common;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
#[path = "../../component/src/lib.rs"]
mod component;

use component::{Component, Guest, Scored, WitOutcome};

#[derive(Arbitrary, Debug)]
enum Call {
    Configure(String),
    Score(Vec<u8>, Option<i64>),
    ScoreBatch(Vec<Vec<u8>>, Option<i64>),
    /// Restores a snapshot taken now, with one byte flipped (`None`: unchanged).
    RestoreOwn(Option<(u16, u8)>),
    Restore(Vec<u8>),
    Incidents,
    Incident(String),
    Version,
}

fn check(record: &[u8], s: &Scored) {
    let has_verdict = matches!(s.outcome, WitOutcome::Scored | WitOutcome::Unscored);
    common::check_output(record, &s.output, has_verdict, "pumpguard");
    assert!(!s.alert || s.incident.is_some(), "an alert names its incident");
}

fuzz_target!(|calls: Vec<Call>| {
    // Each input starts from a fresh default engine.
    Component::configure(String::new()).expect("defaults");
    let mut configured = true;
    for call in calls.into_iter().take(32) {
        match call {
            Call::Configure(json) => {
                if let Err(problems) = Component::configure(json) {
                    assert!(!problems.is_empty(), "a refusal lists its problems");
                } else {
                    // The output key may be anything now; record checks assume the default.
                    configured = false;
                }
            }
            Call::Score(record, t) => {
                let s = Component::score(record.clone(), t);
                if configured {
                    check(&record, &s);
                }
            }
            Call::ScoreBatch(records, t) => {
                let records: Vec<_> = records.into_iter().take(16).collect();
                let out = Component::score_batch(records.clone(), t);
                assert_eq!(out.len(), records.len(), "one output per input");
                if configured {
                    for (r, s) in records.iter().zip(&out) {
                        check(r, s);
                    }
                }
            }
            Call::RestoreOwn(flip) => {
                let mut snap = Component::snapshot();
                let intact = flip.is_none_or(|(at, x)| snap.is_empty() || x == 0 || {
                    let i = usize::from(at) % snap.len();
                    snap[i] ^= x;
                    false
                });
                let r = Component::restore(snap);
                if intact {
                    r.expect("an unchanged snapshot restores");
                }
            }
            Call::Restore(bytes) => {
                if let Err(e) = Component::restore(bytes) {
                    assert!(!e.is_empty());
                }
            }
            Call::Incidents => {
                let list = Component::incidents();
                let v: serde_json::Value = serde_json::from_str(&list).expect("incidents JSON");
                for i in v.as_array().expect("array") {
                    let id = i["id"].as_str().expect("id").to_owned();
                    let one = Component::incident(id).expect("a listed incident is found");
                    assert!(common::valid_json(one.as_bytes()));
                }
            }
            Call::Incident(id) => {
                if let Some(one) = Component::incident(id) {
                    assert!(common::valid_json(one.as_bytes()));
                }
            }
            Call::Version => assert!(Component::version().starts_with("pumpguard/")),
        }
    }
});
