//! The verdict added to every scored record, and its JSON form (DESIGN.md section 4).

use serde::{Deserialize, Serialize};

use crate::json::write_str;

/// Reason codes: stable, machine-readable, documented in the README.
pub mod code {
    /// Volume far above the key's seasonal baseline (or above `SMSFrequencyThreshold`).
    pub const VOLUME_SPIKE: &str = "volume_spike";
    /// A country the tenant has never sent to, after it has a history.
    pub const NEW_DESTINATION_COUNTRY: &str = "new_destination_country";
    /// A country that carries a tiny share of the tenant's traffic.
    pub const RARE_DESTINATION_COUNTRY: &str = "rare_destination_country";
    /// Destination in the high-risk prefix table.
    pub const HIGH_RISK_PREFIX: &str = "high_risk_prefix";
    /// Destination country denied, or outside the allow list (`DestinationCountryCodeFilter`).
    pub const DESTINATION_FILTER: &str = "destination_filter";
    /// Many distinct numbers inside one number range within the window.
    pub const ADJACENT_NUMBERS: &str = "adjacent_numbers";
    /// Sends that are not verified, far below the key's conversion baseline.
    pub const LOW_CONVERSION: &str = "low_conversion";
    /// One workflow suddenly carries most of a tenant's traffic.
    pub const WORKFLOW_CONCENTRATION: &str = "workflow_concentration";
    /// One IP, user agent, user or session reaches many numbers or countries.
    pub const SOURCE_VELOCITY: &str = "source_velocity";
    /// The requester's country differs from the destination's.
    pub const IP_GEO_MISMATCH: &str = "ip_geo_mismatch";
    /// The tenant's daily count or spend crossed a budget mark.
    pub const BUDGET: &str = "budget";
    /// An annotation explains (and damps) volume-type evidence.
    pub const EXPECTED_CHANGE: &str = "expected_change";
    /// Exculpatory: the flow's sends convert at their usual rate (negative weight).
    pub const CONVERSION_NORMAL: &str = "conversion_normal";
    /// Volume-type evidence alone is capped below `high` (negative weight: the excess).
    pub const VOLUME_ALONE: &str = "volume_alone";
    /// Conversion integrity: the tenant's conversions stopped at ordinary volume (a logging gap).
    pub const CONVERSION_GAP: &str = "conversion_gap";
    /// A number block new to the flow receiving many distinct numbers.
    pub const FRESH_BLOCK: &str = "fresh_block";
    /// A block carrying many times its usual share of a flow that cannot be judged by conversion.
    pub const BLOCK_SURGE: &str = "block_surge";
    /// Exculpatory: the number verified a code before (negative weight).
    pub const KNOWN_RECIPIENT: &str = "known_recipient";
    /// Exculpatory: the requester's network or user verified codes of this tenant before, and
    /// the country's sends from such requesters verify like usual (negative weight).
    pub const KNOWN_REQUESTER: &str = "known_requester";
    /// The SMS provider itself blocked sends as fraud.
    pub const PROVIDER_BLOCK: &str = "provider_block";
    /// One number block reached through several tenants at once, densely.
    pub const SHARED_BLOCK: &str = "shared_block";
    /// The send goes into what an open incident targets (held at `high`).
    pub const OPEN_INCIDENT: &str = "open_incident";
    /// Not scored: the record is not JSON, or not a JSON object.
    pub const UNPARSED: &str = "unparsed";
    /// Not scored: the record is larger than `limits.max_record_bytes`.
    pub const TOO_LARGE: &str = "too_large";
    /// Not scored: an SMS record with no readable destination.
    pub const NO_DESTINATION: &str = "no_destination";
    /// Not scored: the destination is not a valid phone number.
    pub const INVALID_DESTINATION: &str = "invalid_destination";
    /// The record's time is missing or absurd; the engine's clock was used instead.
    pub const NO_TIMESTAMP: &str = "no_timestamp";
    /// Not scored: the host's pumpguard configuration was refused (the detail says why).
    pub const CONFIG_ERROR: &str = "config_error";
    /// Not scored: the host handed over no record bytes (e.g. Fluent Bit out of wasm heap).
    pub const NO_RECORD: &str = "no_record";
}

/// Risk level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Not scored (see reasons).
    Unknown,
    /// No evidence.
    #[default]
    None,
    /// Weak evidence.
    Low,
    /// Some evidence.
    Medium,
    /// Strong evidence: alert.
    High,
    /// Overwhelming evidence.
    Critical,
}

impl Level {
    /// Text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::None => "none",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }
}

/// What the host should do with the SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Send it.
    #[default]
    Allow,
    /// Send it and watch.
    Monitor,
    /// Rate-limit.
    Throttle,
    /// Refuse.
    Block,
}

impl Action {
    /// Text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Monitor => "monitor",
            Action::Throttle => "throttle",
            Action::Block => "block",
        }
    }
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    /// Stable code (see [`code`]).
    pub code: &'static str,
    /// Score points (negative for `expected_change`).
    pub weight: i32,
    /// Human explanation.
    pub detail: String,
}

/// The keys a verdict is about.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Keys {
    /// Tenant (account, organisation, pool …).
    pub tenant: Option<String>,
    /// Destination country.
    pub country: Option<String>,
    /// Number block, `+` and digits.
    pub block: Option<String>,
    /// Workflow (sign-up, login, reset …).
    pub workflow: Option<String>,
    /// Source of a record without a tenant (AWS account, Okta org), when its envelope names
    /// one. Written only when set.
    pub source: Option<String>,
}

/// The verdict for one record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verdict {
    /// 0–100.
    pub score: u32,
    /// Level of the score, or `unknown`.
    pub level: Level,
    /// Action from the policy.
    pub action: Action,
    /// Evidence, strongest first.
    pub reasons: Vec<Reason>,
    /// True only on the record that opens or escalates an incident.
    pub alert: bool,
    /// Incident this record belongs to.
    pub incident: Option<String>,
    /// Keys.
    pub keys: Keys,
}

impl Verdict {
    /// A verdict for a record that could not be scored.
    pub fn unscored(code: &'static str, detail: String, action: Action) -> Verdict {
        Verdict {
            level: Level::Unknown,
            action,
            reasons: vec![Reason {
                code,
                weight: 0,
                detail,
            }],
            ..Verdict::default()
        }
    }

    /// Appends the verdict as a JSON object.
    pub fn write_json(&self, model: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"score\":");
        push_int(out, i64::from(self.score));
        out.extend_from_slice(b",\"level\":\"");
        out.extend_from_slice(self.level.as_str().as_bytes());
        out.extend_from_slice(b"\",\"action\":\"");
        out.extend_from_slice(self.action.as_str().as_bytes());
        out.extend_from_slice(b"\",\"reasons\":[");
        for (i, r) in self.reasons.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"code\":\"");
            out.extend_from_slice(r.code.as_bytes());
            out.extend_from_slice(b"\",\"weight\":");
            push_int(out, i64::from(r.weight));
            out.extend_from_slice(b",\"detail\":");
            write_str(out, &r.detail);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"alert\":");
        out.extend_from_slice(if self.alert { b"true" } else { b"false" });
        out.extend_from_slice(b",\"incident\":");
        write_opt(out, self.incident.as_deref());
        out.extend_from_slice(b",\"keys\":{\"tenant\":");
        write_opt(out, self.keys.tenant.as_deref());
        out.extend_from_slice(b",\"country\":");
        write_opt(out, self.keys.country.as_deref());
        out.extend_from_slice(b",\"block\":");
        write_opt(out, self.keys.block.as_deref());
        out.extend_from_slice(b",\"workflow\":");
        write_opt(out, self.keys.workflow.as_deref());
        if let Some(source) = &self.keys.source {
            out.extend_from_slice(b",\"source\":");
            write_str(out, source);
        }
        out.extend_from_slice(b"},\"model\":");
        write_str(out, model);
        out.push(b'}');
    }

    /// Appends flat ECS fields (without braces), each preceded by a comma.
    pub fn write_ecs(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b",\"event.risk_score\":");
        push_int(out, i64::from(self.score));
        out.extend_from_slice(b",\"event.kind\":");
        write_str(
            out,
            if self.level >= Level::Medium {
                "alert"
            } else {
                "enrichment"
            },
        );
        out.extend_from_slice(
            b",\"rule.id\":\"AN0443\",\"rule.name\":\"SMS pumping via SaaS application logs\"",
        );
        out.extend_from_slice(b",\"threat.framework\":\"MITRE ATT&CK\",\"threat.technique.id\":\"T1496\",\"threat.technique.subtechnique.id\":\"T1496.003\"");
    }
}

fn write_opt(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => write_str(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let neg = v < 0;
    let mut u = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}
