//! pumpguard as a WebAssembly component: the `pumpguard:scorer` world of `wit/`.
//!
//! A thin host adapter: it keeps one engine per instance and forwards every export to the core.
//! No scoring logic lives here.

use std::cell::RefCell;

use pumpguard::{Config, Engine, Outcome};

mod bindings {
    wit_bindgen::generate!({ path: "../wit", world: "pumpguard" });
}

pub use bindings::exports::pumpguard::scorer::scorer::{Guest, Outcome as WitOutcome, Scored};

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Runs `f` with the engine, creating a default one on first use. `None` only if no engine
/// can be built, in which case callers pass records through unchanged (never trap).
fn with_engine<R>(f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
    ENGINE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Engine::new(Config::default()).ok();
        }
        slot.as_mut().map(f)
    })
}

fn score_one(e: &mut Engine, record: &[u8], fallback_time_ms: Option<i64>) -> Scored {
    let mut output = Vec::with_capacity(record.len() + 512);
    let outcome = e.process(record, fallback_time_ms, &mut output);
    let verdict = outcome.verdict();
    Scored {
        outcome: match outcome {
            Outcome::Passed => WitOutcome::Passed,
            Outcome::Evidence => WitOutcome::Evidence,
            Outcome::Scored(_) => WitOutcome::Scored,
            Outcome::Unscored(_) => WitOutcome::Unscored,
        },
        alert: verdict.is_some_and(|v| v.alert),
        incident: verdict.and_then(|v| v.incident.clone()),
        output,
    }
}

fn passed(output: Vec<u8>) -> Scored {
    Scored {
        output,
        outcome: WitOutcome::Passed,
        alert: false,
        incident: None,
    }
}

/// The exports (`Guest`); public so the fuzzer, which compiles this file natively, can call them.
pub struct Component;

impl Guest for Component {
    fn configure(config_json: String) -> Result<(), Vec<String>> {
        let cfg = if config_json.trim().is_empty() {
            Config::default()
        } else {
            Config::from_json(config_json.as_bytes())
                .map_err(|e| e.0.iter().map(ToString::to_string).collect::<Vec<_>>())?
        };
        let engine = Engine::new(cfg).map_err(|e| e.0.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        ENGINE.with(|cell| *cell.borrow_mut() = Some(engine));
        Ok(())
    }

    fn score(record: Vec<u8>, fallback_time_ms: Option<i64>) -> Scored {
        with_engine(|e| score_one(e, &record, fallback_time_ms)).unwrap_or_else(|| passed(record))
    }

    fn score_batch(records: Vec<Vec<u8>>, fallback_time_ms: Option<i64>) -> Vec<Scored> {
        match with_engine(|e| {
            records
                .iter()
                .map(|r| score_one(e, r, fallback_time_ms))
                .collect()
        }) {
            Some(v) => v,
            None => records.into_iter().map(passed).collect(),
        }
    }

    fn snapshot() -> Vec<u8> {
        with_engine(|e| e.snapshot()).unwrap_or_default()
    }

    fn restore(state: Vec<u8>) -> Result<(), String> {
        with_engine(|e| e.restore(&state).map_err(|err| err.to_string()))
            .unwrap_or_else(|| Err("no engine".into()))
    }

    fn export_shared(instance: String) -> Result<Vec<u8>, String> {
        with_engine(|e| e.export_shared(&instance).map_err(|err| err.to_string()))
            .unwrap_or_else(|| Err("no engine".into()))
    }

    fn import_shared(bytes: Vec<u8>) -> Result<String, String> {
        with_engine(|e| {
            e.import_shared(&bytes)
                .map(|i| i.to_string())
                .map_err(|err| err.to_string())
        })
        .unwrap_or_else(|| Err("no engine".into()))
    }

    fn incidents() -> String {
        with_engine(|e| serde_json::to_string(&e.incidents()).unwrap_or_else(|_| "[]".into()))
            .unwrap_or_else(|| "[]".into())
    }

    fn incident(id: String) -> Option<String> {
        with_engine(|e| e.incident(&id).and_then(|i| serde_json::to_string(&i).ok())).flatten()
    }

    fn version() -> String {
        with_engine(|e| e.model().to_string()).unwrap_or_default()
    }
}

bindings::export!(Component with_types_in bindings);
