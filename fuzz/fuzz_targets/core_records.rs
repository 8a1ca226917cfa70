//! The core bytes path: `Engine::process` over a stream of records (one per line of the input),
//! with state carried from record to record, as every host calls it.
#![no_main]

#[path = "common.rs"]
mod common;

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pumpguard::{Config, Engine};

/// A small engine, so eviction runs within a few records; built once and cloned per input
/// (building parses the data tables, which would dominate every run).
fn template() -> &'static Engine {
    static T: OnceLock<Engine> = OnceLock::new();
    T.get_or_init(|| {
        let mut cfg = Config::default();
        let l = &mut cfg.limits;
        l.max_record_bytes = 64 << 10;
        (l.tenants, l.volume_keys, l.conversion_keys, l.ranges) = (16, 32, 32, 32);
        (l.sources, l.recent_sends, l.messages, l.incidents) = (32, 64, 64, 16);
        Engine::new(cfg).expect("small configuration")
    })
}

fuzz_target!(|data: &[u8]| {
    let mut e = template().clone();
    let key = e.config().output_key.clone();
    let mut out = Vec::new();
    // The first byte chooses the host's fallback time: none, or a fixed one.
    let fallback = match data.first() {
        Some(b) if b & 1 == 1 => Some(1_767_571_200_000 + i64::from(*b) * 1000),
        _ => None,
    };
    for record in common::lines(data) {
        out.clear();
        let outcome = e.process(record, fallback, &mut out);
        common::check_output(record, &out, outcome.verdict().is_some(), &key);
        assert!(e.state_bytes() <= e.config().limits.max_state_bytes);
    }
    // Whatever came before, the incidents and the snapshot are readable.
    for i in e.incidents() {
        assert!(e.incident(&i.id).is_some());
    }
    let snap = e.snapshot();
    let mut fresh = template().clone();
    fresh.restore(&snap).expect("a snapshot restores into the engine it came from");
});
