//! `pumpguard simulate`: seeded, labelled SaaS SMS traffic in every input profile, with
//! legitimate surprises and pumping attacks, for measuring detection quality
//! (`pumpguard evaluate`, EVALUATION.md). No public labelled SMS-pumping data set exists.
//!
//! The same seed, days and scale always give byte-identical output. Every traffic line has a
//! label line at the same position in the labels file: what it is (`sms`, `conversion`,
//! `noise`, `annotation`), its tenant, destination, country, client address, price, and the
//! scenario it belongs to (`normal`, a legitimate surprise, or an attack with its id).

use serde::{Deserialize, Serialize};

/// 2026-03-02T00:00:00Z, a Monday.
pub const START_MS: i64 = 1_772_409_600_000;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// SplitMix64: small, seedable, good enough for traffic.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    pub fn f(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }
    pub fn digits(&mut self, n: usize) -> String {
        (0..n).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
    /// A Poisson-distributed count (normal approximation above 30).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 30.0 {
            let (u1, u2) = (self.f().max(1e-12), self.f());
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            return (lambda + z * lambda.sqrt()).round().max(0.0) as u64;
        }
        let (l, mut k, mut p) = ((-lambda).exp(), 0u64, 1.0);
        loop {
            p *= self.f();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A destination country: ISO code, UTC offset of its main time zone, price per SMS (USD),
/// and how its mobile numbers look (a prefix after `+`, then this many random digits).
#[derive(Clone, Copy)]
pub struct Country {
    pub iso: &'static str,
    pub tz: i64,
    pub price: f64,
    pub prefixes: &'static [&'static str],
    pub digits: usize,
}

const fn c(
    iso: &'static str,
    tz: i64,
    price: f64,
    prefixes: &'static [&'static str],
    digits: usize,
) -> Country {
    Country {
        iso,
        tz,
        price,
        prefixes,
        digits,
    }
}

pub const US: Country = c(
    "US",
    -5,
    0.0083,
    &["1212", "1310", "1415", "1617", "1713", "1305", "1404", "1206"],
    7,
);
pub const CA: Country = c("CA", -5, 0.0083, &["1416", "1604", "1514"], 7);
pub const GB: Country = c("GB", 0, 0.0400, &["4474", "4475", "4477", "4478"], 8);
pub const IE: Country = c("IE", 0, 0.0750, &["35383", "35385", "35387"], 7);
pub const DE: Country = c("DE", 1, 0.0900, &["49151", "49160", "49170", "49176"], 8);
pub const FR: Country = c("FR", 1, 0.0700, &["336", "337"], 8);
pub const ES: Country = c("ES", 1, 0.0800, &["346"], 8);
pub const NL: Country = c("NL", 1, 0.0950, &["316"], 8);
pub const IT: Country = c("IT", 1, 0.0750, &["393"], 9);
pub const BR: Country = c("BR", -3, 0.0600, &["55119", "55219"], 8);
pub const MX: Country = c("MX", -6, 0.0500, &["5255", "5233"], 8);
pub const IN: Country = c("IN", 5, 0.0060, &["919", "918"], 9);
pub const ID: Country = c("ID", 7, 0.3500, &["62812", "62813"], 8);
pub const PH: Country = c("PH", 8, 0.1700, &["63917", "63918"], 7);
pub const AU: Country = c("AU", 10, 0.0500, &["614"], 8);
// Pumping destinations.
pub const KG: Country = c("KG", 6, 0.3000, &["996555", "996700"], 6);
pub const SL: Country = c("SL", 0, 0.2000, &["23276", "23277"], 6);
pub const GN: Country = c("GN", 0, 0.2500, &["22462"], 7);
pub const LR: Country = c("LR", 0, 0.2400, &["23177"], 7);
pub const UZ: Country = c("UZ", 5, 0.2900, &["99890", "99893"], 7);
pub const TJ: Country = c("TJ", 5, 0.3100, &["99290", "99292"], 7);
pub const NG: Country = c("NG", 1, 0.2200, &["23480", "23481"], 8);
pub const SO: Country = c("SO", 3, 0.2700, &["25261"], 7);
pub const AZ: Country = c("AZ", 4, 0.2800, &["99450"], 7);
pub const KZ: Country = c("KZ", 5, 0.2300, &["7701"], 7);
pub const EG: Country = c("EG", 2, 0.1900, &["2010"], 8);
pub const PK: Country = c("PK", 5, 0.1500, &["92300"], 7);
pub const VN: Country = c("VN", 7, 0.1000, &["8491"], 7);
pub const TH: Country = c("TH", 7, 0.0600, &["668"], 8);
pub const BD: Country = c("BD", 6, 0.2100, &["88017"], 8);
pub const KE: Country = c("KE", 3, 0.1300, &["2547"], 8);
pub const GH: Country = c("GH", 0, 0.2400, &["23324"], 7);
pub const LK: Country = c("LK", 5, 0.1700, &["9477"], 7);
pub const BY: Country = c("BY", 3, 0.3200, &["37529"], 7);
pub const AM: Country = c("AM", 4, 0.2600, &["37477"], 6);
pub const GE: Country = c("GE", 4, 0.2500, &["99559"], 7);
pub const TZ: Country = c("TZ", 3, 0.2000, &["25571"], 7);
pub const ZW: Country = c("ZW", 2, 0.2000, &["26377"], 7);
pub const NP: Country = c("NP", 5, 0.1800, &["97798"], 8);
pub const MM: Country = c("MM", 6, 0.2500, &["959"], 9);

/// Countries the simulator writes numbers for.
pub const ALL: &[Country] = &[
    US, CA, GB, IE, DE, FR, ES, NL, IT, BR, MX, IN, ID, PH, AU, KG, SL, GN, LR, UZ, TJ, NG, SO, AZ, KZ, EG,
    PK, VN, TH, BD, KE, GH, LK, BY, AM, GE, TZ, ZW, NP, MM,
];

impl Country {
    pub fn number(&self, r: &mut Rng) -> String {
        let prefix = r.pick(self.prefixes);
        if prefix.starts_with('1') {
            // NANP: the exchange code starts with 2-9.
            return format!("+{prefix}{}{}", 2 + r.below(8), r.digits(self.digits - 1));
        }
        format!("+{prefix}{}", r.digits(self.digits))
    }
}

/// Which log a tenant writes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Auth0,
    Okta,
    TwilioMessage,
    TwilioVerify,
    Generic,
    AzureAcs,
    AwsEum,
    AwsSns,
}

/// One simulated tenant.
pub struct Tenant {
    pub name: &'static str,
    pub product: &'static str,
    pub source: Source,
    pub per_day: f64,
    pub countries: &'static [(Country, f64)],
    /// Share of sends verified, 0 for tenants whose SMS are not codes.
    pub conversion: f64,
    /// Weekend volume relative to weekdays.
    pub weekend: f64,
    /// Workflows and their weights.
    pub workflows: &'static [(&'static str, f64)],
    /// Distinct users (numbers) the tenant serves.
    pub users: u32,
}

pub const TENANTS: &[Tenant] = &[
    Tenant {
        name: "acme",
        product: "consumer app, sign-up OTP (Auth0 passwordless)",
        source: Source::Auth0,
        per_day: 2400.0,
        countries: &[
            (US, 0.40),
            (GB, 0.15),
            (DE, 0.10),
            (FR, 0.10),
            (BR, 0.10),
            (IN, 0.10),
            (ES, 0.05),
        ],
        conversion: 0.82,
        weekend: 1.15,
        workflows: &[("passwordless", 1.0)],
        users: 40_000,
    },
    Tenant {
        name: "finbank",
        product: "fintech, login MFA (Okta System Log: no tenant field)",
        source: Source::Okta,
        per_day: 1500.0,
        countries: &[(GB, 0.72), (IE, 0.10), (FR, 0.09), (DE, 0.09)],
        conversion: 0.9,
        weekend: 0.6,
        workflows: &[("mfa", 1.0)],
        users: 6_000,
    },
    Tenant {
        name: "AC0000000000000000000000000000b2b0",
        product: "B2B notifications (Twilio Messaging), no codes",
        source: Source::TwilioMessage,
        per_day: 1100.0,
        countries: &[(US, 0.55), (CA, 0.15), (GB, 0.15), (AU, 0.15)],
        conversion: 0.0,
        weekend: 0.25,
        workflows: &[("notification", 1.0)],
        users: 3_000,
    },
    Tenant {
        name: "AC00000000000000000000000000007e11",
        product: "small startup, sign-up OTP (Twilio Verify)",
        source: Source::TwilioVerify,
        per_day: 140.0,
        countries: &[(US, 0.8), (CA, 0.2)],
        conversion: 0.75,
        weekend: 1.0,
        workflows: &[("signup", 0.8), ("login", 0.2)],
        users: 5_000,
    },
    Tenant {
        name: "market",
        product: "marketplace, own app logs (generic): sign-up, login, reset; order notifications (no codes)",
        source: Source::Generic,
        per_day: 1800.0,
        countries: &[
            (US, 0.35),
            (MX, 0.15),
            (BR, 0.15),
            (GB, 0.10),
            (IT, 0.10),
            (ES, 0.10),
            (FR, 0.05),
        ],
        conversion: 0.8,
        weekend: 1.2,
        workflows: &[
            ("signup", 0.43),
            ("login", 0.51),
            ("reset", 0.015),
            ("notify", 0.045),
        ],
        users: 30_000,
    },
    Tenant {
        name: "acs-contoso",
        product: "appointment reminders (Azure Communication Services), no codes",
        source: Source::AzureAcs,
        per_day: 400.0,
        countries: &[(US, 0.7), (MX, 0.3)],
        conversion: 0.0,
        weekend: 0.5,
        workflows: &[("reminder", 1.0)],
        users: 4_000,
    },
    Tenant {
        name: "t-eum",
        product: "ride hailing, sign-up OTP (AWS End User Messaging events)",
        source: Source::AwsEum,
        per_day: 700.0,
        countries: &[(IN, 0.5), (ID, 0.25), (PH, 0.25)],
        conversion: 0.0,
        weekend: 1.1,
        workflows: &[("signup", 1.0)],
        users: 20_000,
    },
    Tenant {
        name: "sns",
        product: "Amazon SNS delivery logs only (no tenant, IP or conversion)",
        source: Source::AwsSns,
        per_day: 700.0,
        countries: &[(US, 0.6), (GB, 0.2), (DE, 0.2)],
        conversion: 0.0,
        weekend: 0.8,
        workflows: &[("Transactional", 1.0)],
        users: 10_000,
    },
];

/// What a line is, and what it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    pub line: usize,
    pub kind: &'static str,
    pub tenant: &'static str,
    pub source: Source,
    pub country: Option<&'static str>,
    pub to: Option<String>,
    pub ip: Option<String>,
    pub workflow: Option<&'static str>,
    pub price_usd: f64,
    pub time_ms: i64,
    pub scenario: &'static str,
    pub attack: Option<&'static str>,
}

const KINDS: [&str; 4] = ["sms", "conversion", "noise", "annotation"];

fn intern(
    s: String,
    known: impl IntoIterator<Item = &'static str>,
    what: &str,
) -> Result<&'static str, String> {
    known
        .into_iter()
        .find(|k| *k == s)
        .ok_or_else(|| format!("unknown {what} {s:?}"))
}

impl Label {
    /// A label line as `simulate` writes it; names must be the simulator's own.
    pub fn parse(line: &str) -> Result<Label, String> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw {
            line: usize,
            kind: String,
            tenant: String,
            source: Source,
            country: Option<String>,
            to: Option<String>,
            ip: Option<String>,
            workflow: Option<String>,
            price_usd: f64,
            time_ms: i64,
            scenario: String,
            attack: Option<String>,
        }
        let r: Raw = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let workflows = TENANTS
            .iter()
            .flat_map(|t| t.workflows.iter().map(|w| w.0))
            .chain([ATTACK_FLOW]);
        Ok(Label {
            line: r.line,
            kind: intern(r.kind, KINDS, "kind")?,
            tenant: intern(r.tenant, TENANTS.iter().map(|t| t.name), "tenant")?,
            source: r.source,
            country: r
                .country
                .map(|c| intern(c, ALL.iter().map(|c| c.iso), "country"))
                .transpose()?,
            to: r.to,
            ip: r.ip,
            workflow: r.workflow.map(|w| intern(w, workflows, "workflow")).transpose()?,
            price_usd: r.price_usd,
            time_ms: r.time_ms,
            scenario: intern(r.scenario, SCENARIOS.iter().map(|s| s.0), "scenario")?,
            attack: r
                .attack
                .map(|a| intern(a, SCENARIOS.iter().map(|s| s.0), "attack"))
                .transpose()?,
        })
    }
}

/// One traffic line and its label.
pub struct Line {
    pub time_ms: i64,
    pub seq: u64,
    pub text: String,
    pub label: Label,
}

/// The scenarios, for reports: id, kind, what happens.
pub const SCENARIOS: &[(&str, &str, &str)] = &[
    (
        "normal",
        "legit",
        "ordinary traffic of eight tenants, every profile",
    ),
    (
        "campaign_annotated",
        "legit",
        "market: 8x sign-ups for 2 h, announced by an annotation",
    ),
    (
        "campaign_unannotated",
        "legit",
        "acme: 4x sign-ups for 3 h, not announced",
    ),
    (
        "new_country_launch",
        "legit",
        "finbank launches in NL (a tenth of its traffic from day 5)",
    ),
    (
        "b2b_onboarding",
        "legit",
        "B2B tenant: 5x notifications to new recipients for a working day",
    ),
    (
        "resend_bug",
        "legit",
        "startup: an app bug resends each code 3-5 times for 3 h",
    ),
    (
        "office_enrolment",
        "legit",
        "finbank: 3,500 employees of a new business customer enrol in SMS MFA in one working day, from 3 office IPs, 92 % verify",
    ),
    (
        "webhook_outage",
        "legit",
        "market: the verification webhook stops logging for 4 h (sends go on, no conversion is logged)",
    ),
    (
        "notification_burst",
        "legit",
        "market: order notifications (a flow without codes) at 10x the tenant's volume for 2 h, not announced",
    ),
    (
        "burst_premium_block",
        "attack",
        "acme: 300 sign-ups in 30 min, sequential numbers in one KG block, 6 IPs",
    ),
    (
        "slow_low_multi_country",
        "attack",
        "startup: 6 an hour for a day into SL, GN, LR, random numbers",
    ),
    (
        "own_main_country",
        "attack",
        "finbank: 250 in 2 h into one GB block, residential IPs, browser UAs",
    ),
    (
        "ip_fanout",
        "attack",
        "market: one IP, 80 sign-ups to 25 countries in an hour",
    ),
    (
        "reset_flow_abuse",
        "attack",
        "market: 150 password resets in 3 h to UZ and TJ",
    ),
    (
        "cross_tenant_block",
        "attack",
        "one NG block pumped through three tenants, 50 each in 2 h",
    ),
    (
        "home_country_block",
        "attack",
        "acme: 1.5x its US volume for 4 h into one US block (random numbers), fresh residential IPs, browser UAs, 1 % verified",
    ),
    (
        "spread_pumping",
        "attack",
        "market: 2x its MX volume for 6 h, random MX mobile numbers, a fresh MX residential IP per request, browser UAs",
    ),
    (
        "adaptive_attacker",
        "attack",
        "acme: 300 sign-ups in 4 h that mimic the tenant's country mix, four blocks per country used in turn, a fresh residential IP every two sends, browser UAs, 2 % verified",
    ),
    (
        "provider_only",
        "attack",
        "SNS delivery logs only: 200 into one SO block in 3 h, no IP, no conversion",
    ),
];

/// Simulation settings.
pub struct Settings {
    pub seed: u64,
    pub days: u32,
    pub scale: f64,
    /// Factors on families of scenario parameters (the sweep), on top of the per-seed draws.
    pub sweep: Sweep,
}

/// Factors on families of scenario parameters, each 1 by default. The sweep runs each at ×0.5
/// and ×2 with the others at 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sweep {
    /// Attack sends per hour (the attack's send count over the same span).
    pub rate: f64,
    /// Volume multiples: the legitimate surges' multiples and sizes, and the attacks whose size
    /// is set against the tenant's own volume (home-country block, spread pumping, adaptive).
    pub volume: f64,
    /// Conversion rates: of the tenants' users, of the office enrolment, and the share of codes
    /// an attacker verifies (capped at 99 %).
    pub conversion: f64,
    /// Durations: of the attacks (at the same rate, so more sends) and of the legitimate surges.
    pub duration: f64,
    /// Not a factor: the share (0 to 1, default 0) of the attacks' requests made through
    /// residential proxies on the tenant's own users' networks (an address of a random user
    /// of the tenant in the destination country), so an attack's addresses look like its users'.
    pub proxies: f64,
    /// Not a factor: the share (0 to 1, default 0) of the attacks' sends made through a
    /// workflow of their own ([`ATTACK_FLOW`]), one the tenant's users never use (an SMS
    /// endpoint the attacker found unguarded), where the profile's log carries the workflow.
    pub own_flow: f64,
    /// Not a factor: the share (0 to 1, default 0) of the generic tenant's order notifications
    /// that carry a `verification_id`, as a log that gives every send an id would (the README
    /// asks for it on codes only): how a generator that ignores that advice is scored.
    pub notify_ids: f64,
}

/// The workflow of the attacks' sends under `--sweep own_flow=S`.
pub const ATTACK_FLOW: &str = "phone_change";

impl Default for Sweep {
    fn default() -> Self {
        Sweep {
            rate: 1.0,
            volume: 1.0,
            conversion: 1.0,
            duration: 1.0,
            proxies: 0.0,
            own_flow: 0.0,
            notify_ids: 0.0,
        }
    }
}

impl Sweep {
    /// Parses `name=factor[,name=factor…]` (names: rate, volume, conversion, duration; and
    /// proxies, own_flow and notify_ids, shares of at most 1).
    pub fn parse(spec: &str) -> Result<Sweep, String> {
        let mut s = Sweep::default();
        for part in spec.split(',').filter(|p| !p.is_empty()) {
            let (name, f) = part
                .split_once('=')
                .ok_or(format!("{part}: expected name=factor"))?;
            let f: f64 = f
                .parse()
                .ok()
                .filter(|f| (0.05..=20.0).contains(f))
                .ok_or(format!("{part}: the factor must be 0.05 to 20"))?;
            match name {
                "rate" => s.rate = f,
                "volume" => s.volume = f,
                "conversion" => s.conversion = f,
                "duration" => s.duration = f,
                "proxies" if f <= 1.0 => s.proxies = f,
                "own_flow" if f <= 1.0 => s.own_flow = f,
                "notify_ids" if f <= 1.0 => s.notify_ids = f,
                "proxies" | "own_flow" | "notify_ids" => {
                    return Err(format!("{part}: {name} is a share of at most 1"))
                }
                _ => {
                    return Err(format!(
                        "{name}: not rate, volume, conversion, duration, proxies, own_flow or notify_ids"
                    ))
                }
            }
        }
        Ok(s)
    }
}

/// One scenario's parameters, drawn per seed from ranges around the scenario's nominal values
/// (then multiplied by the sweep).
#[derive(Clone, Copy, Debug)]
struct Draw {
    /// Size or multiple, against the nominal.
    size: f64,
    /// Duration, against the nominal.
    span: f64,
    /// Start shift in hours.
    shift: i64,
    /// Conversion rate, against the nominal.
    conv: f64,
}

/// A legitimate surge: from an absolute hour of the simulation, for some hours, with a size
/// (a multiple of the tenant's traffic, or a count).
#[derive(Clone, Copy, Debug)]
struct Window {
    from: i64,
    hours: i64,
    size: f64,
}

impl Window {
    fn contains(&self, hour: i64) -> bool {
        (self.from..self.from + self.hours).contains(&hour)
    }
}

/// The legitimate surprises of one run.
struct Surges {
    campaign_annotated: Window,
    campaign_unannotated: Window,
    b2b_onboarding: Window,
    office_enrolment: Window,
    notification_burst: Window,
    webhook_outage: Window,
    resend_bug: Window,
    /// Factor on every tenant's conversion rate.
    conversion: f64,
    office_conversion: f64,
}

struct Gen {
    r: Rng,
    /// Draws of scenario parameters (its own stream, so the ordinary traffic of a seed does not
    /// depend on them).
    p: Rng,
    seq: u64,
    lines: Vec<Line>,
    days: u32,
    scale: f64,
    sweep: Sweep,
}

const UAS: &[&str] = &[
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36",
    "okhttp/4.12.0",
    "AcmeApp/5.2 (iOS 17.5)",
];

/// RFC 3339 with milliseconds, as most of these logs write it.
fn iso(ms: i64) -> String {
    let secs = pumpguard::time::format(ms);
    format!("{}.{:03}Z", secs.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// Share of a day's traffic in a local hour: low at night, peaks late morning and evening.
fn diurnal(local_hour: i64) -> f64 {
    const W: [f64; 24] = [
        0.25, 0.15, 0.10, 0.08, 0.08, 0.12, 0.30, 0.60, 0.90, 1.10, 1.25, 1.30, 1.30, 1.25, 1.20, 1.20, 1.25,
        1.35, 1.45, 1.50, 1.40, 1.15, 0.80, 0.50,
    ];
    W[local_hour.rem_euclid(24) as usize] / 0.9
}

/// A user's stable address: a /16 per country and tenant, a host per user.
fn user_ip(tenant: usize, country: &str, user: u64) -> String {
    let c = country.bytes().fold(7u64, |h, b| h * 31 + u64::from(b));
    format!(
        "{}.{}.{}.{}",
        23 + (c + tenant as u64 * 13) % 170,
        (c * 7 + tenant as u64) % 250,
        (user / 250) % 250,
        user % 250 + 1
    )
}

/// A user's number: derived from (tenant, country, user) so returning users keep it.
fn user_number(tenant: usize, country: Country, user: u64) -> String {
    let mut r =
        Rng::new(0xC0FFEE ^ (tenant as u64) << 40 ^ user ^ u64::from(country.iso.as_bytes()[0]) << 32);
    country.number(&mut r)
}

struct Send<'a> {
    t: i64,
    tenant: usize,
    country: Country,
    to: String,
    ip: Option<String>,
    ua: &'a str,
    workflow: &'static str,
    user: u64,
    scenario: &'static str,
    attack: Option<&'static str>,
    converts: bool,
}

impl Gen {
    /// Parameters of one scenario: size and duration each ×0.6–1.5, start ±2 hours,
    /// conversion ×0.9–1.05, drawn from the seed.
    fn draw(&mut self) -> Draw {
        let mut u = |lo: f64, hi: f64| lo + (hi - lo) * self.p.f();
        Draw {
            size: u(0.6, 1.5),
            span: u(0.6, 1.5),
            shift: u(-2.0, 2.999).floor() as i64,
            conv: u(0.9, 1.05),
        }
    }

    fn push(&mut self, t: i64, text: String, mut label: Label) {
        label.time_ms = t;
        self.seq += 1;
        self.lines.push(Line {
            time_ms: t,
            seq: self.seq,
            text,
            label,
        });
    }

    fn id(&mut self, prefix: &str, n: usize) -> String {
        let mut s = String::from(prefix);
        for _ in 0..n {
            s.push(char::from(b"0123456789abcdef"[self.r.below(16) as usize]));
        }
        s
    }

    /// One send in the tenant's log format, and its conversion when it converts.
    fn send(&mut self, s: Send<'_>) {
        let tn = &TENANTS[s.tenant];
        let price = s.country.price;
        let label = Label {
            line: 0,
            kind: "sms",
            tenant: tn.name,
            source: tn.source,
            country: Some(s.country.iso),
            to: Some(s.to.clone()),
            ip: s.ip.clone(),
            workflow: Some(s.workflow),
            price_usd: price,
            time_ms: s.t,
            scenario: s.scenario,
            attack: s.attack,
        };
        let ip = s.ip.clone().unwrap_or_default();
        let when = iso(s.t);
        let user_id = format!("u{:08x}", s.user);
        let verify_sid = self.id("VE", 32);
        let text = match tn.source {
            Source::Auth0 => serde_json::json!({
                "date": when, "type": "cs", "description": "Passwordless login code sent",
                "tenant_name": tn.name, "client_id": "c1acmeweb", "client_name": "Acme Web",
                "connection": "sms", "strategy": "sms", "strategy_type": "passwordless",
                "ip": ip, "user_agent": s.ua, "user_name": s.to,
                "details": {"body": {"phone_number": s.to, "send": "code"}},
                "log_id": self.id("90020260", 40),
            }),
            Source::Okta => serde_json::json!({
                "uuid": self.id("", 32), "published": when,
                "eventType": "system.sms.send_factor_verify_message", "version": "0", "severity": "INFO",
                "displayMessage": "Send SMS verification code",
                "actor": {"id": format!("00u{user_id}"), "type": "User", "alternateId": format!("{user_id}@finbank.example")},
                "client": {"userAgent": {"rawUserAgent": s.ua}, "ipAddress": ip,
                           "geographicalContext": {"country": s.country.iso}},
                "outcome": {"result": "SUCCESS"},
                "debugContext": {"debugData": {"phoneNumber": s.to, "requestUri": "/api/v1/authn/factors/sms/verify"}},
                "target": [{"id": self.id("mbl", 17), "type": "Factor", "alternateId": s.to}],
            }),
            Source::TwilioMessage => serde_json::json!({
                "account_sid": tn.name, "api_version": "2010-04-01",
                "body": "Your shipment has been dispatched.", "date_created": when,
                "direction": "outbound-api", "from": "+15550100001",
                "messaging_service_sid": "MG0000000000000000000000000000b2b0",
                "num_segments": "1", "price": format!("-{price:.5}"), "price_unit": "USD",
                "sid": self.id("SM", 32), "status": "delivered",
                "tags": {"flow": s.workflow}, "to": s.to,
            }),
            Source::TwilioVerify => serde_json::json!({
                "specversion": "1.0", "type": "com.twilio.accountsecurity.verify.message.sent",
                "source": "AB0000000000000000000000000007e11", "id": self.id("EZ", 32),
                "datacontenttype": "application/json", "time": when,
                "data": {"created_at": when, "account_sid": tn.name,
                         "service_sid": "VA0000000000000000000000000007e11",
                         "verification_sid": verify_sid, "attempt_sid": self.id("VL", 32),
                         "channel": "SMS", "message_status": "SENT", "to": s.to,
                         "number_segments": 1, "tags": {"flow": s.workflow}},
            }),
            Source::Generic => {
                let mut v = serde_json::json!({
                    "event": "sms_sent", "time": when, "tenant": tn.name, "workflow": s.workflow,
                    "to": s.to, "ip": ip, "user_agent": s.ua, "user_id": user_id,
                    "message_id": self.id("m", 16), "price_usd": price, "verification_id": verify_sid,
                });
                // An order notification is not a verification: it has no id to verify (unless
                // `--sweep notify_ids=S` gives it one).
                // The share is drawn from the id's own digits, not the generator, so the rest of
                // the traffic is the same whatever it is.
                let ids = self.sweep.notify_ids;
                let drawn = u32::from_str_radix(&verify_sid[2..10], 16)
                    .map_or(1.0, |x| f64::from(x) / 4_294_967_296.0);
                if s.workflow == "notify" && drawn >= ids {
                    v.as_object_mut().map(|o| o.remove("verification_id"));
                }
                v
            }
            Source::AzureAcs => serde_json::json!({
                "id": self.id("Outgoing_", 32),
                "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/microsoft.communication/communicationservices/acs-contoso",
                "subject": "/phonenumber/15550100009",
                "data": {"messageId": self.id("Outgoing_", 32), "from": "15550100009", "to": s.to,
                         "deliveryStatus": "Delivered", "deliveryStatusDetails": "No error.",
                         "receivedTimestamp": when,
                         "deliveryAttempts": [{"timestamp": when, "segmentsSucceeded": 1, "segmentsFailed": 0}],
                         "tag": format!("flow={}", s.workflow)},
                "eventType": "Microsoft.Communication.SMSDeliveryReportReceived",
                "dataVersion": "1.0", "eventTime": when,
            }),
            Source::AwsEum => serde_json::json!({
                "eventType": "TEXT_DELIVERED", "eventVersion": "1.0", "eventTimestamp": s.t + 4000,
                "isFinal": true, "originationPhoneNumber": "+15550100002",
                "destinationPhoneNumber": s.to, "isoCountryCode": s.country.iso,
                "messageId": self.id("", 32), "messageRequestTimestamp": s.t,
                "messageEncoding": "GSM", "messageType": "TRANSACTIONAL", "messageStatus": "DELIVERED",
                "context": {"flow": s.workflow, "tenant": tn.name},
                "totalMessageParts": 1, "totalMessagePrice": price, "totalCarrierFee": 0.0,
            }),
            Source::AwsSns => {
                let t = iso(s.t).replace('T', " ").trim_end_matches('Z').to_owned();
                serde_json::json!({
                    "notification": {"messageId": self.id("", 32), "timestamp": t},
                    "delivery": {"destination": s.to, "priceInUSD": price, "smsType": "Transactional",
                                 "providerResponse": "Message has been accepted by phone carrier",
                                 "dwellTimeMs": 400, "dwellTimeMsUntilDeviceAck": 1500},
                    "status": "SUCCESS",
                })
            }
        };
        self.push(s.t, text.to_string(), label);
        if !s.converts || s.scenario == "webhook_outage" {
            return;
        }
        // The user types the code a few seconds to a few minutes later.
        let delay = 8_000 + (self.r.f().powi(2) * 240_000.0) as i64;
        let t = s.t + delay;
        let when = iso(t);
        let text = match tn.source {
            Source::Auth0 => serde_json::json!({
                "date": when, "type": "s", "description": "Successful login",
                "tenant_name": tn.name, "client_id": "c1acmeweb", "client_name": "Acme Web",
                "connection": "sms", "strategy": "sms", "strategy_type": "passwordless",
                "ip": ip, "user_agent": s.ua, "user_name": s.to, "user_id": format!("sms|{user_id}"),
                "details": {"phone_number": s.to}, "log_id": self.id("90020260", 40),
            }),
            Source::Okta => serde_json::json!({
                "uuid": self.id("", 32), "published": when,
                "eventType": "user.authentication.auth_via_mfa", "version": "0", "severity": "INFO",
                "actor": {"id": format!("00u{user_id}"), "type": "User"},
                "client": {"userAgent": {"rawUserAgent": s.ua}, "ipAddress": ip},
                "outcome": {"result": "SUCCESS"},
                "debugContext": {"debugData": {"factor": "SMS_FACTOR", "phoneNumber": s.to}},
            }),
            Source::TwilioVerify => serde_json::json!({
                "specversion": "1.0", "type": "com.twilio.accountsecurity.verify.verification.approved",
                "source": "AB0000000000000000000000000007e11", "id": self.id("EZ", 32),
                "datacontenttype": "application/json", "time": when,
                "data": {"account_sid": tn.name, "service_sid": "VA0000000000000000000000000007e11",
                         "verification_sid": verify_sid, "created_at": iso(s.t), "verified_at": when,
                         "to": s.to, "verification_status": "APPROVED", "country": s.country.iso,
                         "channel": "SMS"},
            }),
            _ => serde_json::json!({
                "event": "otp_verified", "time": when, "tenant": tn.name, "to": s.to,
                "verification_id": verify_sid,
            }),
        };
        let label = Label {
            line: 0,
            kind: "conversion",
            tenant: tn.name,
            source: tn.source,
            country: Some(s.country.iso),
            to: Some(s.to),
            ip: s.ip,
            workflow: Some(s.workflow),
            price_usd: 0.0,
            time_ms: t,
            scenario: s.scenario,
            attack: s.attack,
        };
        self.push(t, text.to_string(), label);
    }

    fn pick_weighted<T: Copy>(&mut self, items: &[(T, f64)]) -> T {
        let total: f64 = items.iter().map(|i| i.1).sum();
        let mut x = self.r.f() * total;
        for (item, w) in items {
            x -= w;
            if x <= 0.0 {
                return *item;
            }
        }
        items[items.len() - 1].0
    }

    /// A tenant's ordinary traffic for the whole period, with the legitimate surprises.
    /// The legitimate surprises' windows and sizes for this seed.
    fn surges(&mut self) -> Surges {
        let sw = self.sweep;
        let mut w = |day: i64, start: i64, hours: f64, size: f64| {
            let d = self.draw();
            let hours = (hours * d.span * sw.duration).round().max(1.0) as i64;
            Window {
                from: day * 24 + (start + d.shift).clamp(0, 23),
                hours,
                size: size * d.size * sw.volume,
            }
        };
        let campaign_annotated = w(2, 10, 2.0, 7.0);
        let campaign_unannotated = w(3, 18, 3.0, 3.0);
        let b2b_onboarding = w(4, 9, 8.0, 4.0);
        let office_enrolment = w(1, 9, 8.0, 3500.0);
        let notification_burst = w(5, 13, 2.0, 10.0);
        let webhook_outage = w(3, 13, 4.0, 1.0);
        let resend_bug = w(2, 12, 3.0, 1.0);
        let d = self.draw();
        Surges {
            campaign_annotated,
            campaign_unannotated,
            b2b_onboarding,
            office_enrolment,
            notification_burst,
            webhook_outage,
            resend_bug,
            conversion: d.conv * sw.conversion,
            office_conversion: (0.92 * self.draw().conv * sw.conversion).min(0.99),
        }
    }

    fn ordinary(&mut self, ti: usize, sg: &Surges) {
        let tn = &TENANTS[ti];
        let tenant_conversion = (tn.conversion * sg.conversion).min(0.99);
        for hour in 0..i64::from(self.days) * 24 {
            let t0 = START_MS + hour * HOUR;
            let day = hour / 24;
            let weekend = matches!(day % 7, 5 | 6);
            let mut countries: Vec<(Country, f64)> = tn.countries.to_vec();
            let mut scenario_mult: Vec<(&'static str, f64)> = Vec::new();
            // Legitimate surprises.
            if tn.name == "market" && sg.campaign_annotated.contains(hour) {
                scenario_mult.push(("campaign_annotated", sg.campaign_annotated.size));
            }
            if tn.name == "acme" && sg.campaign_unannotated.contains(hour) {
                scenario_mult.push(("campaign_unannotated", sg.campaign_unannotated.size));
            }
            if tn.name.starts_with("AC0000000000000000000000000000b2b")
                && !weekend
                && sg.b2b_onboarding.contains(hour)
            {
                scenario_mult.push(("b2b_onboarding", sg.b2b_onboarding.size));
            }
            if tn.name == "finbank" && day >= 4 {
                countries.push((NL, 0.11));
            }
            // A new business customer's staff enrol in MFA from the office (Tuesday, GB hours).
            let enrolment = tn.name == "finbank" && sg.office_enrolment.contains(hour);
            // Order notifications, which never carry codes, surge without an announcement.
            let notification_burst = tn.name == "market" && sg.notification_burst.contains(hour);
            // The tenant's verification webhook stops logging: sends go on, conversions vanish.
            let outage = tn.name == "market" && sg.webhook_outage.contains(hour);
            let base_rate = tn.per_day * self.scale / 24.0 * if weekend { tn.weekend } else { 1.0 };
            for &(country, share) in &countries {
                let local = (hour % 24 + country.tz).rem_euclid(24);
                let lambda = base_rate * share * diurnal(local);
                let mut parts = vec![("normal", lambda)];
                for &(sc, m) in &scenario_mult {
                    parts.push((sc, lambda * m));
                }
                if tn.name == "finbank" && country.iso == "NL" {
                    parts = vec![("new_country_launch", lambda)];
                }
                if outage {
                    parts[0].0 = "webhook_outage";
                }
                if enrolment && country.iso == "GB" {
                    let w = &sg.office_enrolment;
                    parts.push(("office_enrolment", w.size / w.hours as f64 * self.scale));
                }
                if notification_burst {
                    parts.push((
                        "notification_burst",
                        base_rate * share * diurnal(local) * sg.notification_burst.size,
                    ));
                }
                for (scenario, lam) in parts {
                    let n = self.r.poisson(lam);
                    for _ in 0..n {
                        let t = t0 + self.r.below(HOUR as u64) as i64;
                        let workflow = if scenario == "notification_burst" {
                            "notify"
                        } else {
                            self.pick_weighted(tn.workflows)
                        };
                        // New recipients in surprises; returning users otherwise.
                        let returning = matches!(
                            scenario,
                            "normal" | "new_country_launch" | "notification_burst" | "webhook_outage"
                        );
                        let user = if returning {
                            self.r.below(u64::from(tn.users))
                        } else {
                            u64::from(tn.users) + self.r.below(1 << 30)
                        };
                        let to = user_number(ti, country, user);
                        let ip = match tn.source {
                            Source::TwilioVerify
                            | Source::TwilioMessage
                            | Source::AwsSns
                            | Source::AwsEum => None,
                            Source::AzureAcs => Some("20.42.0.17".to_owned()),
                            _ => Some(user_ip(ti, country.iso, user)),
                        };
                        let (ip, ua) = if scenario == "office_enrolment" {
                            (
                                Some(format!("81.2.69.{}", 10 + self.r.below(3))),
                                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
                            )
                        } else {
                            (ip, UAS[(user % UAS.len() as u64) as usize])
                        };
                        let rate = if scenario == "office_enrolment" {
                            sg.office_conversion
                        } else {
                            tenant_conversion
                        };
                        let converts = workflow != "notify" && rate > 0.0 && self.r.f() < rate;
                        let resend = tn.source == Source::TwilioVerify && sg.resend_bug.contains(hour);
                        let scenario = if resend { "resend_bug" } else { scenario };
                        let copies = if resend { 3 + self.r.below(3) } else { 1 };
                        for k in 0..copies {
                            let tk = t + k as i64 * (5_000 + self.r.below(20_000) as i64);
                            self.send(Send {
                                t: tk,
                                tenant: ti,
                                country,
                                to: to.clone(),
                                ip: ip.clone(),
                                ua,
                                workflow,
                                user,
                                scenario,
                                attack: None,
                                converts: converts && k + 1 == copies,
                            });
                        }
                    }
                }
            }
            // Non-SMS noise: about a fifth of the lines.
            let n = self.r.poisson(tn.per_day * self.scale / 24.0 * 0.25);
            for _ in 0..n {
                let t = t0 + self.r.below(HOUR as u64) as i64;
                self.noise(ti, t);
            }
        }
        if tn.name == "market" && self.days > 2 {
            let w = &sg.campaign_annotated;
            let t = START_MS + (w.from - 1) * HOUR;
            let text = serde_json::json!({
                "event": "annotation", "time": iso(t), "tenant": tn.name,
                "label": "spring-sale", "start": iso(START_MS + w.from * HOUR),
                "end": iso(START_MS + (w.from + w.hours) * HOUR),
            });
            let label = self.bare_label("annotation", ti, "campaign_annotated");
            self.push(t, text.to_string(), label);
        }
    }

    fn bare_label(&self, kind: &'static str, ti: usize, scenario: &'static str) -> Label {
        Label {
            line: 0,
            kind,
            tenant: TENANTS[ti].name,
            source: TENANTS[ti].source,
            country: None,
            to: None,
            ip: None,
            workflow: None,
            price_usd: 0.0,
            time_ms: 0,
            scenario,
            attack: None,
        }
    }

    fn noise(&mut self, ti: usize, t: i64) {
        let tn = &TENANTS[ti];
        let when = iso(t);
        let text = match tn.source {
            Source::Auth0 => serde_json::json!({"date": when, "type": "s", "description": "Successful login",
                "tenant_name": tn.name, "connection": "Username-Password-Authentication",
                "ip": "198.51.100.4", "user_name": "someone@example.com", "log_id": self.id("90020260", 40)}),
            Source::Okta => serde_json::json!({"uuid": self.id("", 32), "published": when,
                "eventType": "user.session.start", "outcome": {"result": "SUCCESS"}}),
            Source::TwilioMessage => serde_json::json!({"account_sid": tn.name, "direction": "inbound",
                "from": "+14155550100", "to": "+15550100001", "body": "STOP", "sid": self.id("SM", 32),
                "date_created": when, "status": "received"}),
            Source::TwilioVerify => serde_json::json!({"specversion": "1.0",
                "type": "com.twilio.accountsecurity.verify.message.sent", "id": self.id("EZ", 32),
                "data": {"created_at": when, "account_sid": tn.name, "channel": "EMAIL",
                         "to": "someone@example.com", "verification_sid": self.id("VE", 32)}}),
            _ => {
                serde_json::json!({"event": "page_view", "time": when, "tenant": tn.name, "path": "/pricing"})
            }
        };
        let label = self.bare_label("noise", ti, "normal");
        self.push(t, text.to_string(), label);
    }

    fn tenant_index(name: &str) -> usize {
        TENANTS.iter().position(|t| t.name == name).unwrap_or(0)
    }

    /// `n` attack sends spread over `span_ms` from `start`.
    #[allow(clippy::too_many_arguments)]
    fn attack(
        &mut self,
        id: &'static str,
        d: Draw,
        tenant: &str,
        start: i64,
        span_ms: i64,
        n: u32,
        workflow: &'static str,
        converts: f64,
        mut dest: impl FnMut(&mut Rng, u32) -> (Country, String),
        mut source: impl FnMut(&mut Rng, u32) -> (Option<String>, &'static str),
    ) {
        // The seed's draw and the sweep: the size at the same span is the rate; a longer
        // duration at the same rate sends more; attacks sized against the tenant's own volume
        // follow the volume factor.
        let sw = self.sweep;
        let relative = matches!(id, "home_country_block" | "spread_pumping" | "adaptive_attacker");
        let size = d.size * sw.rate * sw.duration * if relative { sw.volume } else { 1.0 };
        let span_ms = (span_ms as f64 * d.span * sw.duration) as i64;
        let n = (f64::from(n) * size * d.span).round() as u32;
        let start = start + d.shift * HOUR;
        let converts = (converts * d.conv * sw.conversion).min(0.99);
        if start >= START_MS + i64::from(self.days) * DAY {
            return;
        }
        let ti = Self::tenant_index(tenant);
        let n = ((f64::from(n) * self.scale.max(0.25)).round() as u32).max(10);
        let mut times: Vec<i64> = (0..n)
            .map(|_| start + self.r.below(span_ms as u64) as i64)
            .collect();
        times.sort_unstable();
        for (k, t) in times.into_iter().enumerate() {
            let (country, to) = dest(&mut self.r, k as u32);
            let (ip, ua) = source(&mut self.r, k as u32);
            // Through a residential proxy on one of the tenant's users' networks.
            let ip = match ip {
                Some(_) if sw.proxies > 0.0 && self.r.f() < sw.proxies => {
                    let user = self.r.below(u64::from(TENANTS[ti].users));
                    Some(user_ip(ti, country.iso, user))
                }
                ip => ip,
            };
            // Some attackers verify a few codes to look like users.
            let converts = converts > 0.0 && self.r.f() < converts;
            let workflow = if sw.own_flow > 0.0 && self.r.f() < sw.own_flow {
                ATTACK_FLOW
            } else {
                workflow
            };
            self.send(Send {
                t,
                tenant: ti,
                country,
                to,
                ip,
                ua,
                workflow,
                user: 1 << 40 | k as u64,
                scenario: id,
                attack: Some(id),
                converts,
            });
        }
    }

    fn attacks(&mut self) {
        let at = |day: i64, hour: i64| START_MS + day * DAY + hour * HOUR;
        // Fast burst into one premium block, sequential numbers, six addresses of one /24.
        let base = 100_000 + self.r.below(800_000);
        let dr = self.draw();
        self.attack(
            "burst_premium_block",
            dr,
            "acme",
            at(2, 14),
            30 * 60_000,
            300,
            "passwordless",
            0.0,
            |r, k| (KG, format!("+996555{:06}", base + u64::from(k) + r.below(2))),
            |_, k| {
                (
                    Some(format!("185.220.101.{}", 10 + k % 6)),
                    "python-requests/2.32.3",
                )
            },
        );
        // Slow and low across three West African countries, one day.
        let dr = self.draw();
        self.attack(
            "slow_low_multi_country",
            dr,
            "AC00000000000000000000000000007e11",
            at(3, 0),
            DAY,
            144,
            "signup",
            0.0,
            |r, _| {
                let c = *r.pick(&[SL, GN, LR]);
                let n = c.number(r);
                (c, n)
            },
            |_, _| (None, "twilio-verify"),
        );
        // Into the tenant's own main country: one GB block, residential proxies.
        let block = format!("447781{}", self.r.digits(2));
        let dr = self.draw();
        self.attack(
            "own_main_country",
            dr,
            "finbank",
            at(3, 9),
            2 * HOUR,
            250,
            "mfa",
            0.0,
            move |r, _| (GB, format!("+{block}{}", r.digits(4))),
            |r, _| {
                (
                    Some(format!(
                        "86.{}.{}.{}",
                        128 + r.below(60),
                        r.below(250),
                        1 + r.below(250)
                    )),
                    *r.pick(UAS),
                )
            },
        );
        // One address fanning out to 25 countries.
        let fan: Vec<Country> = ALL
            .iter()
            .copied()
            .filter(|c| !matches!(c.iso, "US" | "GB" | "MX" | "BR" | "IT" | "ES" | "FR"))
            .take(25)
            .collect();
        let dr = self.draw();
        self.attack(
            "ip_fanout",
            dr,
            "market",
            at(2, 20),
            HOUR,
            80,
            "signup",
            0.0,
            move |r, _| {
                let c = *r.pick(&fan);
                let n = c.number(r);
                (c, n)
            },
            |_, _| {
                (
                    Some("45.134.26.77".to_owned()),
                    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
                )
            },
        );
        // The rarely used password-reset flow.
        let dr = self.draw();
        self.attack(
            "reset_flow_abuse",
            dr,
            "market",
            at(4, 21),
            3 * HOUR,
            150,
            "reset",
            0.0,
            |r, _| {
                let c = *r.pick(&[UZ, TJ]);
                let n = c.number(r);
                (c, n)
            },
            |r, _| {
                (
                    Some(format!("5.188.62.{}", 10 + r.below(10))),
                    "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
                )
            },
        );
        // One block pumped through three tenants.
        let ng = format!("2348031{}", self.r.digits(1));
        let dr = self.draw();
        for tenant in ["acs-contoso", "t-eum", "market"] {
            let ng = ng.clone();
            self.attack(
                "cross_tenant_block",
                dr,
                tenant,
                at(4, 16),
                2 * HOUR,
                50,
                "signup",
                0.0,
                move |r, _| (NG, format!("+{ng}{}", r.digits(5))),
                |r, _| {
                    (
                        Some(format!("102.89.{}.{}", r.below(250), 1 + r.below(250))),
                        "okhttp/4.12.0",
                    )
                },
            );
        }
        // Into the tenant's home country: one block, random numbers over it, a few verified.
        let dr = self.draw();
        self.attack(
            "home_country_block",
            dr,
            "acme",
            at(5, 15),
            4 * HOUR,
            240,
            "passwordless",
            0.01,
            |r, _| (US, format!("+12126{}", r.digits(6))),
            |r, _| {
                (
                    Some(format!(
                        "{}.{}.{}.{}",
                        66 + r.below(8),
                        r.below(250),
                        r.below(250),
                        1 + r.below(250)
                    )),
                    *r.pick(&UAS[..6]),
                )
            },
        );
        // Spread over a country the tenant serves, from in-country residential addresses.
        let dr = self.draw();
        self.attack(
            "spread_pumping",
            dr,
            "market",
            at(6, 10),
            6 * HOUR,
            130,
            "signup",
            0.0,
            |r, _| {
                let n = MX.number(r);
                (MX, n)
            },
            |r, _| {
                (
                    Some(format!(
                        "189.{}.{}.{}",
                        r.below(250),
                        r.below(250),
                        1 + r.below(250)
                    )),
                    *r.pick(&UAS[..6]),
                )
            },
        );
        // An attacker who adapts: the tenant's own country mix, four blocks per country used in
        // turn (a new one every 25 sends), a fresh residential address every two sends, browser
        // agents, a few codes verified.
        let mix: Vec<(Country, f64)> = TENANTS[Self::tenant_index("acme")].countries.to_vec();
        let templates: Vec<Vec<String>> = mix
            .iter()
            .map(|(c, _)| (0..4).map(|_| c.number(&mut self.r)).collect())
            .collect();
        let total: f64 = mix.iter().map(|m| m.1).sum();
        let mut ip = String::new();
        let dr = self.draw();
        self.attack(
            "adaptive_attacker",
            dr,
            "acme",
            at(6, 14),
            4 * HOUR,
            300,
            "passwordless",
            0.02,
            move |r, k| {
                let mut x = r.f() * total;
                let mut i = 0;
                while i + 1 < mix.len() && x >= mix[i].1 {
                    x -= mix[i].1;
                    i += 1;
                }
                let t = &templates[i][(k as usize / 25) % 4];
                (mix[i].0, format!("{}{}", &t[..t.len() - 6], r.digits(6)))
            },
            move |r, k| {
                if k % 2 == 0 {
                    ip = format!(
                        "{}.{}.{}.{}",
                        24 + r.below(160),
                        r.below(250),
                        r.below(250),
                        1 + r.below(250)
                    );
                }
                (Some(ip.clone()), *r.pick(&UAS[..6]))
            },
        );
        // Only the provider's delivery logs see it.
        let so = format!("25261{}", self.r.digits(2));
        let dr = self.draw();
        self.attack(
            "provider_only",
            dr,
            "sns",
            at(5, 10),
            3 * HOUR,
            200,
            "Transactional",
            0.0,
            move |r, _| (SO, format!("+{so}{}", r.digits(5))),
            |_, _| (None, ""),
        );
    }
}

/// The whole simulation, in time order, labels numbered.
pub fn simulate(s: &Settings) -> Vec<Line> {
    let mut g = Gen {
        r: Rng::new(s.seed),
        p: Rng::new(s.seed ^ 0x5CE7_A210_0000_0000),
        seq: 0,
        lines: Vec::new(),
        days: s.days.max(1),
        scale: s.scale.clamp(0.01, 100.0),
        sweep: s.sweep,
    };
    let surges = g.surges();
    for ti in 0..TENANTS.len() {
        g.ordinary(ti, &surges);
    }
    g.attacks();
    let mut lines = g.lines;
    lines.sort_by_key(|l| (l.time_ms, l.seq));
    for (i, l) in lines.iter_mut().enumerate() {
        l.label.line = i + 1;
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_right() {
        assert_eq!(iso(START_MS), "2026-03-02T00:00:00.000Z");
        assert_eq!(iso(START_MS + DAY * 30 + 1234), "2026-04-01T00:00:01.234Z");
        assert_eq!(iso(0), "1970-01-01T00:00:00.000Z");
    }

    #[test]
    fn every_number_the_simulator_writes_is_valid_for_its_country() {
        let plan = pumpguard::numbering::NumberingPlan::embedded().expect("plan");
        let mut r = Rng::new(1);
        for c in ALL {
            for _ in 0..50 {
                let n = c.number(&mut r);
                let got = plan.normalize(&n, None).unwrap_or_else(|e| panic!("{n}: {e:?}"));
                assert_eq!(got.country.as_str(), c.iso, "{n}");
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_traffic() {
        let s = Settings {
            seed: 3,
            days: 2,
            scale: 0.05,
            sweep: Sweep::default(),
        };
        let a: Vec<String> = simulate(&s).into_iter().map(|l| l.text).collect();
        let b: Vec<String> = simulate(&s).into_iter().map(|l| l.text).collect();
        assert_eq!(a, b);
        assert!(a.len() > 500);
    }

    /// `own_flow=1` moves every attack send, and nothing else, into [`ATTACK_FLOW`]; the
    /// labels read back with it; and at the default the traffic is what it was.
    #[test]
    fn own_flow_moves_the_attacks_into_a_workflow_of_their_own() {
        let settings = |sweep| Settings {
            seed: 3,
            days: 7,
            scale: 0.25,
            sweep,
        };
        let plain = simulate(&settings(Sweep::default()));
        let own = simulate(&settings(Sweep::parse("own_flow=1").expect("parses")));
        let attack_sends = |ls: &[Line]| {
            ls.iter()
                .filter(|l| l.label.kind == "sms" && l.label.attack.is_some())
                .count()
        };
        assert!(attack_sends(&own) > 100);
        for l in own.iter().filter(|l| l.label.kind == "sms") {
            let expected = l.label.attack.is_some();
            assert_eq!(l.label.workflow == Some(ATTACK_FLOW), expected, "{}", l.text);
        }
        let legit = |ls: &[Line]| {
            ls.iter()
                .filter(|l| l.label.attack.is_none())
                .map(|l| l.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(legit(&plain), legit(&own), "legitimate traffic is the same");
        let json = serde_json::to_string(
            &own.iter()
                .find(|l| l.label.attack.is_some())
                .expect("an attack")
                .label,
        )
        .expect("serialises");
        assert_eq!(
            Label::parse(&json).expect("reads back").workflow,
            Some(ATTACK_FLOW)
        );
        assert!(Sweep::parse("own_flow=2").is_err());
    }

    /// `notify_ids=1` gives every generic order notification a `verification_id`, and
    /// nothing else changes; at the default none has one.
    #[test]
    fn notify_ids_gives_the_order_notifications_a_verification_id() {
        let settings = |sweep| Settings {
            seed: 5,
            days: 3,
            scale: 0.25,
            sweep,
        };
        let notices = |ls: &[Line]| {
            ls.iter()
                .filter(|l| l.label.workflow == Some("notify") && l.label.source == Source::Generic)
                .map(|l| l.text.contains("verification_id"))
                .collect::<Vec<_>>()
        };
        let plain = simulate(&settings(Sweep::default()));
        let ids = simulate(&settings(Sweep::parse("notify_ids=1").expect("parses")));
        assert!(notices(&plain).len() > 20);
        assert!(notices(&plain).iter().all(|has| !has));
        assert!(notices(&ids).iter().all(|has| *has));
        assert_eq!(notices(&plain).len(), notices(&ids).len());
        let strip = |ls: &[Line]| {
            ls.iter()
                .map(|l| {
                    let mut v: serde_json::Value = serde_json::from_str(&l.text).expect("json");
                    v.as_object_mut().map(|o| o.remove("verification_id"));
                    v.to_string()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&plain), strip(&ids), "the rest of the traffic is the same");
        assert!(Sweep::parse("notify_ids=1.5").is_err());
    }
}
