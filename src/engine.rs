//! The engine: one record in, one record out, with all state bounded and all time from records.

use hashbrown::HashSet;
use siphasher::sip::SipHasher13;

use crate::config::{Config, ConfigError, ConfigErrors};
use crate::coverage::Coverage;
use crate::json::{write_str, Obj};
use crate::numbering::{Country, Number, NumberingPlan};
use crate::profiles::{self, Event, Kind};
use crate::signals::{self, Send};
use crate::state::{
    ActiveAnnotation, Conv, Incident, OpenRef, Range, SentRef, Source, State, Tenant, Volume,
};
use crate::tables::{RiskTable, Tariffs, EMBEDDED_RISK, EMBEDDED_TARIFFS};
use crate::time::{self, Millis, MIN_TIME};
use crate::verdict::{code, Action, Keys, Level, Reason, Verdict};

/// Version of the engine.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Snapshot format magic and version. The header is followed by an 8-byte fingerprint of the
/// hashing key (the privacy salt), then the postcard-encoded state.
/// Snapshot format: this magic (its last byte is the format version), the keyer's fingerprint
/// (u64 LE), a keyed checksum of the body (u64 LE), then the postcard body.
const SNAPSHOT_MAGIC: &[u8; 8] = b"PGSNAP\0\x08";
/// Domain of the body checksum.
const SNAPSHOT_CHECKSUM: u8 = 0xfe;

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

/// Domain separators of keyed hashes.
mod dom {
    pub const TENANT: u8 = 1;
    pub const WORKFLOW: u8 = 2;
    pub const BLOCK: u8 = 3;
    pub const RANGE: u8 = 4;
    pub const NUMBER: u8 = 5;
    pub const MESSAGE: u8 = 6;
    pub const REF: u8 = 7;
    pub const IP: u8 = 8;
    pub const UA: u8 = 9;
    pub const USER: u8 = 10;
    pub const SESSION: u8 = 11;
    pub const INCIDENT: u8 = 12;
    pub const SUFFIX: u8 = 13;
    pub const TENANTLESS: u8 = 14;
}

#[derive(Clone)]
struct Keyer {
    k0: u64,
    k1: u64,
}

impl Keyer {
    fn new(salt: &str) -> Keyer {
        let mut h = SipHasher13::new_with_keys(0x7075_6d70_6775_6172, 0x6432_3032_362d_3131);
        std::hash::Hasher::write(&mut h, salt.as_bytes());
        let k0 = std::hash::Hasher::finish(&h);
        std::hash::Hasher::write_u8(&mut h, 0xff);
        let k1 = std::hash::Hasher::finish(&h);
        Keyer { k0, k1 }
    }

    fn hash(&self, domain: u8, s: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        std::hash::Hasher::write_u8(&mut h, domain);
        std::hash::Hasher::write(&mut h, s);
        std::hash::Hasher::finish(&h)
    }

    /// A fingerprint of the key material: snapshots only make sense under the same salt.
    fn fingerprint(&self) -> u64 {
        self.hash(0xff, b"snapshot-fingerprint")
    }

    fn mix(a: u64, b: u64) -> u64 {
        // splitmix64 finaliser over a combination: keys stay well spread for the index.
        let mut z = a ^ b.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

const KEY_ALL: u64 = 0xA11;
const KEY_COUNTRY: u64 = 0xC0;
const KEY_BLOCK_CONV: u64 = 0xB1;
const KEY_COUNTRY_CONV: u64 = 0xC1;
const KEY_OPEN: u64 = 0x0E;
/// Positions of an incident's keys in `open_keys`: tenant × country, requester, the flow's new
/// countries, the block across tenants; then a key that only joins an incident and never
/// carries a send to `high` (`OPEN_JOIN_ONLY` on): the requester's network (IPv4 /24, IPv6 /48),
/// and the tenant's blocks (a send with evidence about its block joins an incident of the same
/// tenant opened on evidence about another block: an attacker rotating blocks).
const OPEN_COUNTRY: usize = 0;
const OPEN_REQUESTER: usize = 1;
const OPEN_BLOCK: usize = 3;
const OPEN_JOIN_ONLY: usize = 4;
const OPEN_TENANT_BLOCKS: usize = 5;
const KEY_SHARED_NUMBERS: u64 = 0x5B1;
const KEY_SHARED_TENANTS: u64 = 0x5B2;
/// Half-lives of a shared block's recent and long-run send counts.
const SHARED_FAST_HALF_LIFE: Millis = 90 * 60_000;
const SHARED_SLOW_HALF_LIFE: Millis = 2 * 86_400_000;
const KEY_SOURCE_CONV: u64 = 0x5C1;
const KEY_NO_WORKFLOW: u64 = 0xF10;
const KEY_RARE_CONV: u64 = 0xA4E;
const KEY_FLOW_CONV: u64 = 0xF1C;
const KEY_BLOCK_NUMBERS: u64 = 0xB2;
const KEY_NETWORK: u64 = 0x4E7;
const KEY_TENANT_BLOCKS: u64 = 0x7B1;

/// The network of an address as its leading bytes: an IPv4 /24 or an IPv6 /48 (an IPv4-mapped
/// IPv6 address counts as IPv4; `a.b.c.d:port` is read as its address). `None` when the text is
/// not an address.
fn ip_network(ip: &str) -> Option<Vec<u8>> {
    let ip = ip.trim();
    let addr: core::net::IpAddr = ip
        .parse()
        .ok()
        .or_else(|| ip.rsplit_once(':').and_then(|(a, _)| a.parse().ok()))?;
    match addr {
        core::net::IpAddr::V4(a) => Some(a.octets()[..3].to_vec()),
        core::net::IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => Some(v4.octets()[..3].to_vec()),
            None => Some(a.octets()[..6].to_vec()),
        },
    }
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

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
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
    fn advance_clock(&mut self, t: Millis) -> Millis {
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

    fn unknown_action(&self) -> Action {
        if self.cfg.monitor_only {
            Action::Monitor
        } else {
            Action::Allow
        }
    }

    /// The tenant, or for a record without one its profile: tenant-less logs of different
    /// sources (SNS delivery logs, an Okta System Log) never share baselines.
    fn tenant_key(&self, ev: &Event<'_>) -> u64 {
        match ev.tenant.as_deref() {
            Some(t) => self.keyer.hash(dom::TENANT, t.as_bytes()),
            None => self.keyer.hash(dom::TENANTLESS, ev.profile.as_str().as_bytes()),
        }
    }

    fn base_keys(ev: &Event<'_>) -> Keys {
        Keys {
            tenant: ev.tenant.as_deref().map(|s| cut(s, 128).to_string()),
            workflow: ev.workflow.as_deref().map(|s| cut(s, 128).to_string()),
            ..Keys::default()
        }
    }

    fn normalize(&self, ev: &Event<'_>) -> Result<Number, Box<Verdict>> {
        let action = self.unknown_action();
        let mut keys = Self::base_keys(ev);
        let hint = ev.country_hint.as_deref().and_then(|c| self.plan.country(c));
        keys.country = hint.map(|c| c.to_string());
        let Some(to) = ev.to.as_deref() else {
            let mut v = Verdict::unscored(
                code::NO_DESTINATION,
                format!("{} record without a destination number", ev.profile.as_str()),
                action,
            );
            v.keys = keys;
            return Err(Box::new(v));
        };
        self.plan.normalize(cut(to, 64), hint).map_err(|e| {
            let mut v = Verdict::unscored(
                code::INVALID_DESTINATION,
                format!("destination is not a valid phone number: {}", e.as_str()),
                action,
            );
            v.keys = keys;
            Box::new(v)
        })
    }

    fn score_sms(&mut self, ev: &Event<'_>, now: Millis) -> Verdict {
        let number = match self.normalize(ev) {
            Ok(n) => n,
            Err(v) => return *v,
        };
        let cfg = &self.cfg;
        let privacy = cfg.privacy.enabled;
        let k = &self.keyer;
        let tenant = self.tenant_key(ev);
        let workflow_hash = ev
            .workflow
            .as_deref()
            .map(|w| k.hash(dom::WORKFLOW, w.as_bytes()));
        let country = number.country;
        let block_digits = number.block(cfg.block_digits);
        let block = format!("+{block_digits}");
        let country_key = Keyer::mix(tenant, KEY_COUNTRY ^ u64::from(country.id()) << 8);
        // Conversion keys are per flow (tenant × workflow), never mixing workflows.
        let flow_key = flow_key(tenant, workflow_hash);
        let flow_country_key = Keyer::mix(flow_key, KEY_COUNTRY ^ u64::from(country.id()) << 8);
        let block_key = Keyer::mix(flow_key, k.hash(dom::BLOCK, block_digits.as_bytes()));
        let number_hash = k.hash(dom::NUMBER, number.digits().as_bytes());
        // A known-good recipient: this number verified a code of this tenant before (kept in the
        // bounded, keyed attribution map, so privacy mode holds and spraying cannot grow it).
        // A resend: the same number was sent a code within the grace period and has not verified
        // it yet (a user asking again, an app bug). It is not a new verification trial, so it does
        // not count in the conversion keys, and the first send keeps the attribution.
        let grace = cfg.signals.low_conversion.grace_secs as Millis * 1000;
        let (known_good, resend) =
            self.state
                .sent
                .get(Keyer::mix(tenant, number_hash))
                .map_or((false, false), |s| {
                    (
                        s.verified || s.known_good,
                        !s.verified && now >= s.at && now - s.at < grace,
                    )
                });
        let range_digits = number.range(cfg.adjacent_suffix_digits);
        let range = range_digits.map(|r| Keyer::mix(tenant, k.hash(dom::RANGE, r.as_bytes())));
        let suffix = if privacy {
            (k.hash(dom::SUFFIX, number.digits().as_bytes()) as u32) | 1
        } else {
            number.suffix(cfg.adjacent_suffix_digits)
        };
        let mut sources = Vec::new();
        for (kind, dm, val) in [
            ("ip", dom::IP, &ev.ip),
            ("user_agent", dom::UA, &ev.user_agent),
            ("user", dom::USER, &ev.user),
            ("session", dom::SESSION, &ev.session),
        ] {
            if let Some(v) = val.as_deref() {
                sources.push((kind, Keyer::mix(tenant, k.hash(dm, cut(v, 512).as_bytes()))));
            }
        }
        let first = match ev.message_id.as_deref() {
            Some(id) => {
                let mk = Keyer::mix(tenant, k.hash(dom::MESSAGE, cut(id, 256).as_bytes()));
                let fresh = self.state.messages.get(mk).is_none();
                self.state.messages.entry(mk, || crate::state::Seen(now)).0 = now;
                fresh
            }
            None => true,
        };
        let trial = first && !resend;
        let blocked = ev
            .provider_code
            .as_deref()
            .is_some_and(|c| self.provider_codes.contains(c));
        let segments = ev.segments.filter(|s| (1.0..=100.0).contains(s)).unwrap_or(1.0);
        let cost = if blocked {
            0.0
        } else {
            ev.price_usd
                .filter(|p| (0.0..1000.0).contains(p))
                .unwrap_or_else(|| self.tariffs.price(country) * segments)
        };
        let send = Send {
            now,
            first,
            workflow: workflow_hash.map(|w| Keyer::mix(tenant, w)),
            country,
            range,
            suffix,
            number: number_hash,
            sources,
        };
        // The requester (IP, else user, else session) and the user agent: each keeps conversion
        // counts of its own for the second condition of `source_velocity`.
        let source_of = |agent: bool| {
            send.sources
                .iter()
                .find(|(kind, _)| (*kind == "user_agent") == agent)
                .map(|s| s.1)
        };
        let (requester, agent) = (source_of(false), source_of(true));
        let source_conv_key = |s: Option<u64>| s.map_or(0, |sk| Keyer::mix(sk, KEY_SOURCE_CONV));
        let mut reasons: Vec<Reason> = Vec::new();
        let mut damped: Vec<Reason> = Vec::new(); // volume-type evidence an annotation may explain

        // Tenant: novelty, workflow concentration, budget.
        let t = self.state.tenants.entry(tenant, || empty_tenant(now));
        let view = signals::tenant_send(cfg, t, &send, workflow_hash, cost);
        signals::country_novelty(cfg, &view, &send, &mut damped);
        signals::workflow_concentration(
            cfg,
            t,
            workflow_hash,
            ev.workflow.as_deref().unwrap_or(""),
            now,
            &mut damped,
        );
        let dow = signals::dow_factor(t, now);
        let tenant_rate = signals::tenant_rate(t);
        // Conversion is judged against the flow's own baseline; a flow that does not send codes
        // (its history never converts) gets no shortfall.
        let flow = signals::flow_conversion(cfg, t, workflow_hash, now);
        let judge_conversion = matches!(
            flow,
            signals::FlowConversion::Rate(_) | signals::FlowConversion::Borrowed(_)
        );
        let own_baseline = matches!(flow, signals::FlowConversion::Rate(_));
        let prior = match flow {
            signals::FlowConversion::Rate(r) | signals::FlowConversion::Borrowed(r) if r > 0.0 => r,
            _ => tenant_rate,
        };
        let budget = budget_reason(cfg, ev.tenant.as_deref().unwrap_or(""), t);
        let tenant_snapshot = (t.sends, t.long_run);
        let tenant_window = f64::from(t.window.get(now, cfg.an0443.time_window_secs as Millis * 1000));

        // Volume: tenant, tenant × workflow, tenant × country.
        let mut spike: Option<Reason> = None;
        // The tenant's volume has a baseline and is not spiking (for the conversion-gap rule).
        let mut tenant_volume_ordinary = false;
        // This hour's share of the day, from the country's volume profile (else the tenant's).
        let mut season: Option<f64> = None;
        let vol_keys = [
            (Some(Keyer::mix(tenant, KEY_ALL)), 0u8),
            (send.workflow, 1),
            (Some(Keyer::mix(country_key, KEY_ALL)), 2),
        ];
        for (key, kind) in vol_keys {
            let Some(key) = key else { continue };
            let v = self.state.volumes.entry(key, || Volume {
                last: now,
                window: Default::default(),
                hour: 0,
                hour_count: 0,
                hours_seen: 0,
                hod: [0.0; 24],
            });
            if first {
                signals::volume_send(cfg, v, now);
            }
            let what = || match kind {
                0 => "tenant".to_string(),
                1 => format!("workflow {}", cut(ev.workflow.as_deref().unwrap_or(""), 64)),
                _ => format!("country {country}"),
            };
            if kind != 1 {
                season = signals::seasonal_factor(cfg, v, now, dow).or(season);
            }
            let r = signals::volume_spike(cfg, v, now, dow, kind == 2, what);
            if kind == 0 {
                tenant_volume_ordinary =
                    r.is_none() && v.hours_seen >= cfg.signals.volume_spike.min_history_hours;
            }
            if let Some(r) = r {
                if spike.as_ref().is_none_or(|s| r.weight > s.weight) {
                    spike = Some(r);
                }
            }
        }
        damped.extend(spike);
        let season = season.unwrap_or(1.0);

        // Conversion integrity: conversions collapsing over all of a tenant's traffic at its
        // ordinary volume are a gap in the conversion log (a webhook that stopped), not pumping
        // (pumping that large would raise the volume). The gap is its own reason, and conversion
        // evidence is set aside for the tenant while it lasts.
        let tc = &mut self.state.tenants.entry(tenant, || empty_tenant(now)).conv;
        if trial {
            signals::conv_send(cfg, tc, now, tenant_rate);
        }
        // Only sends to the tenant's usual countries are covered by a gap: a shortfall in a
        // country it rarely or never serves stays evidence.
        let usual_country =
            !view.new_country && view.country_share >= cfg.signals.conversion_gap.min_country_share;
        let gap = (cfg.signals.conversion_gap.enabled
            && tenant_rate > 0.0
            && tenant_volume_ordinary
            && usual_country)
            .then(|| signals::conversion_gap(cfg, tc, tenant_rate, now))
            .flatten();
        let judge_conversion = judge_conversion && gap.is_none();
        if let Some((v, n, p)) = gap {
            reasons.push(Reason {
                code: code::CONVERSION_GAP,
                weight: cfg.signals.conversion_gap.weight as i32,
                detail: format!(
                    "tenant: {v} of {n} verified in {}m (usual {:.0}%) at ordinary volume: a gap in the conversion log; conversion evidence set aside",
                    cfg.signals.low_conversion.window_secs / 60,
                    p * 100.0
                ),
            });
        }

        // Conversion.
        let mut conv_best: Option<Reason> = None;
        let mut conv_group: Option<ConvGroup> = None;
        // The shortfall's weight without the extra volume, when its weight rests on the extra
        // volume (`excess_llr`).
        let mut conv_counts_volume: Option<i32> = None;
        // Pumping spreads over countries the tenant has not served before: sends to countries
        // new to it (first sent to in the last `new_for_hours`) are also counted together, so a
        // slow attack over several of them fills one window. (Rare but known countries stay out:
        // a legitimate send there must not inherit an attack's shortfall.)
        let rare_key = (view.established && view.new_country).then(|| Keyer::mix(flow_key, KEY_RARE_CONV));
        // The flow across its countries: counted, not judged, so that a key's shortfall can be
        // set against the rest of its flow (`rest_converts`).
        let fc = self
            .state
            .convs
            .entry(Keyer::mix(flow_key, KEY_FLOW_CONV), Conv::new);
        if trial {
            signals::conv_send(cfg, fc, now, prior);
        }
        let flow_rate = signals::conv_rate(cfg, fc, prior);
        let rest = signals::REST_SPAN;
        let flow_window = (
            signals::matured_span(cfg, fc, now, rest),
            signals::usual_in(cfg, fc, season, rest),
        );
        // An open incident of the tenant on another block of this country: it explains the
        // country's accumulated evidence (see `ConvContext::may_accumulate`).
        let tenant_blocks_open = Keyer::mix(Keyer::mix(tenant, KEY_TENANT_BLOCKS), KEY_OPEN);
        let block_explains = self
            .open_incident(&[Some(tenant_blocks_open)], now)
            .is_some_and(|(_, inc)| inc.country == country.as_str() && inc.block != block);
        let mut usual: Option<(u32, u32, f64)> = None;
        // The country's matured window and baseline, for its blocks' `rest` of the country.
        let mut country_window = ((0, 0), 0.0);
        for (key, group) in [
            (
                Some(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV)),
                ConvGroup::Country,
            ),
            (Some(Keyer::mix(block_key, KEY_BLOCK_CONV)), ConvGroup::Block),
            (rare_key, ConvGroup::Rare),
        ] {
            let Some(key) = key else { continue };
            let c = self.state.convs.entry(key, Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            signals::conv_cusum(cfg, c, now, prior, season);
            if blocked {
                c.blocks
                    .add(now, 1.0, cfg.an0443.time_window_secs as Millis * 1000);
            }
            if judge_conversion && group == ConvGroup::Country {
                usual = signals::conversion_normal(cfg, c, prior, now);
                country_window = (signals::matured(cfg, c, now), signals::conv_rate(cfg, c, prior));
            }
            if cfg.signals.low_conversion.enabled && judge_conversion {
                let what = || match group {
                    ConvGroup::Block => format!("{country} {block}"),
                    ConvGroup::Country => country.to_string(),
                    ConvGroup::Rare => format!("countries new to the tenant ({country} …)"),
                };
                let block = (group == ConvGroup::Block).then(|| {
                    let (((vc, nc), p), (vb, nb)) = (country_window, signals::matured(cfg, c, now));
                    signals::binomial_surprise(
                        f64::from(vc.saturating_sub(vb)),
                        f64::from(nc.saturating_sub(nb)),
                        p,
                    )
                });
                let key_window = (
                    signals::matured_span(cfg, c, now, rest),
                    signals::usual_in(cfg, c, season, rest),
                );
                if let Some((r, from_volume)) = signals::low_conversion(
                    cfg,
                    c,
                    prior,
                    now,
                    signals::ConvContext {
                        block,
                        own_baseline,
                        season,
                        may_accumulate: signals::rest_converts(flow_window, key_window, flow_rate)
                            && !(group == ConvGroup::Country
                                && (block_explains || !cfg.signals.low_conversion.accumulate_countries)),
                    },
                    what,
                ) {
                    // The more specific key wins a tie: a block's evidence places the attack.
                    let better = conv_best.as_ref().is_none_or(|b| {
                        r.weight > b.weight || (r.weight == b.weight && group == ConvGroup::Block)
                    });
                    if better {
                        conv_best = Some(r);
                        conv_group = Some(group);
                        conv_counts_volume = from_volume;
                    }
                }
            }
        }
        if conv_best.is_some() {
            usual = None;
        }
        // Evidence is counted once: a shortfall weighed by how far the extra sends explain it
        // has used the volume, so a volume spike is not added to it again. The shortfall keeps
        // the larger of that weight and its plain weight plus the spike's.
        if let (Some(base), Some(r)) = (conv_counts_volume, conv_best.as_mut()) {
            if let Some(i) = damped.iter().position(|d| d.code == code::VOLUME_SPIKE) {
                let spike = damped.remove(i);
                r.weight = r.weight.max(base + spike.weight);
                r.detail.push_str(&format!("; {}", spike.detail));
            }
        }
        reasons.extend(conv_best);
        let pb = &cfg.signals.provider_block;
        if pb.enabled {
            if blocked {
                reasons.push(Reason {
                    code: code::PROVIDER_BLOCK,
                    weight: pb.weight as i32,
                    detail: format!(
                        "{} blocked this send ({})",
                        ev.profile.as_str(),
                        cut(ev.provider_code.as_deref().unwrap_or(""), 64)
                    ),
                });
            } else if let Some(c) = self
                .state
                .convs
                .get(Keyer::mix(flow_country_key, KEY_COUNTRY_CONV))
            {
                let n = c.blocks.get(now, cfg.an0443.time_window_secs as Millis * 1000);
                if n >= 0.5 {
                    reasons.push(Reason {
                        code: code::PROVIDER_BLOCK,
                        weight: pb.neighbour_weight as i32,
                        detail: format!(
                            "provider blocked {:.0} recent send(s) of this tenant to {country}",
                            n.ceil()
                        ),
                    });
                }
            }
        }

        // Conversion attribution for later: by reference and by number.
        if trial {
            let sent = SentRef {
                at: now,
                tenant,
                country_key: Keyer::mix(flow_country_key, KEY_COUNTRY_CONV),
                block_key: Keyer::mix(block_key, KEY_BLOCK_CONV),
                rare_key: rare_key.unwrap_or(0),
                workflow: workflow_hash.unwrap_or(0),
                source_keys: [source_conv_key(requester), source_conv_key(agent)],
                verified: false,
                known_good,
            };
            if let Some(r) = ev.conversion_ref.as_deref() {
                *self.state.sent.entry(
                    Keyer::mix(tenant, k.hash(dom::REF, cut(r, 256).as_bytes())),
                    || sent,
                ) = sent;
            }
            *self.state.sent.entry(Keyer::mix(tenant, number_hash), || sent) = sent;
        }

        // Adjacent numbers.
        if let (Some(rk), Some(digits)) = (send.range, range_digits) {
            let shown = || {
                if privacy {
                    format!("one range of {block}…")
                } else {
                    format!("+{digits}{}", "x".repeat(cfg.adjacent_suffix_digits))
                }
            };
            let r = self.state.ranges.entry(rk, Range::default);
            reasons.extend(signals::adjacent(cfg, r, &send, shown, privacy));
        }

        // The block's history in this flow before its current buckets (decayed, attack-like
        // buckets at 5 %), to compare with what it receives now.
        let wms = cfg.an0443.time_window_secs as Millis * 1000;
        let (history, recent) = self
            .state
            .convs
            .get(Keyer::mix(block_key, KEY_BLOCK_CONV))
            .map_or((0.0, 0), |c| {
                (f64::from(c.rate_den), signals::sends_since(cfg, c, now - wms))
            });
        // A block this flow has next to no history in.
        let block_fresh = history < 16.0;

        // A block new to the flow, suddenly receiving many distinct numbers.
        let fb = &cfg.signals.fresh_block;
        if fb.enabled {
            // Distinct numbers are tracked only for a block without much history that had an
            // earlier send in the window: most blocks never need the entry (its first number
            // is then not counted, one send of delay).
            if block_fresh && recent >= 2 {
                let since = (now - wms).div_euclid(1000) as u32;
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(block_key, KEY_BLOCK_NUMBERS), Range::default);
                if send.first {
                    r.seen.see((number_hash as u32) | 1, now.div_euclid(1000) as u32);
                    r.last = r.last.max(now);
                }
                let n = r.seen.count_since(since);
                // Concentrated: the block carries at least `min_share` of the tenant's window (a
                // tenant's legitimate growth, even a brand-new tenant's, spreads over many blocks).
                let concentrated = f64::from(n) >= fb.min_share * tenant_window;
                if n >= fb.min_distinct && history < f64::from(n) && concentrated {
                    let x = f64::from(n - fb.min_distinct)
                        / f64::from(16u32.saturating_sub(fb.min_distinct).max(1));
                    reasons.push(Reason {
                        code: code::FRESH_BLOCK,
                        weight: (f64::from(fb.min_weight)
                            + (f64::from(fb.max_weight) - f64::from(fb.min_weight)) * x.min(1.0))
                        .round() as i32,
                        detail: format!(
                            "{block}, next to no history in this flow: {n} distinct numbers in {} min",
                            cfg.an0443.time_window_secs / 60
                        ),
                    });
                }
            }
        }

        // The block across tenants: several tenants that had next to no history in one block
        // all reaching many numbers of it within hours. Busy blocks that tenants reach every day
        // are not counted, so only blocks new to each of them add up; the window is hours long,
        // so a block pumped slowly through several tenants accumulates.
        let sb = &cfg.signals.shared_block;
        let global_block = k.hash(dom::BLOCK, block_digits.as_bytes());
        if sb.enabled {
            let since = (now - sb.window_secs as Millis * 1000).div_euclid(1000) as u32;
            let stamp = now.div_euclid(1000) as u32;
            // Every send counts in the block's platform-wide history: a block whose long-run
            // count is mostly recent is new to the whole platform (a block every tenant
            // reaches daily has a long history).
            let r = self
                .state
                .ranges
                .entry(Keyer::mix(global_block, KEY_SHARED_NUMBERS), Range::default);
            let (fast, slow) = (SHARED_FAST_HALF_LIFE, SHARED_SLOW_HALF_LIFE);
            if send.first {
                r.recent.add(now, 1.0, fast);
                r.long_run.add(now, 1.0, slow);
                r.last = r.last.max(now);
            }
            let new_to_platform = r.long_run.get(now, slow) < 3.0 * r.recent.get(now, fast);
            let mut distinct = |key: u64, value: u64| {
                let r = self
                    .state
                    .ranges
                    .entry(Keyer::mix(global_block, key), Range::default);
                if send.first {
                    r.seen.see((value as u32) | 1, stamp);
                    r.last = r.last.max(now);
                }
                r.seen.count_since(since)
            };
            // A tenant counts when the block is new to its flow and carries a share of its
            // window (an attack concentrates; a tenant's ordinary sends spread over blocks).
            let concentrated = f64::from(recent) >= sb.min_share * tenant_window;
            let (n, t) = if block_fresh && view.established && concentrated {
                (
                    distinct(KEY_SHARED_NUMBERS, number_hash),
                    distinct(KEY_SHARED_TENANTS, tenant),
                )
            } else {
                (0, 0)
            };
            if new_to_platform && t >= sb.min_tenants && n >= sb.min_numbers {
                let extra = (t - sb.min_tenants).min(2);
                reasons.push(Reason {
                    code: code::SHARED_BLOCK,
                    weight: (sb.weight + extra * sb.weight_per_extra_tenant) as i32,
                    detail: format!(
                        "{block}: {n} numbers through {t} tenants new to it in {} min",
                        sb.window_secs / 60
                    ),
                });
            }
        }

        // Sources.
        let mut velocity = Vec::new();
        // Two conditions: where the flow's logs show conversions, a source reaching many numbers
        // counts only when its own matured sends convert poorly.
        let judge_sources = cfg.signals.source_velocity.require_low_conversion && judge_conversion;
        let mut poorly = |sk: u64| {
            let c = self.state.convs.entry(source_conv_key(Some(sk)), Conv::new);
            if trial {
                signals::conv_send(cfg, c, now, prior);
            }
            !judge_sources
                || signals::low_conversion(
                    cfg,
                    c,
                    prior,
                    now,
                    signals::ConvContext {
                        block: None,
                        own_baseline,
                        season,
                        may_accumulate: false,
                    },
                    String::new,
                )
                .is_some()
        };
        let requester_poorly = requester.map(&mut poorly);
        let agent_poorly = agent.map(&mut poorly);
        for (kind, sk) in &send.sources {
            let second = match *kind {
                "user_agent" => agent_poorly,
                _ => requester_poorly,
            };
            let s = self.state.sources.entry(*sk, Source::default);
            signals::source(
                cfg,
                s,
                kind,
                &send,
                tenant_snapshot,
                second != Some(false),
                &mut velocity,
            );
        }
        // The strongest of each code among the sources.
        velocity.sort_by_key(|r| std::cmp::Reverse(r.weight));
        for r in velocity {
            if !reasons.iter().any(|x| x.code == r.code) {
                reasons.push(r);
            }
        }

        // Static facts about the destination and requester.
        if cfg.signals.high_risk_prefix.enabled {
            if let Some(e) = self.risk.lookup(number.digits()) {
                reasons.push(Reason {
                    code: code::HIGH_RISK_PREFIX,
                    weight: e.weight as i32,
                    detail: format!("+{} {}: {}", e.prefix, e.category, e.note),
                });
            }
        }
        let cf = &cfg.an0443.destination_country_code_filter;
        if self.deny.contains(&country) {
            reasons.push(Reason {
                code: code::DESTINATION_FILTER,
                weight: cf.deny_weight as i32,
                detail: format!("{country} is on the deny list"),
            });
        } else if !self.allow.is_empty() && !self.allow.contains(&country) {
            reasons.push(Reason {
                code: code::DESTINATION_FILTER,
                weight: cf.outside_allow_weight as i32,
                detail: format!("{country} is not on the allow list"),
            });
        }
        if cfg.signals.ip_geo_mismatch.enabled && country != Country::NON_GEO {
            if let Some(rc) = ev.client_country.as_deref().and_then(|c| self.plan.country(c)) {
                if rc != country {
                    reasons.push(Reason {
                        code: code::IP_GEO_MISMATCH,
                        weight: cfg.signals.ip_geo_mismatch.weight as i32,
                        detail: format!("requester in {rc}, destination in {country}"),
                    });
                }
            }
        }
        reasons.extend(budget.clone().map(|b| b.0));

        // Expected changes explain volume-type evidence.
        let annotation = if cfg.signals.expected_change.enabled && !damped.is_empty() {
            self.annotation_for(
                tenant,
                send.workflow.map(|_| workflow_hash.unwrap_or(0)),
                country,
                now,
            )
        } else {
            None
        };
        // The explained reasons keep their weights (so the ticket shows what was seen); the
        // explaining reason carries the reduction.
        let removed = |keep: f64| -> i32 {
            damped
                .iter()
                .map(|r| r.weight - (f64::from(r.weight) * keep).round() as i32)
                .sum()
        };
        if let Some(label) = annotation {
            reasons.push(Reason {
                code: code::EXPECTED_CHANGE,
                weight: -removed(cfg.signals.expected_change.keep_share),
                detail: format!("expected change '{}' explains the volume", cut(&label, 64)),
            });
        } else if let Some((v, n, p)) = usual.filter(|_| !damped.is_empty()) {
            reasons.push(Reason {
                code: code::CONVERSION_NORMAL,
                weight: -removed(cfg.signals.conversion_normal.keep_share),
                detail: format!(
                    "{country}: {v} of {n} verified in {}m (baseline {:.0}%): the volume converts like usual traffic",
                    cfg.signals.low_conversion.window_secs / 60,
                    p * 100.0
                ),
            });
        }
        // Pumping targets fresh numbers: for a recipient that verified a code before, the
        // evidence about its key's set of numbers (their conversion, their block, their range,
        // the block across tenants) is not evidence about this send.
        if known_good && cfg.signals.known_recipient.enabled {
            let about_the_set: i32 = reasons
                .iter()
                .filter(|r| {
                    matches!(
                        r.code,
                        code::LOW_CONVERSION
                            | code::FRESH_BLOCK
                            | code::ADJACENT_NUMBERS
                            | code::SHARED_BLOCK
                    )
                })
                .map(|r| r.weight)
                .sum();
            if about_the_set > 0 {
                reasons.push(Reason {
                    code: code::KNOWN_RECIPIENT,
                    weight: -about_the_set,
                    detail: "this number verified a code before: the evidence about its block and key is not about it"
                        .into(),
                });
            }
        }
        // A surge alone is never pumping: volume-type evidence (spike, novelty, concentration)
        // that remains after any explanation is capped below `high`, so only evidence specific
        // to pumping (conversion, adjacency, sources, risky prefixes, provider blocks, the block
        // across tenants, budgets) can take a verdict to `high`.
        let cap = cfg.levels.high.saturating_sub(1) as i32;
        let volume: i32 = damped.iter().map(|r| r.weight).sum::<i32>()
            + reasons
                .iter()
                .filter(|r| r.code == code::EXPECTED_CHANGE || r.code == code::CONVERSION_NORMAL)
                .map(|r| r.weight)
                .sum::<i32>();
        if volume > cap {
            reasons.push(Reason {
                code: code::VOLUME_ALONE,
                weight: cap - volume,
                detail: format!(
                    "volume, novelty and concentration alone add at most {cap} (they added {volume})"
                ),
            });
        }
        reasons.extend(damped);
        reasons.retain(|r| {
            r.weight != 0
                || r.code == code::EXPECTED_CHANGE
                || r.code == code::CONVERSION_NORMAL
                || r.code == code::KNOWN_RECIPIENT
        });
        // An incident is what one attack does: sends that share the tenant and country, the
        // requester, the tenant's new countries, or the block (across tenants) join the
        // incident any of them has open, so a fan-out over many countries, a slow drip over
        // several, or one block pumped through several tenants is one incident.
        //
        // Two keys only join: a send at alert level from the network of an incident's
        // requesters (an attacker rotating the addresses of one hosting range over two
        // countries), or with evidence about its block while the tenant has an incident opened
        // on evidence about a block (an attacker rotating blocks and countries), belongs to that
        // incident rather than opening one of its own. Neither holds a send at `high`: a network
        // or a tenant is too wide to say a send is the attack's.
        let network = ev
            .ip
            .as_deref()
            .and_then(ip_network)
            .map(|n| Keyer::mix(Keyer::mix(tenant, KEY_NETWORK), self.keyer.hash(dom::IP, &n)));
        let mut open_keys = [
            Some(Keyer::mix(Keyer::mix(tenant, KEY_OPEN), u64::from(country.id()))),
            requester.map(|r| Keyer::mix(r, KEY_OPEN)),
            rare_key.map(|r| Keyer::mix(r, KEY_OPEN)),
            Some(Keyer::mix(global_block, KEY_OPEN)),
            network.map(|n| Keyer::mix(n, KEY_OPEN)),
            Some(tenant_blocks_open),
        ];
        // Carry: an attack keeps going after it is detected, and its later sends look like its
        // earlier ones. While an incident is open, a send to a fresh number into what it targets
        // (its block, requester or new countries, with some evidence of its own; or its country
        // while that country's conversion still falls short) is held at `high`. A number that
        // verified before, or a key converting like usual, is not carried.
        let pre = reasons.iter().map(|r| r.weight).sum::<i32>();
        let mut sustains = true;
        let high = cfg.levels.high as i32;
        if cfg.incident_carry
            && pre < high
            && !(known_good && cfg.signals.known_recipient.enabled)
            && !reasons.iter().any(|r| r.code == code::CONVERSION_NORMAL)
        {
            // The country's own shortfall, at `medium` strength at least.
            let short = reasons
                .iter()
                .any(|r| r.code == code::LOW_CONVERSION && r.weight >= cfg.levels.medium as i32);
            let shared = reasons.iter().any(|r| r.code == code::SHARED_BLOCK);
            let this_tenant = cut(ev.tenant.as_deref().unwrap_or(ev.profile.as_str()), 64);
            let carried = self
                .open_incident(&open_keys[..OPEN_JOIN_ONLY], now)
                .filter(|(i, inc)| match *i {
                    OPEN_COUNTRY => short && inc.country_wide,
                    // Another tenant's send into the block is carried only with evidence of its
                    // own that the block is shared by an attack.
                    OPEN_BLOCK => pre >= cfg.levels.low as i32 && (shared || inc.tenant == this_tenant),
                    _ => pre >= cfg.levels.low as i32,
                });
            if let Some((i, inc)) = carried {
                // Carried by its country's own shortfall, the send is evidence that the attack
                // goes on, and keeps the incident open; carried by a block, requester or new
                // countries alone, it is not.
                sustains = i == OPEN_COUNTRY;
                let what = match i {
                    OPEN_COUNTRY => format!("{country}, whose conversion still falls short"),
                    OPEN_REQUESTER => "its requester".to_string(),
                    OPEN_BLOCK => format!("block {block}"),
                    _ => "the tenant's countries new to it".to_string(),
                };
                reasons.push(Reason {
                    code: code::OPEN_INCIDENT,
                    weight: high - pre,
                    detail: format!("open incident {} targets {what}; a fresh number", inc.id),
                });
            }
        }
        reasons.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.code.cmp(b.code)));
        let score = reasons.iter().map(|r| r.weight).sum::<i32>().clamp(0, 100) as u32;
        let level = self.level(score);
        let action = if cfg.monitor_only {
            Action::Monitor
        } else {
            self.action(level)
        };
        let mut verdict = Verdict {
            score,
            level,
            action,
            reasons,
            alert: false,
            incident: None,
            keys: Keys {
                country: Some(country.to_string()),
                block: Some(block.clone()),
                ..Self::base_keys(ev)
            },
        };
        // Evidence about the block, or country-wide evidence (the shortfall is the country's,
        // and nothing points at a block).
        let block_evidence = conv_group == Some(ConvGroup::Block)
            || verdict.reasons.iter().any(|r| {
                matches!(
                    r.code,
                    code::FRESH_BLOCK | code::ADJACENT_NUMBERS | code::SHARED_BLOCK
                ) && r.weight > 0
            });
        let country_wide = conv_group == Some(ConvGroup::Country) && !block_evidence;
        if !block_evidence {
            open_keys[OPEN_TENANT_BLOCKS] = None;
        }
        self.track_incident(
            &mut verdict,
            (country_wide, block_evidence, sustains),
            &open_keys,
            ev.tenant.as_deref().unwrap_or(ev.profile.as_str()),
            country,
            &block,
            now,
            cost,
        );
        if let Some((_, mark)) = budget {
            let t = self.state.tenants.entry(tenant, || empty_tenant(now));
            if mark > t.day_mark {
                t.day_mark = mark;
                if mark >= self.cfg.budgets.alert_mark && !verdict.alert {
                    verdict.alert = true;
                    verdict.incident.get_or_insert_with(|| {
                        format!(
                            "budget-{}-{}",
                            id_part(ev.tenant.as_deref().unwrap_or("")),
                            &time::format(now)[..10]
                        )
                    });
                }
            }
        }
        verdict
    }

    fn level(&self, score: u32) -> Level {
        let l = &self.cfg.levels;
        match score {
            s if s >= l.critical => Level::Critical,
            s if s >= l.high => Level::High,
            s if s >= l.medium => Level::Medium,
            s if s >= l.low => Level::Low,
            _ => Level::None,
        }
    }

    fn action(&self, level: Level) -> Action {
        let a = &self.cfg.actions;
        match level {
            Level::Unknown | Level::None => a.none,
            Level::Low => a.low,
            Level::Medium => a.medium,
            Level::High => a.high,
            Level::Critical => a.critical,
        }
    }

    fn annotation_for(
        &self,
        tenant: u64,
        workflow: Option<u64>,
        country: Country,
        now: Millis,
    ) -> Option<String> {
        self.configured
            .iter()
            .chain(self.state.annotations.iter())
            .find(|a| {
                a.tenant == tenant
                    && a.start <= now
                    && now <= a.end
                    && a.workflow.is_none_or(|w| Some(w) == workflow)
                    && a.country.is_none_or(|c| c == country.id())
            })
            .map(|a| a.label.clone())
    }

    /// The newest incident still open under one of `keys` that the key sustained within the idle
    /// time, and the key's position.
    fn open_incident(&self, keys: &[Option<u64>], now: Millis) -> Option<(usize, &Incident)> {
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        keys.iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let o = self.state.open.get((*k)?)?;
                let inc = self.state.incidents.get(o.incident)?;
                // The key itself must have sustained the incident within the idle time: an
                // attacker that moved on from a block leaves it, though its incident goes on.
                (inc.open && now - inc.last <= idle && now - o.last <= idle).then_some((i, inc))
            })
            .max_by_key(|(_, inc)| inc.last)
    }

    #[allow(clippy::too_many_arguments)]
    fn track_incident(
        &mut self,
        v: &mut Verdict,
        (country_wide, block_evidence, sustains): (bool, bool, bool),
        open_keys: &[Option<u64>],
        tenant_name: &str,
        country: Country,
        block: &str,
        now: Millis,
        cost: f64,
    ) {
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        let reopen = self.cfg.incident_reopen_secs as Millis * 1000;
        let alert_level = self.cfg.alert_level;
        let keys = open_keys.iter().flatten().copied();
        // The newest incident still open under any of the keys (or closed less than
        // `incident_reopen_secs` ago: an attack that paused is the same attack); stale links
        // are dropped.
        let mut current: Option<(OpenRef, Millis)> = None;
        for key in keys.clone() {
            let Some(o) = self.state.open.get(key).copied() else {
                continue;
            };
            let last = match self.state.incidents.get_mut(o.incident) {
                Some(inc) if inc.open && now - inc.last <= idle => inc.last,
                Some(inc) if v.level >= alert_level && now - inc.last <= idle + reopen => {
                    inc.open = true;
                    inc.last
                }
                Some(inc) => {
                    inc.open = now - inc.last <= idle;
                    if now - inc.last > idle + reopen {
                        self.state.open.remove(key);
                    }
                    continue;
                }
                None => {
                    self.state.open.remove(key);
                    continue;
                }
            };
            if current.is_none_or(|(_, l)| last > l) {
                current = Some((o, last));
            }
        }
        let current = current.map(|c| c.0);
        if v.level < Level::Medium || (v.level < alert_level && current.is_none()) {
            return;
        }
        let rank = v.level as u8;
        let (ik, alert) = match current {
            Some(o) => {
                let inc = self.state.incidents.get(o.incident);
                let escalate = v.level >= alert_level && inc.is_some_and(|i| rank > i.max_level);
                (o.incident, escalate)
            }
            None => {
                let id = format!(
                    "inc-{}-{}-{}-{}",
                    id_part(tenant_name),
                    country,
                    block.trim_start_matches('+'),
                    now.div_euclid(1000)
                );
                let ik = self.keyer.hash(dom::INCIDENT, id.as_bytes());
                self.state.incidents.entry(ik, || Incident {
                    id,
                    tenant: cut(tenant_name, 64).to_string(),
                    country: country.to_string(),
                    block: block.to_string(),
                    first: now,
                    last: now,
                    max_level: 0,
                    alerts: 0,
                    sends: 0,
                    cost: 0.0,
                    cost_alerted: false,
                    country_wide: false,
                    reasons: Vec::new(),
                    open: true,
                });
                (ik, true)
            }
        };
        let Some(inc) = self.state.incidents.get_mut(ik) else {
            return;
        };
        inc.sends += 1;
        inc.cost += cost;
        // The cost mark: one more alert, on the first record at alert level once the
        // incident's estimated cost has reached it.
        let mark = self.cfg.incident_cost_alert_usd;
        let cost_mark = mark > 0.0 && !inc.cost_alerted && inc.cost >= mark && v.level >= alert_level;
        inc.cost_alerted |= cost_mark;
        let alert = alert || cost_mark;
        // A send held at `high` by the incident's block, requester or new countries joins it
        // but does not keep it open: the incident closes when its own evidence stops.
        if v.level >= alert_level && sustains {
            inc.last = inc.last.max(now);
            inc.country_wide |= country_wide;
            inc.max_level = inc.max_level.max(rank);
            let link = OpenRef {
                incident: ik,
                last: now,
            };
            // The block links the incident only when the evidence points at the block (a
            // country-wide shortfall says nothing about the blocks its sends happened to hit).
            let links = open_keys
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != OPEN_BLOCK || block_evidence)
                .filter_map(|(_, k)| *k);
            for key in links {
                *self.state.open.entry(key, || link) = link;
            }
        }
        for r in v.reasons.iter().filter(|r| r.weight > 0) {
            if let Some(e) = inc.reasons.iter_mut().find(|(c, _)| c == r.code) {
                e.1 = e.1.max(r.weight);
            } else if inc.reasons.len() < 6 {
                inc.reasons.push((r.code.to_string(), r.weight));
            }
        }
        if alert {
            inc.alerts += 1;
        }
        v.alert = alert;
        v.incident = Some(inc.id.clone());
    }

    fn conversion(&mut self, ev: &Event<'_>, now: Millis) {
        let tenant = self.tenant_key(ev);
        let k = &self.keyer;
        let mut candidates = Vec::with_capacity(2);
        if let Some(r) = ev.conversion_ref.as_deref() {
            candidates.push(Keyer::mix(tenant, k.hash(dom::REF, cut(r, 256).as_bytes())));
        }
        let number = ev
            .to
            .as_deref()
            .and_then(|to| self.plan.normalize(cut(to, 64), None).ok());
        if let Some(n) = &number {
            candidates.push(Keyer::mix(tenant, k.hash(dom::NUMBER, n.digits().as_bytes())));
        }
        let found = candidates
            .iter()
            .find_map(|c| self.state.sent.get(*c).copied().map(|s| (*c, s)));
        let t = self.state.tenants.entry(tenant, || empty_tenant(now));
        t.conversions += 1;
        let Some((_, sent)) = found else {
            return;
        };
        if sent.verified {
            return;
        }
        t.conv_num += 1.0;
        let prior = signals::tenant_rate(t);
        for c in &candidates {
            if let Some(s) = self.state.sent.get_mut(*c) {
                s.verified = true;
            }
        }
        if let Some(t) = self.state.tenants.get_mut(tenant) {
            if sent.workflow != 0 {
                signals::flow_verified(t, sent.workflow, now);
            }
            signals::conv_verified(&self.cfg, &mut t.conv, Some(sent.at), now, prior);
        }
        for key in [
            Keyer::mix(
                flow_key(tenant, (sent.workflow != 0).then_some(sent.workflow)),
                KEY_FLOW_CONV,
            ),
            sent.country_key,
            sent.block_key,
            sent.rare_key,
            sent.source_keys[0],
            sent.source_keys[1],
        ] {
            if let Some(c) = self.state.convs.get_mut(key).filter(|_| key != 0) {
                signals::conv_verified(&self.cfg, c, Some(sent.at), now, prior);
            }
        }
    }

    fn source_block(&mut self, ev: &Event<'_>, now: Millis) {
        let tenant = self.tenant_key(ev);
        let wms = self.cfg.an0443.time_window_secs as Millis * 1000;
        if let Some(ip) = ev.ip.as_deref() {
            let key = Keyer::mix(tenant, self.keyer.hash(dom::IP, cut(ip, 512).as_bytes()));
            let s = self.state.sources.entry(key, Source::default);
            s.blocks.add(now, 1.0, wms);
            s.last = s.last.max(now);
        }
    }

    fn annotation(&mut self, ev: &Event<'_>) {
        let Some((start, end)) = ev.window.filter(|(s, e)| s < e) else {
            return;
        };
        let a = ActiveAnnotation {
            tenant: self.tenant_key(ev),
            workflow: ev
                .workflow
                .as_deref()
                .map(|w| self.keyer.hash(dom::WORKFLOW, w.as_bytes())),
            country: ev
                .country_hint
                .as_deref()
                .and_then(|c| self.plan.country(c))
                .map(|c| c.id()),
            start,
            end,
            label: cut(ev.label.as_deref().unwrap_or("annotation"), 64).to_string(),
        };
        let list = &mut self.state.annotations;
        list.retain(|x| x.end >= self.state.clock);
        if list.len() >= self.cfg.limits.annotations {
            if let Some(i) = (0..list.len()).min_by_key(|&i| list[i].end) {
                list.swap_remove(i);
            }
        }
        list.push(a);
    }

    fn write_output(&self, record: &[u8], outcome: &Outcome, out: &mut Vec<u8>) {
        write_enriched(
            record,
            outcome,
            &self.cfg.output_key,
            &self.model,
            self.cfg.ecs,
            out,
        );
    }

    /// One incident by id.
    pub fn incident(&self, id: &str) -> Option<IncidentSummary> {
        let key = self.keyer.hash(dom::INCIDENT, id.as_bytes());
        let i = self.state.incidents.get(key)?;
        Some(self.summary(i))
    }

    fn summary(&self, i: &Incident) -> IncidentSummary {
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        let mut reasons = i.reasons.clone();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        IncidentSummary {
            id: i.id.clone(),
            tenant: i.tenant.clone(),
            country: i.country.clone(),
            block: i.block.clone(),
            first_seen: time::format(i.first),
            last_seen: time::format(i.last),
            level: level_from_rank(i.max_level),
            alerts: i.alerts,
            sends: i.sends,
            estimated_cost_usd: (i.cost * 100.0).round() / 100.0,
            top_reasons: reasons.into_iter().take(4).map(|r| r.0).collect(),
            open: i.open && self.state.clock - i.last <= idle,
        }
    }

    /// Incidents known to the engine, oldest first.
    pub fn incidents(&self) -> Vec<IncidentSummary> {
        let mut v: Vec<IncidentSummary> = self
            .state
            .incidents
            .iter()
            .map(|(_, i)| self.summary(i))
            .collect();
        v.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.id.cmp(&b.id)));
        v
    }

    /// Serialises the state (versioned; tied to nothing but the capacities it was made with).
    pub fn snapshot(&self) -> Vec<u8> {
        let mut out = SNAPSHOT_MAGIC.to_vec();
        out.extend_from_slice(&self.keyer.fingerprint().to_le_bytes());
        match postcard::to_allocvec(&(&self.state, &self.coverage)) {
            Ok(body) => {
                out.extend_from_slice(&self.keyer.hash(SNAPSHOT_CHECKSUM, &body).to_le_bytes());
                out.extend_from_slice(&body);
            }
            Err(_) => out.clear(),
        }
        out
    }

    /// Restores state from [`Engine::snapshot`] bytes. On any error the engine keeps its state.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let (family, version) = SNAPSHOT_MAGIC.split_at(7);
        let body = match bytes.strip_prefix(family) {
            None => return Err(SnapshotError("not a pumpguard snapshot".into())),
            Some([v, ..]) if v != &version[0] => {
                return Err(SnapshotError(format!(
                    "snapshot format {v}, this engine reads format {}: state is relearned",
                    version[0]
                )));
            }
            Some(rest) => rest.get(1..).unwrap_or_default(),
        };
        let (fp, body) = body
            .split_first_chunk::<8>()
            .ok_or_else(|| SnapshotError("truncated header".into()))?;
        if u64::from_le_bytes(*fp) != self.keyer.fingerprint() {
            return Err(SnapshotError(
                "made with another privacy salt: its keys cannot match this engine's".into(),
            ));
        }
        let (sum, body) = body
            .split_first_chunk::<8>()
            .ok_or_else(|| SnapshotError("truncated header".into()))?;
        // The fuzzer (`cfg(fuzzing)`) skips the checksum to reach the decoder and the checks
        // behind it, which guard edited snapshots.
        if u64::from_le_bytes(*sum) != self.keyer.hash(SNAPSHOT_CHECKSUM, body) && !cfg!(fuzzing) {
            return Err(SnapshotError("corrupt or truncated: checksum mismatch".into()));
        }
        let (mut state, coverage): (State, Coverage) =
            postcard::from_bytes(body).map_err(|e| SnapshotError(format!("corrupt or truncated: {e}")))?;
        state.rebuild(&self.cfg.limits).map_err(SnapshotError)?;
        // A body that passes the checksum but was edited: every incident must sit under its
        // own id's key, or lookups by id miss it (found by fuzzing before the checksum).
        if let Some((_, i)) = state
            .incidents
            .iter()
            .find(|(k, i)| *k != self.keyer.hash(dom::INCIDENT, i.id.as_bytes()))
        {
            return Err(SnapshotError(format!(
                "inconsistent: incident {:?} is not under its key",
                i.id
            )));
        }
        self.state = state;
        self.coverage = coverage;
        Ok(())
    }
}

/// The conversion keys a send counts in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ConvGroup {
    /// Flow × country.
    Country,
    /// Flow × number block.
    Block,
    /// Flow × the countries new to the tenant, together.
    Rare,
}

/// A flow: the tenant × the workflow's hash (or the tenant's sends without one).
fn flow_key(tenant: u64, workflow_hash: Option<u64>) -> u64 {
    Keyer::mix(tenant, workflow_hash.unwrap_or(KEY_NO_WORKFLOW))
}

fn empty_tenant(now: Millis) -> Tenant {
    Tenant {
        last: now,
        first: now,
        sends: 0,
        conversions: 0,
        long_run: Default::default(),
        window: Default::default(),
        countries: Vec::new(),
        workflows: Vec::new(),
        day: 0,
        day_count: 0,
        day_spend: 0.0,
        day_mark: 0,
        dow: [0.0; 7],
        days_seen: 0,
        conv_num: 0.0,
        conv_den: 0.0,
        conv: Conv::new(),
    }
}

fn level_from_rank(r: u8) -> Level {
    [
        Level::Unknown,
        Level::None,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::Critical,
    ]
    .get(r as usize)
    .copied()
    .unwrap_or(Level::Unknown)
}

/// Budget evidence of a tenant and the mark crossed.
fn budget_reason(cfg: &Config, name: &str, t: &Tenant) -> Option<(Reason, u32)> {
    let b = cfg.budgets.tenants.get(name).unwrap_or(&cfg.budgets.default);
    let by_count = b.daily_count.map(|c| t.day_count as f64 / c as f64 * 100.0);
    let by_spend = b.daily_spend_usd.map(|s| t.day_spend / s * 100.0);
    let pct = by_count.into_iter().chain(by_spend).fold(0.0f64, f64::max);
    let i = cfg.budgets.marks.iter().rposition(|m| pct >= f64::from(*m))?;
    let mark = cfg.budgets.marks[i];
    let detail = match (by_count, by_spend) {
        (Some(c), Some(s)) if s >= c => {
            format!("{:.0}% of the daily spend budget ({:.2} USD)", s, t.day_spend)
        }
        (_, Some(s)) if by_count.is_none() => {
            format!("{:.0}% of the daily spend budget ({:.2} USD)", s, t.day_spend)
        }
        _ => format!("{:.0}% of the daily count budget ({} SMS)", pct, t.day_count),
    };
    Some((
        Reason {
            code: code::BUDGET,
            weight: cfg.budgets.weights.get(i).copied().unwrap_or(0) as i32,
            detail,
        },
        mark,
    ))
}

fn id_part(s: &str) -> String {
    let s: String = cut(s, 40)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "default".into()
    } else {
        s
    }
}

fn trim_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    &b[..end]
}

fn first_non_ws(b: &[u8]) -> Option<u8> {
    b.iter().copied().find(|c| !c.is_ascii_whitespace())
}

fn is_object(b: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok() && first_non_ws(b) == Some(b'{')
}

fn base64(data: &[u8], out: &mut Vec<u8>) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
}

/// The record with `verdict` spliced in before its final `}` (or wrapped when it is not an
/// object), as every host emits it.
fn write_enriched(
    record: &[u8],
    outcome: &Outcome,
    output_key: &str,
    model: &str,
    ecs: bool,
    out: &mut Vec<u8>,
) {
    let Some(verdict) = outcome.verdict() else {
        out.extend_from_slice(trim_end(record));
        return;
    };
    let body = trim_end(record);
    let object_end = match (first_non_ws(body), body.last()) {
        (Some(b'{'), Some(b'}')) => Some(body.len() - 1),
        _ => None,
    };
    let spliceable = object_end.is_some()
        && match outcome {
            Outcome::Scored(_) => true,
            // Not parsed (too large, or a host's code): splice only into a valid object,
            // checked without building it. Unparsed records are wrapped.
            _ => verdict.reasons.first().is_some_and(|r| r.code != code::UNPARSED) && is_object(body),
        };
    if let (true, Some(end)) = (spliceable, object_end) {
        out.extend_from_slice(&body[..end]);
        let empty = body[..end].iter().rev().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
        if !empty {
            out.push(b',');
        }
    } else {
        // Not an object: wrap it, keeping every byte.
        out.push(b'{');
        match std::str::from_utf8(body) {
            Ok(s) => {
                out.extend_from_slice(b"\"message\":");
                write_str(out, s);
            }
            Err(_) => {
                out.extend_from_slice(b"\"message_base64\":\"");
                base64(body, out);
                out.push(b'"');
            }
        }
        out.push(b',');
    }
    write_str(out, output_key);
    out.push(b':');
    verdict.write_json(model, out);
    if ecs && matches!(outcome, Outcome::Scored(_)) {
        verdict.write_ecs(out);
    }
    out.push(b'}');
}

/// For a host that has no engine to score with (its configuration was refused, or the host
/// handed over no record): the record kept byte for byte, tagged `level: unknown` with `code`
/// and `detail`, under the default output key. Never fails.
pub fn write_unscored(record: &[u8], code: &'static str, detail: String, out: &mut Vec<u8>) {
    let verdict = Verdict::unscored(code, detail, Action::Monitor);
    let model = format!("pumpguard/{VERSION}");
    write_enriched(
        record,
        &Outcome::Unscored(verdict),
        &Config::default().output_key,
        &model,
        false,
        out,
    );
}

#[cfg(test)]
mod tests {
    use super::ip_network;

    #[test]
    fn an_address_is_joined_by_its_network() {
        assert_eq!(ip_network("5.188.62.11"), ip_network("5.188.62.250"));
        assert_ne!(ip_network("5.188.62.11"), ip_network("5.188.63.11"));
        assert_eq!(ip_network("5.188.62.11:443"), ip_network("5.188.62.11"));
        assert_eq!(ip_network("::ffff:5.188.62.11"), ip_network("5.188.62.9"));
        assert_eq!(ip_network("2001:db8:1:2::1"), ip_network("2001:db8:1:ffff::2"));
        assert_ne!(ip_network("2001:db8:1::1"), ip_network("2001:db8:2::1"));
        for junk in ["", "unknown", "300.1.2.3", "1.2.3", "-", "1.2.3.4.5"] {
            assert_eq!(ip_network(junk), None, "{junk:?}");
        }
    }
}
