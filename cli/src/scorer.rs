//! The CLI's two ways to score: through the WebAssembly component (the default, the very
//! artifact other component hosts load) or with the core linked natively (`--native`).

use pumpguard::{Config, Engine, IncidentSummary, Outcome};

#[cfg(feature = "component-host")]
use crate::component_host::ComponentScorer;
pub use crate::processed::{Kind, Processed};

/// A scorer.
pub enum Scorer {
    /// The core, linked into this binary.
    Native(Box<Engine>),
    /// The component, hosted by wasmtime.
    #[cfg(feature = "component-host")]
    Component(Box<ComponentScorer>),
}

#[cfg(feature = "component-host")]
fn parse_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_str(s).map_err(|e| format!("component returned bad JSON: {e}"))
}

impl Scorer {
    /// A scorer for `cfg`: native when asked (or when built without the component host).
    pub fn new(cfg: Config, native: bool) -> Result<Scorer, String> {
        #[cfg(feature = "component-host")]
        if !native {
            let json = serde_json::to_string(&cfg).map_err(|e| e.to_string())?;
            let path = crate::component_host::component_path();
            return Ok(Scorer::Component(Box::new(ComponentScorer::load(&path, &json)?)));
        }
        let _ = native;
        Ok(Scorer::Native(Box::new(
            Engine::new(cfg).map_err(|e| e.to_string())?,
        )))
    }

    /// Which scorer this is, for messages.
    pub fn describe(&self) -> String {
        match self {
            Scorer::Native(_) => "native core".into(),
            #[cfg(feature = "component-host")]
            Scorer::Component(_) => {
                format!("component {}", crate::component_host::component_path().display())
            }
        }
    }

    /// Scores records in order.
    pub fn score_batch(&mut self, records: &[Vec<u8>]) -> Result<Vec<Processed>, String> {
        match self {
            Scorer::Native(e) => Ok(records
                .iter()
                .map(|r| {
                    let mut output = Vec::with_capacity(r.len() + 512);
                    let outcome = e.process(r, None, &mut output);
                    let v = outcome.verdict();
                    Processed {
                        alert: v.is_some_and(|v| v.alert),
                        incident: v.and_then(|v| v.incident.clone()),
                        kind: match outcome {
                            Outcome::Passed => Kind::Passed,
                            Outcome::Evidence => Kind::Evidence,
                            Outcome::Scored(_) => Kind::Scored,
                            Outcome::Unscored(_) => Kind::Unscored,
                        },
                        output,
                    }
                })
                .collect()),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.score_batch(records, None),
        }
    }

    /// State bytes.
    pub fn snapshot(&mut self) -> Result<Vec<u8>, String> {
        match self {
            Scorer::Native(e) => Ok(e.snapshot()),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.snapshot(),
        }
    }

    /// Restores state: `Ok(Err(why))` when the snapshot was refused (the scorer keeps its state).
    pub fn restore(&mut self, bytes: &[u8]) -> Result<Result<(), String>, String> {
        match self {
            Scorer::Native(e) => Ok(e.restore(bytes).map_err(|e| e.to_string())),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.restore(bytes),
        }
    }

    /// This instance's shared-state export (`Engine::export_shared`): `Ok(Err(why))` when
    /// refused.
    pub fn export_shared(&mut self, instance: &str) -> Result<Result<Vec<u8>, String>, String> {
        match self {
            Scorer::Native(e) => Ok(e.export_shared(instance).map_err(|e| e.to_string())),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.export_shared(instance),
        }
    }

    /// Imports a peer's export (`Engine::import_shared`): what it did, or `Ok(Err(why))` when
    /// refused (the state is unchanged).
    pub fn import_shared(&mut self, bytes: &[u8]) -> Result<Result<String, String>, String> {
        match self {
            Scorer::Native(e) => Ok(e
                .import_shared(bytes)
                .map(|i| i.to_string())
                .map_err(|e| e.to_string())),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.import_shared(bytes),
        }
    }

    /// All incidents.
    pub fn incidents(&mut self) -> Result<Vec<IncidentSummary>, String> {
        match self {
            Scorer::Native(e) => Ok(e.incidents()),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => parse_json(&c.incidents_json()?),
        }
    }

    /// One incident.
    pub fn incident(&mut self, id: &str) -> Result<Option<IncidentSummary>, String> {
        match self {
            Scorer::Native(e) => Ok(e.incident(id)),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.incident_json(id)?.map(|j| parse_json(&j)).transpose(),
        }
    }

    /// `pumpguard/<version>+<rules>`.
    pub fn model(&mut self) -> Result<String, String> {
        match self {
            Scorer::Native(e) => Ok(e.model().to_string()),
            #[cfg(feature = "component-host")]
            Scorer::Component(c) => c.version(),
        }
    }
}
