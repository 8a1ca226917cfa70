//! Shared-state import: arbitrary bytes (seeded with real exports; under `cfg(fuzzing)` the
//! checksum is skipped so the decoder and the checks behind it are reached) never crash the
//! engine, a refused import changes nothing, and an accepted one leaves state the engine can
//! score with, snapshot and export.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

/// Records scored after the import: a block the peer may have counted, across two tenants.
const AFTER: [&str; 3] = [
    r#"{"event":"sms_sent","time":"2026-01-05T00:10:00Z","tenant":"acme","to":"+996555100017","ip":"203.0.113.9"}"#,
    r#"{"event":"sms_sent","time":"2026-01-05T00:10:01Z","tenant":"beta","to":"+996555100018","ip":"203.0.113.10"}"#,
    r#"{"event":"otp_verified","time":"2026-01-05T00:10:20Z","tenant":"acme","to":"+996555100017"}"#,
];

fuzz_target!(|data: &[u8]| {
    let mut e = common::template().clone();
    let key = e.config().output_key.clone();
    let before = e.snapshot();
    match e.import_shared(data) {
        Err(_) => assert!(e.snapshot() == before, "a refused import changes nothing"),
        Ok(_) => assert!(e.shared_peers().len() <= e.config().limits.shared_peers),
    }
    let mut out = Vec::new();
    for record in AFTER {
        out.clear();
        let outcome = e.process(record.as_bytes(), None, &mut out);
        common::check_output(record.as_bytes(), &out, outcome.verdict().is_some(), &key);
    }
    assert!(e.state_bytes() <= e.config().limits.max_state_bytes);
    let again = e.snapshot();
    let mut fresh = common::template().clone();
    fresh
        .restore(&again)
        .expect("a state with imports snapshots and restores again");
    let export = e.export_shared("fuzz").expect("export");
    let mut peer = common::template().clone();
    peer.import_shared(&export)
        .expect("an export of this configuration imports");
});
