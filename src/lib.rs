//! # pumpguard
//!
//! Detects SMS pumping (SMS toll fraud, MITRE ATT&CK T1496.003, detection strategy DET0156) in the
//! logs SaaS products write when they send SMS, and tags every SMS-related record with a score,
//! a level, an action, the reasons, and an alert flag on the record that opens an incident.
//!
//! Two decisions shape the crate:
//!
//! * **The core is pure.** No I/O, no wall clock, no globals, no `unsafe`. Time is the record's
//!   own event time, so replaying a day of logs gives exactly the verdicts seen live and tests
//!   never sleep. The same code builds natively and for every wasm target; hosts (CLI, WIT
//!   component, Fluent Bit, Envoy, browser) convert bytes and call [`Engine::process`].
//!   It links `std` (not `#![no_std]` with `alloc`): its statistics need `ln`, `exp` and
//!   `powf`, which `core` lacks, and a software `libm` can round differently from the
//!   platform's, which would move verdicts between builds of the same code.
//! * **Bad input is tagged, never lost, never a crash.** A record that is not JSON, too large,
//!   or has no readable destination comes out with `level: "unknown"` and a reason saying why;
//!   non-objects are wrapped so their bytes survive. All state lives in bounded maps with
//!   eviction ([`state`]), so memory has a configured ceiling whatever an attacker sends.
//!
//! ```
//! use pumpguard::{Config, Engine};
//! let mut engine = Engine::new(Config::default()).expect("default config is valid");
//! let mut out = Vec::new();
//! let rec = br#"{"event":"sms_sent","time":"2026-01-01T10:00:00Z","tenant":"acme","to":"+447911123456"}"#;
//! engine.process(rec, None, &mut out);
//! assert!(out.starts_with(br#"{"event":"sms_sent""#));
//! assert!(std::str::from_utf8(&out).unwrap().contains(r#""pumpguard":{"score":"#));
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod config;
pub mod coverage;
mod engine;
pub mod json;
pub mod numbering;
pub mod ocsf;
pub mod partition;
pub mod profiles;
mod signals;
pub mod state;
pub mod tables;
pub mod time;
pub mod verdict;

pub use config::{Config, ConfigErrors};
pub use engine::{
    write_unscored, Engine, IncidentSummary, Outcome, SharedError, SharedImport, SnapshotError, VERSION,
};
pub use profiles::Profile;
pub use verdict::{Action, Level, Reason, Verdict};
