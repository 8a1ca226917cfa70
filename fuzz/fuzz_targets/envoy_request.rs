//! The Envoy filter's request path without Envoy: headers, `json_to_metadata` values and the
//! downstream address (all client-controlled) → route → facts → record → engine → decision,
//! with two workers sharing events through the shared-data ring. The glue in `filter.rs` only
//! moves these values between host calls and these functions.
#![no_main]

#[path = "common.rs"]
mod common;

use std::collections::HashMap;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use pumpguard::Engine;
use pumpguard_envoy::config::{self, Mode, PluginConfig};
use pumpguard_envoy::policy::{self, Decision, RequestView, RouteKind};
use pumpguard_envoy::ring::{MemStore, Ring};

#[derive(Arbitrary, Debug)]
struct Request {
    worker: bool,
    method: String,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    metadata: Vec<(String, Vec<u8>)>,
    source: Option<Vec<u8>>,
    /// Milliseconds since the previous request.
    after_ms: u16,
    /// The upstream's status, for verify routes.
    status: u16,
}

#[derive(Arbitrary, Debug)]
struct Input {
    enforce: bool,
    tenant_header: bool,
    ip_header: bool,
    requests: Vec<Request>,
}

impl RequestView for Request {
    fn header(&self, name: &str) -> Option<Vec<u8>> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
    fn metadata(&self, _namespace: &str, key: &str) -> Option<Vec<u8>> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }
    fn source_address(&self) -> Option<Vec<u8>> {
        self.source.clone()
    }
}

/// Built once, cloned per worker and input (building parses the data tables).
fn template() -> &'static Engine {
    static T: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();
    T.get_or_init(|| Engine::new(pumpguard::Config::default()).expect("engine"))
}

fn plugin(input: &Input) -> PluginConfig {
    let mut json = String::from(
        r#"{"routes":[{"path":"/api/signup","method":"POST","workflow":"signup"},{"prefix":"/api/otp/"}],
           "verify_routes":[{"prefix":"/api/verify"}],"throttle":{"interval_secs":1,"slots":8},
           "replication":{"ring_slots":16,"max_catch_up":8}"#,
    );
    json.push_str(if input.enforce { r#","mode":"enforce""# } else { r#","mode":"monitor""# });
    if input.tenant_header {
        json.push_str(r#","tenant_header":"x-tenant""#);
    }
    if input.ip_header {
        json.push_str(r#","client_ip_header":"x-forwarded-for""#);
    }
    json.push('}');
    config::load(json.as_bytes()).expect("fuzz plugin configuration").plugin
}

/// One event as `Worker::record` handles it: published to the ring before it is scored, then
/// marked seen; the output checked against the contract.
fn record_event(
    engine: &mut Engine,
    ring: &mut Ring,
    store: &MemStore,
    record: &[u8],
    now: i64,
    out: &mut Vec<u8>,
) -> pumpguard::Outcome {
    let seq = ring.publish(store, record);
    out.clear();
    let outcome = engine.process(record, Some(now), out);
    common::check_output(record, out, outcome.verdict().is_some(), "pumpguard");
    if let Some(seq) = seq {
        ring.seen(seq);
    }
    outcome
}

fn header_safe(v: &str) -> bool {
    v.len() <= 1024 && v.bytes().all(|b| b == b' ' || b.is_ascii_graphic())
}

fn check_decision(d: &Decision) {
    let headers = match d {
        Decision::Forward(h) => h,
        Decision::Reject { headers, body } => {
            assert!(common::valid_json(body));
            headers
        }
    };
    for (k, v) in headers {
        assert!(k.bytes().all(|b| b == b'-' || b.is_ascii_lowercase()), "header name {k}");
        assert!(header_safe(v), "header value {v:?}");
    }
}

fuzz_target!(|input: Input| {
    let cfg = plugin(&input);
    let store = MemStore::default();
    let mut workers: Vec<(Engine, Ring)> = (0..2u32)
        .map(|i| {
            let engine = template().clone();
            (engine, Ring::join(&store, 16, 8, i))
        })
        .collect();
    let mut throttle: HashMap<u32, i64> = HashMap::new();
    let mut now: i64 = 1_767_571_200_000;
    let mut out = Vec::new();
    for req in input.requests.iter().take(64) {
        now += i64::from(req.after_ms);
        for (name, _) in &req.headers {
            let _ = policy::is_own_header(name.as_bytes());
        }
        let (engine, ring) = &mut workers[usize::from(req.worker)];
        // Replay the other worker's events first, as the filter does.
        ring.catch_up(&store, |event| {
            out.clear();
            engine.process(event, Some(now), &mut out);
        });
        match policy::classify(&cfg, &req.method, &req.path) {
            RouteKind::Sms(workflow) => {
                let facts = policy::facts(&cfg, req, workflow.as_ref(), now);
                let record = policy::sms_record(&facts);
                assert!(record.len() < 4096, "a request's record is bounded");
                let outcome = record_event(engine, ring, &store, &record, now, &mut out);
                if let Some(v) = outcome.verdict() {
                    assert!(common::valid_json(policy::log_line(v, &facts).as_bytes()));
                }
                let mode = cfg.mode;
                let d = policy::decide(mode, &outcome, cfg.retry_after_secs, |v| {
                    let slot = policy::slot(&policy::throttle_key(v), cfg.throttle.slots);
                    let pass = policy::throttle_passes(
                        throttle.get(&slot).copied(),
                        now,
                        i64::from(cfg.throttle.interval_secs) * 1000,
                    );
                    if pass {
                        throttle.insert(slot, now);
                    }
                    pass
                });
                if mode == Mode::Monitor {
                    assert!(matches!(d, Decision::Forward(_)), "monitor never refuses");
                }
                check_decision(&d);
            }
            RouteKind::Verify if (200..300).contains(&req.status) => {
                let facts = policy::facts(&cfg, req, None, now);
                let record = policy::conversion_record(&facts);
                record_event(engine, ring, &store, &record, now, &mut out);
            }
            _ => {}
        }
    }
    // The shared-data key set stays bounded: the ring's slots and its two counters.
    assert!(store.0.borrow().len() <= 16 + 2);
});
