//! Snapshot restore: arbitrary bytes (seeded with real snapshots) never crash the engine, a
//! refused snapshot leaves it working, and an accepted one leaves state the engine can use.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

/// Records scored after the restore: they walk every map the snapshot filled.
const AFTER: [&str; 4] = [
    r#"{"event":"sms_sent","time":"2026-01-05T00:10:00Z","tenant":"acme","to":"+996555100017","ip":"203.0.113.9"}"#,
    r#"{"event":"sms_sent","time":"2026-01-05T00:10:01Z","tenant":"acme","to":"+447400123456","ip":"203.0.113.9","session_id":"s1"}"#,
    r#"{"event":"otp_verified","time":"2026-01-05T00:10:20Z","tenant":"acme","to":"+447400123456","session_id":"s1"}"#,
    r#"{"event":"sms_sent","time":"2026-01-06T00:10:01Z","tenant":"beta","to":"+996555100018","ip":"203.0.113.10"}"#,
];

fuzz_target!(|data: &[u8]| {
    let mut e = common::template().clone();
    let key = e.config().output_key.clone();
    let restored = e.restore(data).is_ok();
    let mut out = Vec::new();
    for record in AFTER {
        out.clear();
        let outcome = e.process(record.as_bytes(), None, &mut out);
        common::check_output(record.as_bytes(), &out, outcome.verdict().is_some(), &key);
    }
    assert!(e.state_bytes() <= e.config().limits.max_state_bytes);
    for i in e.incidents() {
        assert!(e.incident(&i.id).is_some());
    }
    if restored {
        let again = e.snapshot();
        let mut fresh = common::template().clone();
        fresh
            .restore(&again)
            .expect("a restored state snapshots and restores again");
    }
});
