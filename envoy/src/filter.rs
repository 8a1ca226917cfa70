//! The proxy-wasm glue: Envoy's callbacks, headers, metadata, shared data and metrics. Every
//! decision is made in `policy`, every count in the engine; host calls that fail are treated as
//! "absent", never unwrapped.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::UNIX_EPOCH;

use proxy_wasm::hostcalls;
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, ContextType, LogLevel, MapType, MetricType};

use pumpguard::{Engine, Level, Outcome};

use crate::config::{self, PluginConfig};
use crate::policy::{self, Decision, Facts, RequestView, RouteKind};
use crate::ring::{Ring, SharedStore};

proxy_wasm::main! {{
    proxy_wasm::set_log_level(LogLevel::Info);
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root::default()) });
}}

/// Envoy's shared data (scoped by the VM id).
struct Shared;

impl SharedStore for Shared {
    fn get(&self, key: &str) -> (Option<Vec<u8>>, Option<u32>) {
        hostcalls::get_shared_data(key).unwrap_or((None, None))
    }
    fn set(&self, key: &str, value: &[u8], cas: Option<u32>) -> bool {
        hostcalls::set_shared_data(key, Some(value), cas).is_ok()
    }
}

/// Counters, summed over workers by Envoy and shown as `wasmcustom.pumpguard.*`.
#[derive(Default)]
struct Metrics {
    scored: u32,
    blocked: u32,
    throttled: u32,
    alerts: u32,
    conversions: u32,
    replayed: u32,
    ring_skipped: u32,
    levels: [u32; 6],
}

const LEVELS: [Level; 6] = [
    Level::None,
    Level::Low,
    Level::Medium,
    Level::High,
    Level::Critical,
    Level::Unknown,
];

impl Metrics {
    fn define() -> Metrics {
        let m = |name: &str| {
            hostcalls::define_metric(MetricType::Counter, &format!("pumpguard.{name}")).unwrap_or(0)
        };
        let mut levels = [0; 6];
        for (slot, level) in levels.iter_mut().zip(LEVELS) {
            *slot = m(&format!("level.{}", level.as_str()));
        }
        Metrics {
            scored: m("scored"),
            blocked: m("blocked"),
            throttled: m("throttled"),
            alerts: m("alerts"),
            conversions: m("conversions"),
            replayed: m("replayed"),
            ring_skipped: m("ring_skipped"),
            levels,
        }
    }

    fn add(id: u32, n: u64) {
        if id != 0 && n > 0 {
            let _ = hostcalls::increment_metric(id, i64::try_from(n).unwrap_or(i64::MAX));
        }
    }
}

/// One VM's state: the configuration, the engine, its view of the shared ring.
struct Worker {
    cfg: PluginConfig,
    engine: Engine,
    ring: Ring,
    metrics: Metrics,
}

impl Worker {
    /// Replays what other workers saw since the last request.
    fn catch_up(&mut self, now: i64) {
        let engine = &mut self.engine;
        let done = self.ring.catch_up(&Shared, |event| {
            engine.score(event, Some(now));
        });
        Metrics::add(self.metrics.replayed, done.replayed);
        Metrics::add(self.metrics.ring_skipped, done.skipped);
    }

    /// Publishes one event and scores it here.
    fn record(&mut self, event: &[u8], now: i64) -> Outcome {
        self.catch_up(now);
        let seq = self.ring.publish(&Shared, event);
        let outcome = self.engine.score(event, Some(now));
        if let Some(seq) = seq {
            self.ring.seen(seq);
        }
        outcome
    }

    /// Whether a `throttle` verdict's key may send now (one per interval, across workers).
    fn throttle_allows(&self, v: &pumpguard::Verdict, now: i64) -> bool {
        let t = &self.cfg.throttle;
        let key = format!(
            "pumpguard.throttle.{}",
            policy::slot(&policy::throttle_key(v), t.slots)
        );
        let (last, cas) = Shared.get(&key);
        let last = last
            .as_deref()
            .and_then(|b| b.get(..8))
            .and_then(|b| b.try_into().ok())
            .map(i64::from_le_bytes);
        let interval = i64::from(t.interval_secs) * 1000;
        // A lost race means another worker just let one through: refuse this one.
        policy::throttle_passes(last, now, interval) && Shared.set(&key, &now.to_le_bytes(), cas)
    }
}

fn now_ms() -> i64 {
    hostcalls::get_current_time()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn log(level: LogLevel, message: &str) {
    let _ = hostcalls::log(level, message);
}

#[derive(Default)]
struct Root {
    worker: Option<Rc<RefCell<Worker>>>,
}

impl Context for Root {}

impl RootContext for Root {
    fn on_configure(&mut self, _size: usize) -> bool {
        let bytes = hostcalls::get_buffer(proxy_wasm::types::BufferType::PluginConfiguration, 0, usize::MAX)
            .ok()
            .flatten()
            .unwrap_or_default();
        let loaded = match config::load(&bytes) {
            Ok(l) => l,
            Err(e) => {
                log(
                    LogLevel::Critical,
                    &format!("pumpguard: configuration refused: {e}"),
                );
                return false;
            }
        };
        let engine = match Engine::new(loaded.engine) {
            Ok(e) => e,
            Err(e) => {
                log(
                    LogLevel::Critical,
                    &format!("pumpguard: configuration refused: {e}"),
                );
                return false;
            }
        };
        let r = &loaded.plugin.replication;
        let salt = hostcalls::get_current_time()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let ring = Ring::join(&Shared, r.ring_slots, r.max_catch_up, salt);
        log(
            LogLevel::Info,
            &format!(
                "pumpguard {}: {:?} mode, {} SMS route(s), {} verify route(s), worker {:08x}",
                engine.model(),
                loaded.plugin.mode,
                loaded.plugin.routes.len(),
                loaded.plugin.verify_routes.len(),
                ring.worker
            ),
        );
        self.worker = Some(Rc::new(RefCell::new(Worker {
            cfg: loaded.plugin,
            engine,
            ring,
            metrics: Metrics::define(),
        })));
        true
    }

    fn create_http_context(&self, _context_id: u32) -> Option<Box<dyn HttpContext>> {
        // proxy-wasm traps on `None`: an unconfigured root (its configuration was refused, so
        // Envoy should never ask) passes requests through rather than killing the VM.
        Some(match self.worker.clone() {
            Some(worker) => Box::new(Http { worker, verify: None }),
            None => Box::new(PassThrough),
        })
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// Requests on a VM whose configuration was refused: untouched.
struct PassThrough;

impl Context for PassThrough {}

impl HttpContext for PassThrough {}

struct Http {
    worker: Rc<RefCell<Worker>>,
    /// A verify request waiting for its answer.
    verify: Option<Facts>,
}

impl Context for Http {}

fn request_header(name: &str) -> Option<String> {
    hostcalls::get_map_value(MapType::HttpRequestHeaders, name)
        .ok()
        .flatten()
}

/// The request as Envoy's host calls show it.
struct Host;

impl RequestView for Host {
    fn header(&self, name: &str) -> Option<Vec<u8>> {
        hostcalls::get_map_value_bytes(MapType::HttpRequestHeaders, name)
            .ok()
            .flatten()
    }

    fn metadata(&self, namespace: &str, key: &str) -> Option<Vec<u8>> {
        hostcalls::get_property(vec!["metadata", "filter_metadata", namespace, key])
            .ok()
            .flatten()
    }

    fn source_address(&self) -> Option<Vec<u8>> {
        hostcalls::get_property(vec!["source", "address"]).ok().flatten()
    }
}

impl Http {
    fn score_request(&mut self, workflow: Option<String>) -> Action {
        let mut w = self.worker.borrow_mut();
        let now = now_ms();
        let facts = policy::facts(&w.cfg, &Host, workflow.as_ref(), now);
        let outcome = w.record(&policy::sms_record(&facts), now);
        if let Some(v) = outcome.verdict() {
            Metrics::add(w.metrics.scored, 1);
            if let Some(i) = LEVELS.iter().position(|l| *l == v.level) {
                Metrics::add(w.metrics.levels[i], 1);
            }
            if v.alert {
                Metrics::add(w.metrics.alerts, 1);
            }
            if v.alert || v.level >= Level::Medium {
                let line = policy::log_line(v, &facts);
                log(LogLevel::Warn, &line);
            }
        }
        let mode = w.cfg.mode;
        let retry = w.cfg.retry_after_secs;
        let decision = policy::decide(mode, &outcome, retry, |v| w.throttle_allows(v, now));
        match decision {
            Decision::Forward(headers) => {
                for (k, v) in headers {
                    let _ = hostcalls::set_map_value(MapType::HttpRequestHeaders, k, Some(&v));
                }
                Action::Continue
            }
            Decision::Reject { headers, body } => {
                let throttled = outcome
                    .verdict()
                    .is_some_and(|v| v.action == pumpguard::Action::Throttle);
                let metric = if throttled {
                    w.metrics.throttled
                } else {
                    w.metrics.blocked
                };
                Metrics::add(metric, 1);
                let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let _ = hostcalls::send_http_response(429, pairs, Some(&body));
                Action::Pause
            }
        }
    }
}

impl HttpContext for Http {
    fn on_http_request_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        #[cfg(feature = "fault-injection")]
        if request_header("x-pumpguard-fault").as_deref() == Some("trap") {
            core::arch::wasm32::unreachable();
        }
        // Nobody but pumpguard sets pumpguard's headers.
        if let Ok(headers) = hostcalls::get_map_bytes(MapType::HttpRequestHeaders) {
            for (name, _) in headers {
                if policy::is_own_header(name.as_bytes()) {
                    let _ = hostcalls::remove_map_value(MapType::HttpRequestHeaders, &name);
                }
            }
        }
        let method = request_header(":method").unwrap_or_default();
        let path = request_header(":path").unwrap_or_default();
        let kind = policy::classify(&self.worker.borrow().cfg, &method, &path);
        match kind {
            RouteKind::Sms(workflow) => self.score_request(workflow),
            RouteKind::Verify => {
                let w = self.worker.borrow();
                self.verify = Some(policy::facts(&w.cfg, &Host, None, now_ms()));
                Action::Continue
            }
            RouteKind::Other => Action::Continue,
        }
    }

    fn on_http_response_headers(&mut self, _num_headers: usize, _end_of_stream: bool) -> Action {
        let Some(mut facts) = self.verify.take() else {
            return Action::Continue;
        };
        let status = hostcalls::get_map_value(MapType::HttpResponseHeaders, ":status")
            .ok()
            .flatten()
            .and_then(|s| s.parse::<u16>().ok())
            .unwrap_or(0);
        if (200..300).contains(&status) {
            let mut w = self.worker.borrow_mut();
            let now = now_ms();
            facts.time_ms = now;
            w.record(&policy::conversion_record(&facts), now);
            Metrics::add(w.metrics.conversions, 1);
        }
        Action::Continue
    }
}
