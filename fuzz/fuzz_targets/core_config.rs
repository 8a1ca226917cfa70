//! Configuration: any bytes are either refused with reasons, or give an engine that scores.
#![no_main]

#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use pumpguard::{Config, Engine};

const RECORDS: [&str; 3] = [
    r#"{"event":"sms_sent","time":"2026-01-05T00:10:00Z","tenant":"acme","to":"+996555100017","ip":"203.0.113.9"}"#,
    r#"{"event":"otp_verified","time":"2026-01-05T00:10:20Z","tenant":"acme","to":"+996555100017"}"#,
    r#"{"MessageStatus":"sent","To":"+447400123456","AccountSid":"AC1"}"#,
];

fuzz_target!(|data: &[u8]| {
    let cfg = match Config::from_json(data) {
        Ok(c) => c,
        Err(e) => {
            assert!(!e.to_string().is_empty(), "a refusal says why");
            return;
        }
    };
    let Ok(mut e) = Engine::new(cfg) else {
        return;
    };
    let key = e.config().output_key.clone();
    let mut out = Vec::new();
    for record in RECORDS {
        out.clear();
        let outcome = e.process(record.as_bytes(), None, &mut out);
        common::check_output(record.as_bytes(), &out, outcome.verdict().is_some(), &key);
    }
});
