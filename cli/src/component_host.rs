//! Hosts the pumpguard WebAssembly component (`wit/pumpguard.wit`, built for `wasm32-wasip2`)
//! with wasmtime. The only wasmtime code of the CLI; it converts between the generated bindings
//! and plain Rust types and holds no scoring logic.

use std::path::{Path, PathBuf};

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{Config, Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

mod bindings {
    wasmtime::component::bindgen!({ path: "../wit", world: "pumpguard" });
}

use bindings::exports::pumpguard::scorer::scorer::{Outcome as WitOutcome, Scored};

use crate::processed::{Kind, Processed};

/// Where `cargo build -p pumpguard-component --release --target wasm32-wasip2` puts the
/// component, relative to the workspace.
pub const DEFAULT_COMPONENT: &str = "target/wasm32-wasip2/release/pumpguard_component.wasm";

/// The component to load: `$PUMPGUARD_COMPONENT`, else the build output of this workspace.
pub fn component_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PUMPGUARD_COMPONENT") {
        return PathBuf::from(p);
    }
    // This crate is `cli/` in the workspace.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new("."));
    workspace.join(DEFAULT_COMPONENT)
}

struct HostState {
    ctx: WasiCtx,
    table: ResourceTable,
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.ctx,
            table: &mut self.table,
        }
    }
}

impl From<Scored> for Processed {
    fn from(s: Scored) -> Self {
        Processed {
            output: s.output,
            kind: match s.outcome {
                WitOutcome::Passed => Kind::Passed,
                WitOutcome::Evidence => Kind::Evidence,
                WitOutcome::Scored => Kind::Scored,
                WitOutcome::Unscored => Kind::Unscored,
            },
            alert: s.alert,
            incident: s.incident,
        }
    }
}

/// One instance of the component with its engine.
pub struct ComponentScorer {
    store: Store<HostState>,
    scorer: bindings::Pumpguard,
}

fn err(e: impl std::fmt::Display) -> String {
    format!("{e:#}")
}

impl ComponentScorer {
    /// Loads and instantiates the component at `path` and configures it with `config_json`.
    pub fn load(path: &Path, config_json: &str) -> Result<Self, String> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        let engine = Engine::new(&config).map_err(err)?;
        let component = Component::from_file(&engine, path).map_err(|e| {
            format!(
                "cannot load the component {}: {e:#}\n(build it with: cargo build -p pumpguard-component --release --target wasm32-wasip2, or use --native)",
                path.display()
            )
        })?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).map_err(err)?;
        // The component gets no files, no network, no environment, no arguments.
        let state = HostState {
            ctx: WasiCtxBuilder::new().build(),
            table: ResourceTable::new(),
        };
        let mut store = Store::new(&engine, state);
        let scorer = bindings::Pumpguard::instantiate(&mut store, &component, &linker).map_err(err)?;
        let mut this = ComponentScorer { store, scorer };
        this.scorer
            .pumpguard_scorer_scorer()
            .call_configure(&mut this.store, config_json)
            .map_err(err)?
            .map_err(|problems| format!("invalid configuration:\n  - {}", problems.join("\n  - ")))?;
        Ok(this)
    }

    /// Scores records in order.
    pub fn score_batch(
        &mut self,
        records: &[Vec<u8>],
        fallback_time_ms: Option<i64>,
    ) -> Result<Vec<Processed>, String> {
        let v = self
            .scorer
            .pumpguard_scorer_scorer()
            .call_score_batch(&mut self.store, records, fallback_time_ms)
            .map_err(err)?;
        Ok(v.into_iter().map(Processed::from).collect())
    }

    /// State bytes.
    pub fn snapshot(&mut self) -> Result<Vec<u8>, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_snapshot(&mut self.store)
            .map_err(err)
    }

    /// Restores state bytes.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<Result<(), String>, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_restore(&mut self.store, bytes)
            .map_err(err)
    }

    /// This instance's shared-state export: `Ok(Err(why))` when refused.
    pub fn export_shared(&mut self, instance: &str) -> Result<Result<Vec<u8>, String>, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_export_shared(&mut self.store, instance)
            .map_err(err)
    }

    /// Imports a peer's export: `Ok(Err(why))` when refused.
    pub fn import_shared(&mut self, bytes: &[u8]) -> Result<Result<String, String>, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_import_shared(&mut self.store, bytes)
            .map_err(err)
    }

    /// Incidents as JSON.
    pub fn incidents_json(&mut self) -> Result<String, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_incidents(&mut self.store)
            .map_err(err)
    }

    /// One incident as JSON.
    pub fn incident_json(&mut self, id: &str) -> Result<Option<String>, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_incident(&mut self.store, id)
            .map_err(err)
    }

    /// The component's model string.
    pub fn version(&mut self) -> Result<String, String> {
        self.scorer
            .pumpguard_scorer_scorer()
            .call_version(&mut self.store)
            .map_err(err)
    }
}
