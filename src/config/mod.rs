//! Configuration: strict JSON, every field documented, every problem reported at once.
//!
//! Unknown keys are rejected (`deny_unknown_fields`); omitted keys take the documented default.
//! [`Config::validate`] returns all problems together so an operator fixes a file in one pass.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::profiles::Profile;
// The capacities live with the state they bound; they are a section of the configuration.
pub use crate::state::Limits;
use crate::verdict::{Action, Level};

mod an0443;
mod profiles;
mod signals;
mod validate;
mod verdicts;

pub use an0443::*;
pub use profiles::*;
pub use signals::*;
pub use verdicts::*;

/// `"auto"` for `None`, else the profile's name.
mod auto_profile {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::profiles::Profile;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Choice {
        Profile(Profile),
        Other(String),
    }

    pub fn serialize<S: Serializer>(p: &Option<Profile>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => p.serialize(s),
            None => s.serialize_str("auto"),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Profile>, D::Error> {
        match Choice::deserialize(d)? {
            Choice::Profile(p) => Ok(Some(p)),
            Choice::Other(s) if s == "auto" => Ok(None),
            Choice::Other(s) => Err(serde::de::Error::custom(format!(
                "unknown profile {s:?}: auto, twilio_verify, twilio_message, aws_sns, aws_eum, okta, auth0, azure_acs or generic"
            ))),
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Input profile: `"auto"` (the default) detects it per record; a profile name
    /// (`twilio_verify`, `twilio_message`, `aws_sns`, `aws_eum`, `okta`, `auth0`, `azure_acs`,
    /// `generic`) reads every record as that profile.
    #[serde(with = "auto_profile")]
    pub profile: Option<Profile>,
    /// Top-level key the verdict object is added under.
    pub output_key: String,
    /// Monitor-only mode: every action becomes `monitor`.
    pub monitor_only: bool,
    /// Privacy mode: phone numbers are keyed by salted hashes and shown only as blocks.
    pub privacy: Privacy,
    /// Also add flat ECS fields (`event.risk_score`, `event.kind`, `rule.id`, `threat.*`) to
    /// scored records, as dotted top-level keys.
    pub ecs: bool,
    /// National digits kept in a number block (`+44 7781…` is 4).
    pub block_digits: usize,
    /// Trailing digits that vary inside an adjacency range (`+44 7781 00xx xx` is 4).
    pub adjacent_suffix_digits: usize,
    /// How far (seconds) a record may be older than the newest one seen and still update
    /// windows at its own time; older records are scored at the newest time.
    pub out_of_order_tolerance_secs: u64,
    /// A record dated more than this (seconds) after the newest time seen moves the engine's
    /// clock only when a second record within an hour of it confirms the jump; until then it is
    /// scored at the current time. One forged far-future record cannot age out all state.
    pub max_clock_jump_secs: u64,
    /// AN0443's tunables.
    pub an0443: An0443,
    /// Score thresholds of the levels.
    pub levels: Levels,
    /// Action for each level.
    pub actions: Actions,
    /// Lowest level that opens an incident and raises `alert`.
    pub alert_level: Level,
    /// An incident closes after this many seconds without a record at `alert_level`.
    pub incident_idle_secs: u64,
    /// A record at `alert_level` under the keys of an incident closed less than this many
    /// seconds ago reopens it (without a new alert) instead of opening another.
    pub incident_reopen_secs: u64,
    /// An incident raises one more alert when the estimated cost of its sends reaches this
    /// (USD; 0 turns it off).
    pub incident_cost_alert_usd: f64,
    /// While an incident is open, a send to a fresh number into what it targets (its block, its
    /// requester, the tenant's countries new to it, or its country while that country's
    /// conversion still falls short) is held at `high`.
    pub incident_carry: bool,
    /// Per-signal settings.
    pub signals: Signals,
    /// Daily SMS budgets per tenant.
    pub budgets: Budgets,
    /// Expected changes (campaigns, launches, onboarding days) known in advance.
    pub annotations: Vec<Annotation>,
    /// Capacities that bound memory.
    pub limits: Limits,
    /// Replacement data tables (TSV text in the formats of `data/`); empty = embedded table.
    pub data: DataTables,
    /// How the input profiles read records.
    pub profiles: Profiles,
}

/// Privacy settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Privacy {
    /// Turn privacy mode on.
    pub enabled: bool,
    /// Secret salt for number hashes; required (16+ characters) when privacy mode is on.
    pub salt: String,
}

/// An expected change: traffic that will look unusual and is not fraud.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Annotation {
    /// Short name shown in reasons.
    pub label: String,
    /// Tenant it applies to.
    pub tenant: String,
    /// Workflow it applies to (absent = all).
    pub workflow: Option<String>,
    /// Destination country it applies to (absent = all).
    pub country: Option<String>,
    /// Start (any accepted time format).
    pub start: String,
    /// End (any accepted time format).
    pub end: String,
}

/// Replacement data tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct DataTables {
    /// Numbering plan (format of `data/numbering_plan.tsv`).
    pub numbering_plan: String,
    /// Country names (format of `data/countries.tsv`).
    pub countries: String,
    /// High-risk prefixes (format of `data/risk_prefixes.tsv`).
    pub risk_prefixes: String,
    /// Tariffs (format of `data/tariffs.tsv`).
    pub tariffs: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            profile: None,
            output_key: "pumpguard".into(),
            monitor_only: false,
            privacy: Privacy::default(),
            ecs: false,
            block_digits: 4,
            adjacent_suffix_digits: 4,
            out_of_order_tolerance_secs: 300,
            max_clock_jump_secs: 7 * 86_400,
            an0443: An0443::default(),
            levels: Levels::default(),
            actions: Actions::default(),
            alert_level: Level::High,
            incident_idle_secs: 3600,
            incident_reopen_secs: 6 * 3600,
            incident_cost_alert_usd: 50.0,
            incident_carry: true,
            signals: Signals::default(),
            budgets: Budgets::default(),
            annotations: Vec::new(),
            limits: Limits::default(),
            data: DataTables::default(),
            profiles: Profiles::default(),
        }
    }
}

/// One configuration problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path of the offending field.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// All problems of one configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "invalid configuration ({} problem(s)):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl Config {
    /// Parses a JSON configuration; unknown keys and wrong types are errors.
    pub fn from_json(bytes: &[u8]) -> Result<Config, ConfigErrors> {
        let cfg: Config = serde_json::from_slice(bytes).map_err(|e| {
            ConfigErrors(vec![ConfigError {
                field: "(file)".into(),
                message: e.to_string(),
            }])
        })?;
        Ok(cfg)
    }
}
