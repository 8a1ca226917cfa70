//! The blind-spot report DET0156 asks for: per profile, which telemetry the logs carry and
//! therefore which signals can run and which cannot, and why.

use std::collections::BTreeMap;

const _: () = assert!(FIELDS.len() == 11);

use serde::{Deserialize, Serialize};

use crate::profiles::{Event, FieldSource, Kind, Profile, GENERIC_FIELDS, GENERIC_REPORTED};

/// Field presence counters of one profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FieldCounts {
    /// SMS records.
    pub sms: u64,
    /// Conversion records.
    pub conversions: u64,
    /// Block and annotation records.
    pub other_evidence: u64,
    /// SMS records with each field of [`FIELDS`], in that order.
    pub with: [u64; 11],
    /// Generic records (sends, conversions, annotations): for each field of
    /// [`GENERIC_REPORTED`], how many were read from each of its names
    /// ([`GENERIC_FIELDS`]: its own, then the aliases), and from the configured path (last).
    pub generic_sources: [[u64; GENERIC_SOURCES]; GENERIC_REPORTED.len()],
}

/// Most names a reported generic field is read from, plus the configured path.
pub const GENERIC_SOURCES: usize = 5;

const _: () = {
    let mut i = 0;
    while i < GENERIC_REPORTED.len() {
        assert!(GENERIC_FIELDS[GENERIC_REPORTED[i]].1.len() < GENERIC_SOURCES);
        i += 1;
    }
};

/// Coverage over everything seen.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Per profile.
    pub profiles: BTreeMap<Profile, FieldCounts>,
    /// Records that were not JSON objects (or too large).
    pub unparsed: u64,
    /// JSON records of no supported profile, or not about SMS.
    pub other: u64,
}

/// Telemetry fields tracked.
pub const FIELDS: [&str; 11] = [
    "time",
    "tenant",
    "workflow",
    "destination",
    "destination_country",
    "requester_ip",
    "user_agent",
    "user_or_session",
    "requester_country",
    "price",
    "message_id",
];

/// One signal's availability for one profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalCoverage {
    /// Reason code.
    pub signal: &'static str,
    /// Can it run on these logs?
    pub runs: bool,
    /// Why (not).
    pub why: String,
}

/// The report of one profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileReport {
    /// Profile name.
    pub profile: &'static str,
    /// SMS records.
    pub sms_records: u64,
    /// Conversion records.
    pub conversion_records: u64,
    /// Share (0–1) of SMS records carrying each field.
    pub fields: BTreeMap<&'static str, f64>,
    /// Generic records: where `time`, `tenant`, `to` and `user_id` were read from (the field
    /// name, an alias, or `configured: <path>`), with the number of records. Empty for other
    /// profiles.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub read_from: BTreeMap<&'static str, BTreeMap<String, u64>>,
    /// Signals.
    pub signals: Vec<SignalCoverage>,
}

/// Where a profile's generic fields were read from, by name (see `ProfileReport::read_from`).
fn read_from(
    c: &FieldCounts,
    mapped: &BTreeMap<String, String>,
) -> BTreeMap<&'static str, BTreeMap<String, u64>> {
    GENERIC_REPORTED
        .iter()
        .zip(&c.generic_sources)
        .filter(|(_, counts)| counts.iter().any(|n| *n > 0))
        .map(|(&i, counts)| {
            let (field, names) = GENERIC_FIELDS[i];
            let from = counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| {
                    let name = if k == GENERIC_SOURCES - 1 {
                        format!("configured: {}", mapped.get(field).map_or("?", String::as_str))
                    } else {
                        names.get(k).copied().unwrap_or("?").to_string()
                    };
                    (name, *n)
                })
                .collect();
            (field, from)
        })
        .collect()
}

impl Coverage {
    /// Counts one event.
    pub fn observe(&mut self, e: &Event<'_>) {
        let p = self.profiles.entry(e.profile).or_default();
        if e.profile == Profile::Generic {
            for (counts, source) in p.generic_sources.iter_mut().zip(e.generic_sources) {
                match source {
                    FieldSource::None => {}
                    FieldSource::Name(k) => counts[usize::from(k).min(GENERIC_SOURCES - 2)] += 1,
                    FieldSource::Mapped => counts[GENERIC_SOURCES - 1] += 1,
                }
            }
        }
        match e.kind {
            Kind::Conversion => {
                p.conversions += 1;
                return;
            }
            Kind::SourceBlock | Kind::Annotation => {
                p.other_evidence += 1;
                return;
            }
            Kind::Sms => p.sms += 1,
        }
        let present = [
            e.time.is_some(),
            // A source identity (AWS account, Okta org) keys baselines as a tenant does.
            e.tenant.is_some() || e.source.is_some(),
            e.workflow.is_some(),
            e.to.is_some(),
            e.to.is_some() || e.country_hint.is_some(),
            e.ip.is_some(),
            e.user_agent.is_some(),
            e.user.is_some() || e.session.is_some(),
            e.client_country.is_some(),
            e.price_usd.is_some(),
            e.message_id.is_some(),
        ];
        for (count, on) in p.with.iter_mut().zip(present) {
            *count += u64::from(on);
        }
    }

    /// The report, one entry per profile seen.
    pub fn report(&self) -> Vec<ProfileReport> {
        self.report_with(&BTreeMap::new())
    }

    /// The report, with the paths `profiles.generic.fields` maps generic fields to.
    pub fn report_with(&self, mapped: &BTreeMap<String, String>) -> Vec<ProfileReport> {
        use crate::verdict::code::*;
        self.profiles
            .iter()
            .map(|(profile, c)| {
                let share = |f: &str| match FIELDS.iter().position(|x| *x == f) {
                    Some(i) if c.sms > 0 => c.with[i] as f64 / c.sms as f64,
                    _ => 0.0,
                };
                let has = |f: &str| share(f) > 0.0;
                let mut signals = Vec::new();
                let mut add = |signal, runs: bool, yes: &str, no: &str| {
                    signals.push(SignalCoverage { signal, runs, why: if runs { yes } else { no }.to_string() })
                };
                let dest = has("destination");
                let no_dest = "no destination number in the logs";
                add(VOLUME_SPIKE, has("destination_country"), if has("tenant") { "per tenant, workflow and country" } else { "no tenant field and no source identity (AWS account, Okta org): this profile's records are one tenant of their own" }, "neither destination nor its country is logged");
                add(NEW_DESTINATION_COUNTRY, has("destination_country"), "destination country known", "destination country unknown");
                add(HIGH_RISK_PREFIX, dest, "destination number known", no_dest);
                add(ADJACENT_NUMBERS, dest, "destination number known", no_dest);
                add(LOW_CONVERSION, c.conversions > 0, "conversion events present", "no conversion (verified OTP) events in these logs: add Verify / MFA success events, or the generic otp_verified record");
                add(CONVERSION_NORMAL, c.conversions > 0, "conversion events present: a surge that verifies as usual is explained", "no conversion events: a surge cannot be shown to verify");
                add(CONVERSION_GAP, c.conversions > 0, "conversion events present: a logging gap is told from pumping", "no conversion events");
                add(KNOWN_RECIPIENT, c.conversions > 0, "conversion events present: numbers that verified before are known", "no conversion events: no number is known to be a person's");
                add(KNOWN_REQUESTER, c.conversions > 0 && (has("requester_ip") || has("user_or_session")), "conversion events and the requester's IP or user present: networks and users that verified before are known", if c.conversions > 0 { "no requester IP or user: no requester is known" } else { "no conversion events: no requester is known to be a user's" });
                add(FRESH_BLOCK, dest, "destination number known (works on provider-only logs)", no_dest);
                add(BLOCK_SURGE, dest, if c.conversions > 0 { "destination number known; for flows that send no codes (or in logs without conversions), where a block's surge cannot be shown to verify" } else { "destination number known (no conversions logged: every flow's blocks are watched for surges)" }, no_dest);
                add(WORKFLOW_CONCENTRATION, has("workflow"), "workflow field present", "no workflow / flow tag: tag sends with their flow");
                add(SOURCE_VELOCITY, has("requester_ip") || has("user_agent") || has("user_or_session"), if c.conversions > 0 { "requester IP, user agent or user present; counts only where the source's own sends convert poorly, like pumping" } else { "requester IP, user agent or user present (no conversions logged: the second condition cannot be checked, so a busy office NAT looks like one, except for sends that name a user asking for its own number)" }, "no requester context (IP, user agent, user): the SMS provider does not see who asked");
                add(IP_GEO_MISMATCH, has("requester_country"), "requester country present", "no requester geo: enrich the requester IP with a country before pumpguard");
                add(BUDGET, dest, if has("price") { "prices from the logs" } else { "prices estimated from the tariff table" }, no_dest);
                add(PROVIDER_BLOCK, matches!(profile, Profile::TwilioVerify | Profile::TwilioMessage | Profile::AwsEum | Profile::Auth0 | Profile::Generic | Profile::Okta), "provider block codes are logged", "this source does not log provider fraud blocks");
                add(SHARED_BLOCK, dest, "destination number known (needs two or more tenants with a day of history in the stream)", no_dest);
                add(OPEN_INCIDENT, dest, "destination number known: later fresh sends into an open incident's block, requester or new countries are held at high", no_dest);
                add(EXPECTED_CHANGE, true, "annotations from configuration or generic annotation records", "");
                ProfileReport {
                    profile: profile.as_str(),
                    sms_records: c.sms,
                    conversion_records: c.conversions,
                    fields: FIELDS.iter().map(|f| (*f, (share(f) * 1000.0).round() / 1000.0)).collect(),
                    signals,
                    read_from: read_from(c, mapped),
                }
            })
            .collect()
    }
}
