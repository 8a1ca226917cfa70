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

/// Input profile settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profiles {
    /// The generic schema.
    pub generic: GenericProfile,
}

/// Settings of the generic schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenericProfile {
    /// Where a field of the generic schema is read from when an application's log names it
    /// otherwise: `{"time": "event_time", "to": "sms.recipient"}` (a dotted path reads into
    /// nested objects). A mapped field is read only from there; an unmapped one from its own
    /// name or a common alias (`timestamp`, `@timestamp`, `ts` for `time`; `tenant_id`,
    /// `account_id`, `org_id` for `tenant`; `phone`, `phone_number`, `recipient` for `to`;
    /// `user`, `uid` for `user_id`). `event` cannot be mapped: it says what a record is.
    pub fields: BTreeMap<String, String>,
}

/// AN0443 (DET0156) tunables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct An0443 {
    /// `TimeWindow`: the sliding window (seconds) for velocity, adjacency and spike counts.
    pub time_window_secs: u64,
    /// `SMSFrequencyThreshold`: sends per tenant and country inside `TimeWindow` above which
    /// `volume_spike` fires whatever the baseline says. 0 = learned baselines only.
    pub sms_frequency_threshold: u64,
    /// `DestinationCountryCodeFilter`: countries (ISO codes, `XX` = non-geographic).
    pub destination_country_code_filter: CountryFilter,
    /// `UserAgentAnomalyThreshold`: distinct numbers one user agent that is rare for the tenant
    /// may reach inside `TimeWindow` (2–16).
    pub user_agent_anomaly_threshold: u32,
    /// `IPGeoVarianceScore`: distinct destination countries one IP or user may reach inside
    /// `TimeWindow` (2–8).
    pub ip_geo_variance_score: u32,
}

/// Country allow / deny lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CountryFilter {
    /// Destinations that are always flagged (weight `deny_weight`).
    pub deny: Vec<String>,
    /// If non-empty, destinations outside this list are flagged (weight `outside_allow_weight`).
    pub allow: Vec<String>,
    /// Weight of a denied destination.
    pub deny_weight: u32,
    /// Weight of a destination outside the allow list.
    pub outside_allow_weight: u32,
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

/// Score thresholds (inclusive lower bounds) of each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Levels {
    /// Lowest score of `low`.
    pub low: u32,
    /// Lowest score of `medium`.
    pub medium: u32,
    /// Lowest score of `high`.
    pub high: u32,
    /// Lowest score of `critical`.
    pub critical: u32,
}

/// The action policy: what to do at each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Actions {
    /// Action at `none`.
    pub none: Action,
    /// Action at `low`.
    pub low: Action,
    /// Action at `medium`.
    pub medium: Action,
    /// Action at `high`.
    pub high: Action,
    /// Action at `critical`.
    pub critical: Action,
}

/// Per-signal settings. Weights are score points (0–100) a signal adds at full strength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Signals {
    /// `volume_spike`.
    pub volume_spike: VolumeSpike,
    /// `new_destination_country` and `rare_destination_country`.
    pub destination_country: DestinationCountry,
    /// `high_risk_prefix`.
    pub high_risk_prefix: Toggle,
    /// `adjacent_numbers`.
    pub adjacent_numbers: AdjacentNumbers,
    /// `fresh_block`.
    pub fresh_block: FreshBlock,
    /// `low_conversion`.
    pub low_conversion: LowConversion,
    /// `workflow_concentration`.
    pub workflow_concentration: WorkflowConcentration,
    /// `source_velocity`.
    pub source_velocity: SourceVelocity,
    /// `ip_geo_mismatch`.
    pub ip_geo_mismatch: IpGeoMismatch,
    /// `provider_block`.
    pub provider_block: ProviderBlock,
    /// `shared_block`.
    pub shared_block: SharedBlock,
    /// `expected_change`.
    pub expected_change: ExpectedChange,
    /// `conversion_normal` (exculpatory).
    pub conversion_normal: ConversionNormal,
    /// `conversion_gap` (conversion integrity).
    pub conversion_gap: ConversionGap,
    /// `known_recipient` (exculpatory): a number that verified a code before is not judged by
    /// the evidence about its block and key.
    pub known_recipient: Toggle,
}

/// A signal that only needs switching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    /// Run the signal.
    pub enabled: bool,
}

/// `volume_spike` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VolumeSpike {
    /// Run the signal.
    pub enabled: bool,
    /// Hours of history a key needs before its baseline is trusted.
    pub min_history_hours: u32,
    /// Fewest sends in the window that can be a spike.
    pub min_count: u32,
    /// Smallest ratio of observed to expected sends that can be a spike.
    pub min_ratio: f64,
    /// Poisson surprise (nats, -ln p) at which the signal starts to fire.
    pub min_surprise: f64,
    /// Surprise at which the weight reaches `max_weight`.
    pub full_surprise: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Smoothing of the hour-of-day baseline (share of a new day's hour).
    pub alpha: f64,
}

/// Destination-country novelty settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DestinationCountry {
    /// Run the signals.
    pub enabled: bool,
    /// Sends a tenant needs before a country can be "new" for it.
    pub min_tenant_sends: u32,
    /// Hours a tenant must have been seen before a country can be "new" for it.
    pub min_tenant_hours: u32,
    /// A country stays "new" for this many hours after the tenant's first send to it.
    pub new_for_hours: u32,
    /// A country with less than this share of the tenant's sends is rare.
    pub rare_share: f64,
    /// Weight of `new_destination_country`.
    pub new_weight: u32,
    /// Weight of `rare_destination_country`.
    pub rare_weight: u32,
}

/// `adjacent_numbers` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdjacentNumbers {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers in one range inside the window at which the signal fires (2–16).
    pub min_distinct: u32,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight added per further distinct number.
    pub step_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Extra weight when the numbers are packed tightly (sequential); not available in privacy mode.
    pub sequential_bonus: u32,
}

/// `fresh_block` settings: a number block with next to no history in the flow (its decayed sends
/// before the last ~80 minutes are fewer than the distinct numbers it now receives, sends that
/// looked like pumping counting 5 %) that suddenly receives many distinct numbers. Legitimate growth (a launch, an
/// enrolment day, a campaign) spreads over a country's many blocks; pumping concentrates on the
/// blocks the fraudster's partner terminates. Needs no conversion or requester data, so it works
/// on provider-only logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FreshBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers in the block inside the window at which the signal fires (2–16).
    pub min_distinct: u32,
    /// Share of the tenant's sends in the window that the block's distinct numbers must reach.
    pub min_share: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at 16 distinct numbers.
    pub max_weight: u32,
}

impl Default for FreshBlock {
    fn default() -> Self {
        FreshBlock {
            enabled: true,
            min_distinct: 10,
            min_share: 0.2,
            min_weight: 20,
            max_weight: 35,
        }
    }
}

/// `low_conversion` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LowConversion {
    /// Run the signal (only for tenants whose logs carry conversion evidence).
    pub enabled: bool,
    /// Seconds a send has to convert before it counts as unconverted.
    pub grace_secs: u64,
    /// Seconds of matured sends compared (the delayed window).
    pub window_secs: u64,
    /// Fewest matured sends that can show low conversion.
    pub min_sends: u32,
    /// Conversion rate assumed before a baseline is learned.
    pub default_rate: f64,
    /// Fires when the observed rate is below this share of the baseline rate.
    pub max_ratio: f64,
    /// Binomial surprise (nats) the shortfall needs.
    pub min_surprise: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength (no conversion at all over many sends).
    pub max_weight: u32,
    /// Matured sends a key needs over its current day (a 24-hour window from its first send)
    /// before the same check runs on the day: slow pumping, a few sends an hour, never fills
    /// the short window. 0 turns the day check off.
    pub day_min_sends: u32,
    /// A flow (tenant × workflow) whose long-run conversion is below this rate, over at least
    /// `flow_min_history` matured sends, does not send codes (notifications, reminders): it gets
    /// no conversion shortfall and is judged by the other signals.
    pub flow_min_rate: f64,
    /// Matured sends a flow needs before its own conversion rate is its baseline (before that,
    /// the tenant's).
    pub flow_min_history: u32,
    /// Evidence (nats) that makes a shortfall decisive, together with a rate under a tenth of
    /// the baseline (half of it for a block's day): the log-likelihood ratio of the window's
    /// conversions under "the key's usual sends convert at the baseline and the sends on top of
    /// them at a tenth of it" against "all convert at the baseline", over the beta-binomial
    /// inflation. Sends at the key's usual volume (a logging gap, a delivery outage) never
    /// reach it.
    pub decisive_surprise: f64,
    /// Weight of a decisive shortfall (0 turns it off). At `levels.high` by default: sends that
    /// nobody verifies, arriving on top of a key's usual traffic, are pumping on their own.
    pub decisive_weight: u32,
    /// Evidence accumulated over hours (each key's CUSUM of its matured 5-minute buckets'
    /// log-likelihood ratios, half-life 6 h) is decisive at `decisive_surprise` for a
    /// flow × country too, not only for a block and the countries new to the tenant. On: spread
    /// pumping into a country the tenant serves is caught, and while it lasts the fresh numbers
    /// of that country are held at `high` with it (collateral). Off: fewer legitimate sends held
    /// during such an attack, and the attack is caught only when one hour shows it.
    pub accumulate_countries: bool,
}

/// `workflow_concentration` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkflowConcentration {
    /// Run the signal.
    pub enabled: bool,
    /// Fewest tenant sends in the window.
    pub min_sends: u32,
    /// Share of the window's sends one workflow must carry.
    pub min_share: f64,
    /// Its long-run share must be below this.
    pub max_baseline_share: f64,
    /// Tenant sends needed before long-run shares are trusted.
    pub min_history: u32,
    /// Weight.
    pub weight: u32,
}

/// `source_velocity` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceVelocity {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers one IP may reach in the window.
    pub ip_numbers: u32,
    /// Distinct numbers one user or session may reach in the window.
    pub user_numbers: u32,
    /// Long-run share of a tenant's sends below which a user agent is rare.
    pub rare_user_agent_share: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Added when one source reaches twice `an0443.ip_geo_variance_score` countries in the
    /// window: fanning out over that many countries is pumping on its own.
    pub fanout_weight: u32,
    /// Two conditions: where the flow's logs carry conversions, one IP, user or session reaching
    /// many numbers counts only when the sends of that source convert poorly (the
    /// `low_conversion` test on the source's own matured sends). An office or carrier-grade NAT
    /// whose users verify their codes is not flagged. Fanning out over many countries still
    /// counts on its own.
    pub require_low_conversion: bool,
}

/// `ip_geo_mismatch` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpGeoMismatch {
    /// Run the signal.
    pub enabled: bool,
    /// Weight (weak on purpose: travellers and VPNs).
    pub weight: u32,
}

/// `shared_block` settings: one block, several tenants, many numbers in the window. State is
/// otherwise per tenant; this is the one view across tenants (a block pumped through several
/// customers of one platform).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharedBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Window (seconds): hours, so a block pumped slowly through several tenants accumulates.
    pub window_secs: u64,
    /// Distinct tenants, each with next to no history in the block, sending to it in the window.
    pub min_tenants: u32,
    /// Distinct numbers of the block those tenants reached in the window.
    pub min_numbers: u32,
    /// A tenant counts only when the block carries at least this share of its sends in the
    /// last `an0443.time_window_secs`.
    pub min_share: f64,
    /// Weight at `min_tenants`.
    pub weight: u32,
    /// Added for each tenant beyond `min_tenants` (at most two).
    pub weight_per_extra_tenant: u32,
}

impl Default for SharedBlock {
    fn default() -> Self {
        SharedBlock {
            enabled: true,
            window_secs: 3 * 3600,
            min_tenants: 2,
            min_numbers: 12,
            min_share: 0.1,
            weight: 25,
            weight_per_extra_tenant: 10,
        }
    }
}

/// `provider_block` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Weight of the blocked record itself.
    pub weight: u32,
    /// Weight carried to other sends of the same tenant and country while blocks are recent.
    pub neighbour_weight: u32,
    /// Provider error codes that mean "blocked as fraud" (Twilio Verify 60410 …).
    pub codes: Vec<String>,
}

/// `expected_change` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExpectedChange {
    /// Honour annotations.
    pub enabled: bool,
    /// Share of volume-type evidence (spike, novelty, concentration) kept during an annotation.
    pub keep_share: f64,
}

/// `conversion_normal` settings: exculpatory evidence. When the sends of a flow to a country
/// convert at their usual rate over the matured window, a surge is explained the way an
/// annotation explains it: volume-type evidence (spike, novelty, concentration) keeps
/// `keep_share` of its weight and the reason carries the reduction as a negative weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionNormal {
    /// Run the signal.
    pub enabled: bool,
    /// Conversion counts as usual at or above this share of the key's baseline rate.
    pub min_ratio: f64,
    /// Share of volume-type evidence kept.
    pub keep_share: f64,
}

impl Default for ConversionNormal {
    fn default() -> Self {
        ConversionNormal {
            enabled: true,
            min_ratio: 0.8,
            keep_share: 0.25,
        }
    }
}

/// `conversion_gap` settings: conversion integrity. When a tenant's conversions collapse over all
/// its traffic while its volume is ordinary, the conversion log has a gap (a webhook that stopped,
/// a delivery problem), not pumping: the gap is reported on its own, and conversion evidence
/// (`low_conversion`, the second condition of `source_velocity`) is suspended for the tenant
/// while it lasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionGap {
    /// Run the rule.
    pub enabled: bool,
    /// A gap: the tenant's matured sends of the last hour verify below this share of its rate.
    pub max_ratio: f64,
    /// Fewest matured sends of the tenant that can show a gap.
    pub min_sends: u32,
    /// Only sends to countries with at least this share of the tenant's long-run traffic are
    /// covered by a gap: a shortfall in a country the tenant rarely or never serves stays
    /// evidence.
    pub min_country_share: f64,
    /// Weight of the `conversion_gap` reason; kept below `levels.medium` + 25 so that it can never
    /// take a verdict to `high` with volume evidence alone.
    pub weight: u32,
}

impl Default for ConversionGap {
    fn default() -> Self {
        ConversionGap {
            enabled: true,
            max_ratio: 0.2,
            min_sends: 12,
            min_country_share: 0.05,
            weight: 10,
        }
    }
}

/// Daily budgets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budgets {
    /// Budget of every tenant without its own.
    pub default: Budget,
    /// Budgets by tenant name.
    pub tenants: BTreeMap<String, Budget>,
    /// Marks (percent of a budget) that add evidence; the highest crossed counts.
    pub marks: Vec<u32>,
    /// Weight at each mark, in the order of `marks`.
    pub weights: Vec<u32>,
    /// Crossing this mark (percent) opens a budget incident with an alert.
    pub alert_mark: u32,
}

/// One tenant's daily budget (UTC day). Absent limits are not checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// SMS per day.
    pub daily_count: Option<u64>,
    /// Spend per day in USD.
    pub daily_spend_usd: Option<f64>,
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

impl Default for An0443 {
    fn default() -> Self {
        An0443 {
            time_window_secs: 900,
            sms_frequency_threshold: 0,
            destination_country_code_filter: CountryFilter::default(),
            user_agent_anomaly_threshold: 12,
            ip_geo_variance_score: 3,
        }
    }
}

impl Default for CountryFilter {
    fn default() -> Self {
        CountryFilter {
            deny: Vec::new(),
            allow: Vec::new(),
            deny_weight: 40,
            outside_allow_weight: 25,
        }
    }
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            low: 20,
            medium: 40,
            high: 65,
            critical: 85,
        }
    }
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            none: Action::Allow,
            low: Action::Monitor,
            medium: Action::Throttle,
            high: Action::Block,
            critical: Action::Block,
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            volume_spike: VolumeSpike::default(),
            destination_country: DestinationCountry::default(),
            high_risk_prefix: Toggle { enabled: true },
            adjacent_numbers: AdjacentNumbers::default(),
            fresh_block: FreshBlock::default(),
            low_conversion: LowConversion::default(),
            workflow_concentration: WorkflowConcentration::default(),
            source_velocity: SourceVelocity::default(),
            ip_geo_mismatch: IpGeoMismatch {
                enabled: true,
                weight: 8,
            },
            provider_block: ProviderBlock::default(),
            shared_block: SharedBlock::default(),
            expected_change: ExpectedChange {
                enabled: true,
                keep_share: 0.25,
            },
            conversion_normal: ConversionNormal::default(),
            conversion_gap: ConversionGap::default(),
            known_recipient: Toggle { enabled: true },
        }
    }
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enabled: true }
    }
}

impl Default for VolumeSpike {
    fn default() -> Self {
        VolumeSpike {
            enabled: true,
            min_history_hours: 24,
            min_count: 10,
            min_ratio: 3.0,
            min_surprise: 10.0,
            full_surprise: 60.0,
            min_weight: 12,
            max_weight: 35,
            alpha: 0.25,
        }
    }
}

impl Default for DestinationCountry {
    fn default() -> Self {
        DestinationCountry {
            enabled: true,
            min_tenant_sends: 200,
            min_tenant_hours: 24,
            new_for_hours: 24,
            rare_share: 0.002,
            new_weight: 15,
            rare_weight: 10,
        }
    }
}

impl Default for AdjacentNumbers {
    fn default() -> Self {
        AdjacentNumbers {
            enabled: true,
            min_distinct: 4,
            min_weight: 18,
            step_weight: 3,
            max_weight: 40,
            sequential_bonus: 10,
        }
    }
}

impl Default for LowConversion {
    fn default() -> Self {
        LowConversion {
            enabled: true,
            grace_secs: 600,
            window_secs: 3600,
            min_sends: 8,
            default_rate: 0.6,
            max_ratio: 0.5,
            min_surprise: 5.0,
            min_weight: 20,
            max_weight: 45,
            day_min_sends: 12,
            flow_min_rate: 0.02,
            flow_min_history: 100,
            decisive_surprise: 10.0,
            decisive_weight: 65,
            accumulate_countries: true,
        }
    }
}

impl Default for WorkflowConcentration {
    fn default() -> Self {
        WorkflowConcentration {
            enabled: true,
            min_sends: 20,
            min_share: 0.6,
            max_baseline_share: 0.25,
            min_history: 200,
            weight: 15,
        }
    }
}

impl Default for SourceVelocity {
    fn default() -> Self {
        SourceVelocity {
            enabled: true,
            ip_numbers: 5,
            user_numbers: 3,
            rare_user_agent_share: 0.05,
            min_weight: 15,
            max_weight: 35,
            fanout_weight: 20,
            require_low_conversion: true,
        }
    }
}

impl Default for IpGeoMismatch {
    fn default() -> Self {
        IpGeoMismatch {
            enabled: true,
            weight: 8,
        }
    }
}

impl Default for ProviderBlock {
    fn default() -> Self {
        ProviderBlock {
            enabled: true,
            weight: 40,
            neighbour_weight: 20,
            codes: [
                "60410",
                "60605",
                "30450",
                "TEXT_PROTECT_BLOCKED",
                "BLOCKED_BY_PROTECT",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for ExpectedChange {
    fn default() -> Self {
        ExpectedChange {
            enabled: true,
            keep_share: 0.25,
        }
    }
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            default: Budget::default(),
            tenants: BTreeMap::new(),
            marks: vec![50, 80, 100],
            weights: vec![5, 15, 30],
            alert_mark: 100,
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

    /// Checks every field and returns every problem found.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errs = Vec::new();
        let mut err = |field: &str, message: String| {
            errs.push(ConfigError {
                field: field.into(),
                message,
            })
        };
        let key_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@');
        if self.output_key.is_empty() || self.output_key.len() > 64 || !self.output_key.chars().all(key_chars)
        {
            // Found by fuzzing: any other key would be escaped in the output, and field
            // routers (Fluent Bit's record accessor, VRL paths) cannot name it plainly.
            err(
                "output_key",
                "must be 1 to 64 characters of A-Z a-z 0-9 _ - . @".into(),
            );
        } else if matches!(self.output_key.as_str(), "message" | "message_base64") {
            // Unparsable records are wrapped as {"message": …, <output_key>: …}.
            err(
                "output_key",
                "message and message_base64 hold wrapped records; choose another key".into(),
            );
        }
        for (name, path) in &self.profiles.generic.fields {
            let field = format!(
                "profiles.generic.fields.{}",
                name.chars().take(64).collect::<String>()
            );
            if !crate::profiles::GENERIC_FIELDS.iter().any(|f| f.0 == name) {
                let known: Vec<&str> = crate::profiles::GENERIC_FIELDS.iter().map(|f| f.0).collect();
                err(
                    &field,
                    format!("not a field of the generic schema (one of: {})", known.join(", ")),
                );
            } else if path.is_empty()
                || path.len() > 256
                || path.split('.').count() > 8
                || path.split('.').any(str::is_empty)
            {
                err(
                    &field,
                    "must be a field name or a dotted path of up to 8 non-empty names, 256 characters at most".into(),
                );
            }
        }
        if self.privacy.enabled && self.privacy.salt.len() < 16 {
            err(
                "privacy.salt",
                "privacy mode needs a secret salt of at least 16 characters".into(),
            );
        }
        if !(1..=8).contains(&self.block_digits) {
            err("block_digits", "must be 1 to 8".into());
        }
        if !(2..=6).contains(&self.adjacent_suffix_digits) {
            err("adjacent_suffix_digits", "must be 2 to 6".into());
        }
        let a = &self.an0443;
        if !(60..=86_400).contains(&a.time_window_secs) {
            err("an0443.time_window_secs", "must be 60 to 86400 seconds".into());
        }
        if !(2..=16).contains(&a.user_agent_anomaly_threshold) {
            err(
                "an0443.user_agent_anomaly_threshold",
                "must be 2 to 16 numbers (a source remembers 16)".into(),
            );
        }
        if !(2..=8).contains(&a.ip_geo_variance_score) {
            err(
                "an0443.ip_geo_variance_score",
                "must be 2 to 8 countries (a source remembers 8)".into(),
            );
        }
        for (field, list) in [
            (
                "an0443.destination_country_code_filter.deny",
                &a.destination_country_code_filter.deny,
            ),
            (
                "an0443.destination_country_code_filter.allow",
                &a.destination_country_code_filter.allow,
            ),
        ] {
            for c in list {
                if crate::numbering::Country::from_code(c).is_none() {
                    err(field, format!("{c:?} is not a two-letter country code"));
                }
            }
        }
        let l = &self.levels;
        if !(0 < l.low && l.low < l.medium && l.medium < l.high && l.high < l.critical && l.critical <= 100) {
            err("levels", "need 0 < low < medium < high < critical <= 100".into());
        }
        if self.alert_level < Level::Low || self.alert_level > Level::Critical {
            err("alert_level", "must be low, medium, high or critical".into());
        }
        if self.max_clock_jump_secs < 3600 {
            err("max_clock_jump_secs", "must be at least 3600".into());
        }
        if self.incident_idle_secs < 60 {
            err("incident_idle_secs", "must be at least 60".into());
        }
        let s = &self.signals;
        if self.incident_reopen_secs > 7 * 86_400 {
            err("incident_reopen_secs", "must be at most 7 days".into());
        }
        if !(0.0..=1e9).contains(&self.incident_cost_alert_usd) {
            err("incident_cost_alert_usd", "must be 0 (off) to 1e9 USD".into());
        }
        if !(0.0..=1.0).contains(&self.signals.shared_block.min_share) {
            err("signals.shared_block.min_share", "must be 0 to 1".into());
        }
        if !(60..=7 * 86_400).contains(&self.signals.shared_block.window_secs) {
            err(
                "signals.shared_block.window_secs",
                "must be 60 s to 7 days".into(),
            );
        }
        let weights: [(&str, u32); 19] = [
            ("signals.volume_spike.min_weight", s.volume_spike.min_weight),
            ("signals.volume_spike.max_weight", s.volume_spike.max_weight),
            (
                "signals.destination_country.new_weight",
                s.destination_country.new_weight,
            ),
            (
                "signals.destination_country.rare_weight",
                s.destination_country.rare_weight,
            ),
            (
                "signals.adjacent_numbers.min_weight",
                s.adjacent_numbers.min_weight,
            ),
            (
                "signals.adjacent_numbers.max_weight",
                s.adjacent_numbers.max_weight,
            ),
            ("signals.low_conversion.min_weight", s.low_conversion.min_weight),
            ("signals.low_conversion.max_weight", s.low_conversion.max_weight),
            (
                "signals.workflow_concentration.weight",
                s.workflow_concentration.weight,
            ),
            ("signals.source_velocity.min_weight", s.source_velocity.min_weight),
            ("signals.source_velocity.max_weight", s.source_velocity.max_weight),
            (
                "signals.source_velocity.fanout_weight",
                s.source_velocity.fanout_weight,
            ),
            ("signals.ip_geo_mismatch.weight", s.ip_geo_mismatch.weight),
            ("signals.provider_block.weight", s.provider_block.weight),
            ("signals.shared_block.weight", s.shared_block.weight),
            (
                "signals.shared_block.weight_per_extra_tenant",
                s.shared_block.weight_per_extra_tenant,
            ),
            (
                "signals.provider_block.neighbour_weight",
                s.provider_block.neighbour_weight,
            ),
            (
                "an0443.destination_country_code_filter.deny_weight",
                a.destination_country_code_filter.deny_weight,
            ),
            (
                "an0443.destination_country_code_filter.outside_allow_weight",
                a.destination_country_code_filter.outside_allow_weight,
            ),
        ];
        for (f, w) in weights {
            if w > 100 {
                err(f, format!("{w} is more than 100 score points"));
            }
        }
        for (f, lo, hi) in [
            (
                "signals.volume_spike",
                s.volume_spike.min_weight,
                s.volume_spike.max_weight,
            ),
            (
                "signals.adjacent_numbers",
                s.adjacent_numbers.min_weight,
                s.adjacent_numbers.max_weight,
            ),
            (
                "signals.low_conversion",
                s.low_conversion.min_weight,
                s.low_conversion.max_weight,
            ),
            (
                "signals.source_velocity",
                s.source_velocity.min_weight,
                s.source_velocity.max_weight,
            ),
        ] {
            if lo > hi {
                err(f, "min_weight is above max_weight".into());
            }
        }
        if !(2..=16).contains(&s.fresh_block.min_distinct) {
            err(
                "signals.fresh_block.min_distinct",
                "must be 2 to 16 (a block remembers 16 numbers)".into(),
            );
        }
        if s.fresh_block.min_weight > s.fresh_block.max_weight || s.fresh_block.max_weight > 100 {
            err(
                "signals.fresh_block",
                "need min_weight <= max_weight <= 100".into(),
            );
        }
        let adj = &s.adjacent_numbers;
        if !(2..=16).contains(&adj.min_distinct) {
            err(
                "signals.adjacent_numbers.min_distinct",
                "must be 2 to 16 (a range remembers 16 numbers)".into(),
            );
        }
        if adj.step_weight > 100 || adj.sequential_bonus > 100 {
            err(
                "signals.adjacent_numbers",
                "step_weight and sequential_bonus must be at most 100".into(),
            );
        }
        let v = &s.volume_spike;
        if !(v.alpha > 0.0 && v.alpha <= 1.0) {
            err("signals.volume_spike.alpha", "must be in (0, 1]".into());
        }
        if !(v.min_ratio >= 1.0 && v.min_surprise > 0.0 && v.full_surprise > v.min_surprise) {
            err(
                "signals.volume_spike",
                "need min_ratio >= 1 and 0 < min_surprise < full_surprise".into(),
            );
        }
        let c = &s.low_conversion;
        if !(c.default_rate > 0.0 && c.default_rate <= 1.0) {
            err("signals.low_conversion.default_rate", "must be in (0, 1]".into());
        }
        if !(c.max_ratio > 0.0 && c.max_ratio < 1.0) {
            err("signals.low_conversion.max_ratio", "must be in (0, 1)".into());
        }
        if c.window_secs < 300 || c.window_secs > 86_400 || c.grace_secs > c.window_secs {
            err(
                "signals.low_conversion",
                "need 300 <= window_secs <= 86400 and grace_secs <= window_secs".into(),
            );
        }
        for (f, x) in [
            (
                "signals.destination_country.rare_share",
                s.destination_country.rare_share,
            ),
            (
                "signals.workflow_concentration.min_share",
                s.workflow_concentration.min_share,
            ),
            (
                "signals.workflow_concentration.max_baseline_share",
                s.workflow_concentration.max_baseline_share,
            ),
            (
                "signals.source_velocity.rare_user_agent_share",
                s.source_velocity.rare_user_agent_share,
            ),
            ("signals.expected_change.keep_share", s.expected_change.keep_share),
            (
                "signals.conversion_normal.keep_share",
                s.conversion_normal.keep_share,
            ),
            (
                "signals.conversion_normal.min_ratio",
                s.conversion_normal.min_ratio,
            ),
            (
                "signals.low_conversion.flow_min_rate",
                s.low_conversion.flow_min_rate,
            ),
            ("signals.conversion_gap.max_ratio", s.conversion_gap.max_ratio),
            (
                "signals.conversion_gap.min_country_share",
                s.conversion_gap.min_country_share,
            ),
            ("signals.fresh_block.min_share", s.fresh_block.min_share),
        ] {
            if !(0.0..=1.0).contains(&x) {
                err(f, "must be a share between 0 and 1".into());
            }
        }
        let b = &self.budgets;
        if b.marks.len() != b.weights.len() || b.marks.windows(2).any(|w| w[0] >= w[1]) {
            err("budgets", "marks must increase and have one weight each".into());
        }
        if b.weights.iter().any(|w| *w > 100) || b.marks.iter().any(|m| *m == 0 || *m > 10_000) {
            err(
                "budgets",
                "weights must be at most 100 and marks 1 to 10000 percent".into(),
            );
        }
        for (name, budget) in
            std::iter::once(("default", &b.default)).chain(b.tenants.iter().map(|(k, v)| (k.as_str(), v)))
        {
            if matches!(budget.daily_spend_usd, Some(x) if !(x.is_finite() && x > 0.0)) {
                err(
                    &format!("budgets.{name}.daily_spend_usd"),
                    "must be a positive number".into(),
                );
            }
            if budget.daily_count == Some(0) {
                err(&format!("budgets.{name}.daily_count"), "must be positive".into());
            }
        }
        for (i, an) in self.annotations.iter().enumerate() {
            let f = format!("annotations[{i}]");
            match (crate::time::parse(&an.start), crate::time::parse(&an.end)) {
                (Some(s), Some(e)) if s < e => {}
                (Some(_), Some(_)) => err(&f, "start is not before end".into()),
                _ => err(&f, "start and end must be times (RFC 3339 or epoch)".into()),
            }
            if an.tenant.is_empty() {
                err(&f, "tenant is required".into());
            }
            if let Some(c) = &an.country {
                if crate::numbering::Country::from_code(c).is_none() {
                    err(&f, format!("country {c:?} is not a two-letter code"));
                }
            }
        }
        if self.annotations.len() > self.limits.annotations {
            err("annotations", "more annotations than limits.annotations".into());
        }
        let lim = &self.limits;
        if !(1024..=64 << 20).contains(&lim.max_record_bytes) {
            err("limits.max_record_bytes", "must be 1 KiB to 64 MiB".into());
        }
        for (f, n) in [
            ("limits.tenants", lim.tenants),
            ("limits.volume_keys", lim.volume_keys),
            ("limits.conversion_keys", lim.conversion_keys),
            ("limits.ranges", lim.ranges),
            ("limits.sources", lim.sources),
            ("limits.recent_sends", lim.recent_sends),
            ("limits.messages", lim.messages),
            ("limits.incidents", lim.incidents),
        ] {
            if !(16..=1 << 24).contains(&n) {
                err(f, "must be 16 to 16,777,216".into());
            }
        }
        let bound = crate::state::State::bytes_bound(lim);
        if bound > lim.max_state_bytes {
            err(
                "limits",
                format!(
                    "capacities need up to {} bytes of state, more than max_state_bytes ({})",
                    bound, lim.max_state_bytes
                ),
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errs))
        }
    }
}
