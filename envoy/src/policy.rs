//! What the filter does with a request, independent of Envoy: the record the engine scores, the
//! headers the upstream gets, and the answer enforce mode gives instead. Pure; tested natively.

use pumpguard::profiles::generic;
use pumpguard::{Action, Outcome, Verdict};

use crate::config::{Mode, PluginConfig};

/// Header names the filter sets. Requests arriving with any of them have them removed first,
/// so a client cannot forge a verdict for the upstream.
pub const HEADER_PREFIX: &str = "x-pumpguard-";
/// `x-pumpguard-score`.
pub const SCORE: &str = "x-pumpguard-score";
/// `x-pumpguard-level`.
pub const LEVEL: &str = "x-pumpguard-level";
/// `x-pumpguard-action`.
pub const ACTION: &str = "x-pumpguard-action";
/// `x-pumpguard-reasons`: reason codes, strongest first, comma-separated.
pub const REASONS: &str = "x-pumpguard-reasons";
/// `x-pumpguard-incident`, when the request belongs to one.
pub const INCIDENT: &str = "x-pumpguard-incident";
/// `x-pumpguard-alert: true` on the request that opens or escalates an incident.
pub const ALERT: &str = "x-pumpguard-alert";

/// Longest value taken from a request for any one field of the record: bounds the record (and
/// the ring slot it is copied to) whatever a client sends.
pub const MAX_FIELD: usize = 256;

/// What a request tells the engine.
#[derive(Debug, Default, Clone)]
pub struct Facts {
    /// Destination number, from `json_to_metadata`.
    pub to: Option<String>,
    /// Tenant.
    pub tenant: Option<String>,
    /// Workflow of the matched route.
    pub workflow: Option<String>,
    /// Client address.
    pub ip: Option<String>,
    /// `user-agent`.
    pub user_agent: Option<String>,
    /// `x-request-id`: the engine counts a replayed event once.
    pub request_id: Option<String>,
    /// Session, user or device id, when the body names one.
    pub session: Option<String>,
    /// Event time, epoch milliseconds.
    pub time_ms: i64,
}

fn clip(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(|v| {
        let mut end = v.len().min(MAX_FIELD);
        while !v.is_char_boundary(end) {
            end -= 1;
        }
        &v[..end]
    })
}

fn record(event: &str, f: &Facts) -> Vec<u8> {
    let mut o = serde_json::Map::new();
    o.insert(generic::EVENT.into(), event.into());
    o.insert(generic::TIME.into(), f.time_ms.into());
    for (key, value) in [
        (generic::TENANT, &f.tenant),
        (generic::WORKFLOW, &f.workflow),
        (generic::TO, &f.to),
        (generic::IP, &f.ip),
        (generic::USER_AGENT, &f.user_agent),
        (generic::MESSAGE_ID, &f.request_id),
        (generic::SESSION_ID, &f.session),
    ] {
        if let Some(v) = clip(value) {
            o.insert(key.into(), v.into());
        }
    }
    o.insert("source".into(), "envoy".into());
    serde_json::to_vec(&o).unwrap_or_default()
}

/// What the filter reads of a request: Envoy's host calls in `filter.rs`, a map in tests and
/// in the fuzzer. Values are the host's bytes, unchecked.
pub trait RequestView {
    /// A request header by (lower-case) name.
    fn header(&self, name: &str) -> Option<Vec<u8>>;
    /// `metadata.filter_metadata.<namespace>.<key>`, as `json_to_metadata` stored it.
    fn metadata(&self, namespace: &str, key: &str) -> Option<Vec<u8>>;
    /// The downstream address (`source.address`).
    fn source_address(&self) -> Option<Vec<u8>>;
}

/// Whether a request header is one of pumpguard's own (`x-pumpguard-*`, any case): the filter
/// removes them before anything else, so a client cannot forge a verdict.
pub fn is_own_header(name: &[u8]) -> bool {
    name.get(..HEADER_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(HEADER_PREFIX.as_bytes()))
}

/// What a request is to the filter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteKind {
    /// It triggers an SMS; the route's workflow.
    Sms(Option<String>),
    /// It verifies a code: its answer is conversion feedback.
    Verify,
    /// Anything else: untouched.
    Other,
}

/// The route a request matches: SMS routes first, then verify routes.
pub fn classify(cfg: &PluginConfig, method: &str, path: &str) -> RouteKind {
    if let Some(r) = cfg.routes.iter().find(|r| r.matches(method, path)) {
        return RouteKind::Sms(r.workflow.clone());
    }
    if cfg.verify_routes.iter().any(|r| r.matches(method, path)) {
        return RouteKind::Verify;
    }
    RouteKind::Other
}

fn text(bytes: Option<Vec<u8>>) -> Option<String> {
    let s = String::from_utf8(bytes?).ok()?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

/// The facts of a request. The tenant comes from trusted sources first: a header set by the
/// application's own edge, the configured tenant; metadata only when neither is configured
/// (see `tenant` in `envoy-config/README.md`).
pub fn facts(cfg: &PluginConfig, req: &impl RequestView, workflow: Option<&String>, now_ms: i64) -> Facts {
    let ns = cfg.metadata_namespace.as_str();
    let ip = match &cfg.client_ip_header {
        Some(h) => text(req.header(h)).map(|v| client_ip(&v, true)),
        None => text(req.source_address()).map(|v| client_ip(&v, false)),
    };
    let tenant = cfg
        .tenant_header
        .as_deref()
        .and_then(|h| text(req.header(h)))
        .or_else(|| cfg.tenant.clone())
        .or_else(|| text(req.metadata(ns, "tenant")));
    Facts {
        to: text(req.metadata(ns, "to")),
        tenant,
        workflow: workflow.cloned(),
        ip,
        user_agent: text(req.header("user-agent")),
        request_id: text(req.header("x-request-id")),
        session: text(req.metadata(ns, "session")),
        time_ms: now_ms,
    }
}

/// The generic-profile record of a request that sends an SMS.
pub fn sms_record(f: &Facts) -> Vec<u8> {
    record(generic::SMS_SENT, f)
}

/// The generic-profile record of a verify request answered 2xx.
pub fn conversion_record(f: &Facts) -> Vec<u8> {
    record(generic::OTP_VERIFIED, f)
}

/// A header value made of visible ASCII only: incident ids carry tenant names, and nothing a
/// tenant name holds may become a control character, a line break or non-ASCII in a header.
pub fn header_value(s: &str) -> String {
    s.chars()
        .take(256)
        .map(|c| if c.is_ascii_graphic() || c == ' ' { c } else { '_' })
        .collect()
}

/// The headers the upstream gets for a verdict.
pub fn headers(v: &Verdict) -> Vec<(&'static str, String)> {
    let mut h = vec![
        (SCORE, v.score.to_string()),
        (LEVEL, v.level.as_str().to_owned()),
        (ACTION, v.action.as_str().to_owned()),
        (
            REASONS,
            v.reasons.iter().map(|r| r.code).collect::<Vec<_>>().join(","),
        ),
    ];
    if let Some(id) = &v.incident {
        h.push((INCIDENT, header_value(id)));
    }
    if v.alert {
        h.push((ALERT, "true".to_owned()));
    }
    h
}

/// The key a `throttle` verdict is rate-limited by: the number block, else the country, else
/// the tenant.
pub fn throttle_key(v: &Verdict) -> String {
    let k = &v.keys;
    let tenant = k.tenant.as_deref().unwrap_or("");
    match (&k.block, &k.country) {
        (Some(b), _) => format!("{tenant}|b|{b}"),
        (None, Some(c)) => format!("{tenant}|c|{c}"),
        _ => format!("{tenant}|t"),
    }
}

/// The log line of a verdict worth a look (medium and up, or an alert): one JSON object.
pub fn log_line(v: &Verdict, f: &Facts) -> String {
    let reasons: Vec<_> = v
        .reasons
        .iter()
        .map(|r| serde_json::json!({"code": r.code, "weight": r.weight, "detail": r.detail}))
        .collect();
    serde_json::json!({
        "pumpguard": {
            "score": v.score,
            "level": v.level.as_str(),
            "action": v.action.as_str(),
            "alert": v.alert,
            "incident": v.incident,
            "reasons": reasons,
            "keys": {
                "tenant": v.keys.tenant,
                "country": v.keys.country,
                "block": v.keys.block,
                "workflow": v.keys.workflow,
            },
        },
        "ip": clip(&f.ip),
        "request_id": clip(&f.request_id),
    })
    .to_string()
}

/// What to do with the request.
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// Forward it with these headers.
    Forward(Vec<(&'static str, String)>),
    /// Answer it: `429` with these headers and body.
    Reject {
        /// Headers of the answer (`retry-after`, `content-type` and the verdict's).
        headers: Vec<(&'static str, String)>,
        /// JSON body.
        body: Vec<u8>,
    },
}

/// The decision for a scored request. `throttle_allows` is asked only for a `throttle`
/// verdict in enforce mode.
pub fn decide(
    mode: Mode,
    outcome: &Outcome,
    retry_after_secs: u32,
    throttle_allows: impl FnOnce(&Verdict) -> bool,
) -> Decision {
    let Some(v) = outcome.verdict() else {
        return Decision::Forward(Vec::new());
    };
    let tags = headers(v);
    let refuse = match (mode, v.action) {
        (Mode::Enforce, Action::Block) => true,
        (Mode::Enforce, Action::Throttle) => !throttle_allows(v),
        _ => false,
    };
    if !refuse {
        return Decision::Forward(tags);
    }
    let body = serde_json::json!({
        "error": "too_many_requests",
        "detail": "this request was refused to protect the SMS service; retry later",
        "retry_after": retry_after_secs,
    });
    let mut headers = vec![
        ("retry-after", retry_after_secs.to_string()),
        ("content-type", "application/json".to_owned()),
    ];
    headers.extend(tags);
    Decision::Reject {
        headers,
        body: serde_json::to_vec(&body).unwrap_or_default(),
    }
}

/// A token bucket of one: whether a request for `key` may pass now, given when the last one
/// did (`last_ms`), at most one per `interval_ms`.
pub fn throttle_passes(last_ms: Option<i64>, now_ms: i64, interval_ms: i64) -> bool {
    match last_ms {
        None => true,
        Some(last) => now_ms.saturating_sub(last) >= interval_ms || now_ms < last,
    }
}

/// A stable slot for a key (FNV-1a; the same in every worker).
pub fn slot(key: &str, slots: u32) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h % slots.max(1)
}

/// The first address of an `x-forwarded-for`-style list, or a `host:port` downstream address
/// without its port.
pub fn client_ip(value: &str, from_header: bool) -> String {
    let v = if from_header {
        value.split(',').next().unwrap_or("").trim()
    } else {
        value.trim()
    };
    if from_header {
        return v.to_owned();
    }
    // `[::1]:5000` → `::1`; `127.0.0.1:5000` → `127.0.0.1`.
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_owned();
    }
    match v.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host.to_owned()
        }
        _ => v.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pumpguard::{Config, Engine};

    fn facts(to: &str, ip: &str, t: i64) -> Facts {
        Facts {
            to: Some(to.into()),
            tenant: Some("acme".into()),
            workflow: Some("signup".into()),
            ip: Some(ip.into()),
            user_agent: Some("curl/8".into()),
            request_id: None,
            session: None,
            time_ms: t,
        }
    }

    #[test]
    fn the_record_is_one_the_engine_scores_and_hostile_fields_are_clipped() {
        let mut e = Engine::new(Config::default()).expect("engine");
        let rec = sms_record(&facts("+447400123456", "10.0.0.1", 1_767_787_200_000));
        let v = e.score(&rec, None);
        assert!(matches!(v, Outcome::Scored(_)), "{v:?}");
        let long = "é".repeat(1000);
        let mut f = facts(&long, &long, 1);
        f.user_agent = Some("\"\\\n\u{0}".into());
        let rec = sms_record(&f);
        assert!(rec.len() < 2 * 1024, "{}", rec.len());
        let back: serde_json::Value = serde_json::from_slice(&rec).expect("valid JSON");
        assert_eq!(back["user_agent"], "\"\\\n\u{0}");
        let v = e.score(&conversion_record(&facts("+447400123456", "1", 2)), None);
        assert_eq!(v, Outcome::Evidence);
    }

    #[test]
    fn monitor_only_tags_and_enforce_refuses_block_and_over_rate_throttle() {
        let mut v = Verdict::unscored("x", String::new(), Action::Block);
        v.score = 90;
        let o = Outcome::Scored(v.clone());
        let Decision::Forward(h) = decide(Mode::Monitor, &o, 60, |_| false) else {
            panic!("monitor never refuses");
        };
        assert!(h.iter().any(|(k, val)| *k == ACTION && val == "block"));
        let Decision::Reject { headers, body } = decide(Mode::Enforce, &o, 60, |_| true) else {
            panic!("enforce refuses a block");
        };
        assert!(headers.contains(&("retry-after", "60".to_owned())));
        assert!(serde_json::from_slice::<serde_json::Value>(&body).is_ok());
        v.action = Action::Throttle;
        let o = Outcome::Scored(v);
        assert!(matches!(
            decide(Mode::Enforce, &o, 5, |_| true),
            Decision::Forward(_)
        ));
        assert!(matches!(
            decide(Mode::Enforce, &o, 5, |_| false),
            Decision::Reject { .. }
        ));
        assert_eq!(
            decide(Mode::Enforce, &Outcome::Passed, 5, |_| false),
            Decision::Forward(vec![])
        );
    }

    #[test]
    fn header_values_never_carry_control_characters() {
        let mut v = Verdict::unscored("x", String::new(), Action::Allow);
        v.incident = Some("inc-ev\r\nil\u{0}-é-KG".into());
        let h = headers(&v);
        let (_, id) = h.iter().find(|(k, _)| *k == INCIDENT).expect("incident header");
        assert_eq!(id, "inc-ev__il_-_-KG");
        assert!(header_value(&"x".repeat(10_000)).len() <= 256);
    }

    #[test]
    fn throttle_lets_one_request_per_interval_through() {
        assert!(throttle_passes(None, 1000, 500));
        assert!(!throttle_passes(Some(1000), 1400, 500));
        assert!(throttle_passes(Some(1000), 1500, 500));
        assert!(
            throttle_passes(Some(5000), 1000, 500),
            "a clock step back does not lock it"
        );
        assert_eq!(slot("a", 16), slot("a", 16));
        assert!(slot("anything", 7) < 7);
    }

    #[test]
    fn client_addresses_lose_their_port_and_forwarded_lists_give_the_first_hop() {
        assert_eq!(client_ip("127.0.0.1:5000", false), "127.0.0.1");
        assert_eq!(client_ip("[::1]:5000", false), "::1");
        assert_eq!(client_ip("203.0.113.7, 10.0.0.1", true), "203.0.113.7");
    }

    /// A request as a map, the way the fuzzer builds them.
    #[derive(Default)]
    pub struct MapRequest {
        pub headers: Vec<(String, Vec<u8>)>,
        pub metadata: Vec<(String, Vec<u8>)>,
        pub source: Option<Vec<u8>>,
    }

    impl RequestView for MapRequest {
        fn header(&self, name: &str) -> Option<Vec<u8>> {
            self.headers
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
        fn metadata(&self, _namespace: &str, key: &str) -> Option<Vec<u8>> {
            self.metadata
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        }
        fn source_address(&self) -> Option<Vec<u8>> {
            self.source.clone()
        }
    }

    fn plugin(extra: &str) -> PluginConfig {
        let json = format!(
            r#"{{"routes":[{{"path":"/api/signup","method":"POST","workflow":"signup"}}],"verify_routes":[{{"prefix":"/api/verify"}}]{extra}}}"#
        );
        crate::config::load(json.as_bytes()).expect("config").plugin
    }

    #[test]
    fn the_tenant_comes_from_the_edge_header_then_the_config_then_metadata() {
        let req = MapRequest {
            headers: vec![
                ("x-tenant".into(), b" edge ".to_vec()),
                ("user-agent".into(), b"ua".to_vec()),
            ],
            metadata: vec![
                ("tenant".into(), b"from-body".to_vec()),
                ("to".into(), b"+447400123456".to_vec()),
                ("session".into(), vec![0xff, 0xfe]),
            ],
            source: Some(b"10.1.2.3:4444".to_vec()),
        };
        let f = super::facts(
            &plugin(r#","tenant_header":"x-tenant","tenant":"cfg""#),
            &req,
            None,
            7,
        );
        assert_eq!(f.tenant.as_deref(), Some("edge"));
        assert_eq!(f.ip.as_deref(), Some("10.1.2.3"));
        assert_eq!(f.session, None, "not UTF-8: dropped");
        let f = super::facts(&plugin(r#","tenant":"cfg""#), &req, None, 7);
        assert_eq!(f.tenant.as_deref(), Some("cfg"));
        let f = super::facts(&plugin(""), &req, None, 7);
        assert_eq!(f.tenant.as_deref(), Some("from-body"));
        assert_eq!(f.to.as_deref(), Some("+447400123456"));
    }

    #[test]
    fn routes_and_own_headers_are_recognised() {
        let p = plugin("");
        assert_eq!(
            classify(&p, "POST", "/api/signup?x=1"),
            RouteKind::Sms(Some("signup".into()))
        );
        assert_eq!(classify(&p, "GET", "/api/signup"), RouteKind::Other);
        assert_eq!(classify(&p, "POST", "/api/verify/1"), RouteKind::Verify);
        assert!(is_own_header(b"X-PumpGuard-Score"));
        assert!(!is_own_header(b"x-pump"));
        assert!(!is_own_header(&[0xff; 20]));
    }
}
