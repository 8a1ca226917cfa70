//! The engine: one record in, one record out, with all state bounded and all time from records.
//!
//! This module is the entry ([`Engine::new`], [`Engine::process`], [`Engine::score`]): it reads
//! the record, detects its profile and routes it. The rest follows the data flow, one module a
//! step:
//!
//! - `normalise`: the event's tenant, keys and number (E.164, country, block);
//! - `keys`: the keyed hashes every piece of state is filed under;
//! - `score`: one send into a verdict: its facts, the stages' evidence combined, the carry;
//! - `stages`: each stage of a send's scoring against its keys' state (`crate::state`), with
//!   the signals' evidence (`crate::signals`);
//! - `evidence`: records that are not sends (conversions, blocks, annotations) updating state;
//! - `incidents`: verdicts grouped into incidents, opened and escalated;
//! - `output`: the record written back, enriched or tagged;
//! - `shared`: the cross-tenant view exported to and imported from peer instances;
//! - `snapshot`: the state as bytes and back.

use hashbrown::HashSet;
use siphasher::sip::SipHasher13;

use crate::config::{Config, ConfigError, ConfigErrors};
use crate::coverage::Coverage;
use crate::json::{write_str, Obj};
use crate::numbering::{Country, Number, NumberingPlan};
use crate::profiles::{self, Event, Kind};
use crate::signals::{self, Send};
use crate::state::{
    ActiveAnnotation, Conv, Incident, OpenRef, Range, SentRef, Source, State, Tenant, Volume, DELAY_BINS,
};
use crate::tables::{RiskTable, Tariffs, EMBEDDED_RISK, EMBEDDED_TARIFFS};
use crate::time::{self, Millis, MIN_TIME};
use crate::verdict::{code, Action, Keys, Level, Reason, Verdict};

mod evidence;
mod incidents;
mod keys;
mod normalise;
mod output;
mod score;

/// An empty tenant, for the signals' unit tests.
#[cfg(test)]
pub(crate) fn empty_tenant_for_tests() -> Tenant {
    score::empty_tenant(0)
}
mod shared;
mod snapshot;
mod stages;

use incidents::*;
use keys::*;
use normalise::*;
pub use output::write_unscored;
use score::*;
pub use shared::{SharedError, SharedImport};
use stages::*;

/// Version of the engine.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What happened to a record.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An SMS record: scored (or tagged `unknown` with the reason).
    Scored(Verdict),
    /// Evidence (conversion, block, annotation): consumed, passed through unchanged.
    Evidence,
    /// Not SMS-related: passed through unchanged.
    Passed,
    /// Not scorable (unparsed, too large): passed through with the tag.
    Unscored(Verdict),
}

impl Outcome {
    /// The verdict, if the record got one.
    pub fn verdict(&self) -> Option<&Verdict> {
        match self {
            Outcome::Scored(v) | Outcome::Unscored(v) => Some(v),
            _ => None,
        }
    }
}

/// A snapshot could not be restored; the engine keeps its current (cold) state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotError(pub String);

impl std::fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "snapshot not restored: {}", self.0)
    }
}

impl std::error::Error for SnapshotError {}

/// An incident as reported to people.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IncidentSummary {
    /// Incident id.
    pub id: String,
    /// Tenant.
    pub tenant: String,
    /// Destination country.
    pub country: String,
    /// Number block of the opening record.
    pub block: String,
    /// First record at alert level.
    pub first_seen: String,
    /// Last record at alert level.
    pub last_seen: String,
    /// Highest level.
    pub level: Level,
    /// Alerts raised.
    pub alerts: u32,
    /// Sends at medium or above while open.
    pub sends: u64,
    /// Estimated cost of those (USD).
    pub estimated_cost_usd: f64,
    /// Strongest reason codes.
    pub top_reasons: Vec<String>,
    /// Still open at the newest event time.
    pub open: bool,
}

/// The scoring engine. Pure: no I/O, no clock, no globals. A clone is an independent engine
/// with the same configuration and state.
#[derive(Clone)]
pub struct Engine {
    cfg: Config,
    plan: NumberingPlan,
    risk: RiskTable,
    tariffs: Tariffs,
    keyer: Keyer,
    provider_codes: HashSet<String>,
    deny: HashSet<Country>,
    allow: HashSet<Country>,
    configured: Vec<ActiveAnnotation>,
    generic_fields: profiles::GenericFields,
    model: String,
    state: State,
    coverage: Coverage,
}

impl Engine {
    /// Builds an engine, validating the whole configuration and every data table first.
    pub fn new(cfg: Config) -> Result<Engine, ConfigErrors> {
        let mut errs = match cfg.validate() {
            Ok(()) => Vec::new(),
            Err(ConfigErrors(e)) => e,
        };
        let mut table_err = |field: &str, e: String| {
            errs.push(ConfigError {
                field: field.into(),
                message: e,
            })
        };
        let pick = |s: &str, d: &'static str| -> String {
            if s.is_empty() {
                d.to_string()
            } else {
                s.to_string()
            }
        };
        let plan = NumberingPlan::parse(
            &pick(&cfg.data.numbering_plan, crate::numbering::EMBEDDED_PLAN),
            &pick(&cfg.data.countries, crate::numbering::EMBEDDED_COUNTRIES),
        )
        .map_err(|e| table_err("data.numbering_plan", e))
        .ok();
        let risk = RiskTable::parse(&pick(&cfg.data.risk_prefixes, EMBEDDED_RISK))
            .map_err(|e| table_err("data.risk_prefixes", e))
            .ok();
        let tariffs = Tariffs::parse(&pick(&cfg.data.tariffs, EMBEDDED_TARIFFS))
            .map_err(|e| table_err("data.tariffs", e))
            .ok();
        let (Some(plan), Some(risk), Some(tariffs)) = (plan, risk, tariffs) else {
            return Err(ConfigErrors(errs));
        };
        if !errs.is_empty() {
            return Err(ConfigErrors(errs));
        }
        let keyer = Keyer::new(if cfg.privacy.enabled {
            &cfg.privacy.salt
        } else {
            "pumpguard"
        });
        let countries = |v: &Vec<String>| {
            v.iter()
                .filter_map(|c| Country::from_code(c))
                .collect::<HashSet<_>>()
        };
        let configured = cfg
            .annotations
            .iter()
            .filter_map(|a| {
                Some(ActiveAnnotation {
                    tenant: keyer.hash(dom::TENANT, a.tenant.as_bytes()),
                    workflow: a
                        .workflow
                        .as_ref()
                        .map(|w| keyer.hash(dom::WORKFLOW, w.as_bytes())),
                    country: a.country.as_deref().and_then(Country::from_code).map(|c| c.id()),
                    start: time::parse(&a.start)?,
                    end: time::parse(&a.end)?,
                    label: a.label.clone(),
                })
            })
            .collect();
        let model = format!("pumpguard/{VERSION}+{}", risk.version());
        Ok(Engine {
            provider_codes: cfg.signals.provider_block.codes.iter().cloned().collect(),
            deny: countries(&cfg.an0443.destination_country_code_filter.deny),
            allow: countries(&cfg.an0443.destination_country_code_filter.allow),
            state: State::new(&cfg.limits),
            coverage: Coverage::default(),
            configured,
            generic_fields: profiles::GenericFields::new(
                cfg.profiles
                    .generic
                    .fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            model,
            plan,
            risk,
            tariffs,
            keyer,
            cfg,
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// `pumpguard/<version>+<rules version>`.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Versions of the data tables.
    pub fn data_versions(&self) -> String {
        format!(
            "{}, {}, {}",
            self.plan.version(),
            self.risk.version(),
            self.tariffs.version()
        )
    }

    /// Newest event time seen.
    pub fn clock(&self) -> Millis {
        self.state.clock
    }

    /// Bytes of state in use.
    pub fn state_bytes(&self) -> usize {
        self.state.bytes_used()
    }

    /// Upper bound of state bytes under the configured capacities.
    pub fn state_bytes_bound(&self) -> usize {
        State::bytes_bound(&self.cfg.limits)
    }

    /// What the logs seen so far carry, per profile.
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// The coverage report, naming the configured paths of generic fields.
    pub fn coverage_report(&self) -> Vec<crate::coverage::ProfileReport> {
        self.coverage.report_with(&self.cfg.profiles.generic.fields)
    }

    /// The partition key of `record` for key-affinity scale-out: its tenant, or for a record
    /// without one its profile and source identity ([`profiles::Event::owner`]), read with
    /// this engine's profile settings. Every per-tenant key of the state is derived from it,
    /// so records with one partition key can be scored on one instance while other keys go to
    /// others. A conversion has the key of the sends it converts when it names the same
    /// tenant. `None` for a record that is not SMS-related or cannot be read (it may go to
    /// any instance). At most 256 bytes.
    pub fn partition_key(&self, record: &[u8]) -> Option<String> {
        if record.len() > self.cfg.limits.max_record_bytes
            || (self.cfg.profile.is_none() && !profiles::may_have_profile(record))
        {
            return None;
        }
        let obj = Obj::parse(record).ok()?;
        let ev = profiles::read_with(&obj, self.cfg.profile, &self.generic_fields)?;
        Some(normalise::cut(&ev.owner(), 256).to_string())
    }

    /// `true` when a look at the bytes shows that `record` is a well-formed JSON object of no
    /// profile (`profiles::may_have_profile`), so `process` would pass it unchanged: a host may
    /// then hand the record back as it came, without the parse and the copy. Counted in the
    /// coverage report like any record of no profile. `false` with a fixed `profile`.
    pub fn passes_unread(&mut self, record: &[u8]) -> bool {
        let unread = self.cfg.profile.is_none()
            && record.len() <= self.cfg.limits.max_record_bytes
            && !profiles::may_have_profile(record);
        if unread {
            self.coverage.other += 1;
        }
        unread
    }

    /// Scores one record and writes the output record (without a trailing newline) to `out`.
    /// `fallback_time` is the host's time for the record (e.g. Fluent Bit's), used when the
    /// record carries none. Never fails and never panics: bad input is tagged, not lost.
    pub fn process(&mut self, record: &[u8], fallback_time: Option<Millis>, out: &mut Vec<u8>) -> Outcome {
        let outcome = self.score(record, fallback_time);
        self.write_output(record, &outcome, out);
        outcome
    }

    /// Scores one record without producing output.
    pub fn score(&mut self, record: &[u8], fallback_time: Option<Millis>) -> Outcome {
        let action = self.unknown_action();
        if record.len() > self.cfg.limits.max_record_bytes {
            self.coverage.unparsed += 1;
            return Outcome::Unscored(Verdict::unscored(
                code::TOO_LARGE,
                format!(
                    "record of {} bytes is above limits.max_record_bytes ({})",
                    record.len(),
                    self.cfg.limits.max_record_bytes
                ),
                action,
            ));
        }
        let obj = match Obj::parse(record) {
            Ok(o) => o,
            Err(e) => {
                self.coverage.unparsed += 1;
                return Outcome::Unscored(Verdict::unscored(
                    code::UNPARSED,
                    format!("not a JSON object: {e}"),
                    action,
                ));
            }
        };
        let Some(ev) = profiles::read_with(&obj, self.cfg.profile, &self.generic_fields) else {
            self.coverage.other += 1;
            return Outcome::Passed;
        };
        self.coverage.observe(&ev);
        let fallback = fallback_time.filter(|t| (time::MIN_TIME..=time::MAX_TIME).contains(t));
        let (raw_t, time_ok) = match ev.time.or(fallback) {
            Some(t) => (t, true),
            None => (self.state.clock.max(MIN_TIME), false),
        };
        let now = self.advance_clock(raw_t);
        match ev.kind {
            Kind::Sms => {
                let mut v = self.score_sms(&ev, now);
                if !time_ok {
                    v.reasons.push(Reason {
                        code: code::NO_TIMESTAMP,
                        weight: 0,
                        detail: "record has no usable time; scored at the newest time seen".into(),
                    });
                }
                Outcome::Scored(v)
            }
            Kind::Conversion => {
                self.conversion(&ev, now);
                Outcome::Evidence
            }
            Kind::SourceBlock => {
                self.source_block(&ev, now);
                Outcome::Evidence
            }
            Kind::Annotation => {
                self.annotation(&ev);
                Outcome::Evidence
            }
        }
    }

    /// The time a record is scored at: its own, unless it is too late (then the newest time
    /// seen) or an unconfirmed far jump ahead (then the newest time seen, too).
    pub(super) fn advance_clock(&mut self, t: Millis) -> Millis {
        let clock = self.state.clock;
        let tolerance = self.cfg.out_of_order_tolerance_secs as Millis * 1000;
        let max_jump = self.cfg.max_clock_jump_secs as Millis * 1000;
        if clock > 0 && t > clock + max_jump {
            match self.state.pending_jump {
                Some(p) if (p - t).abs() <= 3_600_000 => self.state.pending_jump = None,
                _ => {
                    self.state.pending_jump = Some(t);
                    return clock;
                }
            }
        }
        if t < clock - tolerance {
            return clock;
        }
        self.state.clock = clock.max(t);
        t
    }

    pub(super) fn unknown_action(&self) -> Action {
        if self.cfg.monitor_only {
            Action::Monitor
        } else {
            Action::Allow
        }
    }
}
