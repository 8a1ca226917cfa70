//! The plugin configuration (`configuration` of the wasm filter in `envoy.yaml`): strict JSON,
//! every problem reported at once, so Envoy refuses a bad file with a message that says why.

use serde::Deserialize;

/// What the filter does with a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Tag requests for the upstream and log; never answer for it.
    #[default]
    Monitor,
    /// As monitor, and answer `429` when the action is `block`, rate-limit on `throttle`.
    Enforce,
}

/// A route that triggers an SMS, or the route that verifies the code.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Exact path (query string ignored).
    #[serde(default)]
    pub path: Option<String>,
    /// Path prefix.
    #[serde(default)]
    pub prefix: Option<String>,
    /// HTTP method; any when absent.
    #[serde(default)]
    pub method: Option<String>,
    /// Workflow name for the engine (`signup`, `login`, `reset` …).
    #[serde(default)]
    pub workflow: Option<String>,
}

impl Route {
    /// Whether a request with this method and path (query included or not) is this route.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        let path = path.split(['?', '#']).next().unwrap_or("");
        if let Some(m) = &self.method {
            if !m.eq_ignore_ascii_case(method) {
                return false;
            }
        }
        match (&self.path, &self.prefix) {
            (Some(p), _) => p == path,
            (None, Some(p)) => path.starts_with(p.as_str()),
            (None, None) => false,
        }
    }
}

/// Rate limiting for `throttle` verdicts in enforce mode.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Throttle {
    /// At most one request per number block per this many seconds.
    pub interval_secs: u32,
    /// Shared-data slots the per-block timestamps hash into (bounded: keys never expire).
    pub slots: u32,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            interval_secs: 30,
            slots: 1024,
        }
    }
}

/// How workers share what they see (Envoy runs one VM per worker thread).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Replication {
    /// Events kept in the shared ring; a worker more than this far behind skips ahead.
    pub ring_slots: u32,
    /// At most this many events replayed per request, so one request never waits long.
    pub max_catch_up: u32,
}

impl Default for Replication {
    fn default() -> Self {
        Replication {
            ring_slots: 4096,
            max_catch_up: 1024,
        }
    }
}

/// The whole plugin configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginConfig {
    /// `monitor` (default) or `enforce`.
    #[serde(default)]
    pub mode: Mode,
    /// Routes that send an SMS.
    pub routes: Vec<Route>,
    /// Routes that check a code: a 2xx answer is a conversion for the number in its metadata.
    #[serde(default)]
    pub verify_routes: Vec<Route>,
    /// Dynamic-metadata namespace `json_to_metadata` writes to.
    #[serde(default = "default_namespace")]
    pub metadata_namespace: String,
    /// Tenant of every request, unless `tenant_header` or the `tenant` metadata key gives one.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Request header naming the tenant.
    #[serde(default)]
    pub tenant_header: Option<String>,
    /// Request header with the client address (first entry), e.g. `x-forwarded-for` behind a
    /// load balancer; the downstream address when absent.
    #[serde(default)]
    pub client_ip_header: Option<String>,
    /// `Retry-After` of a `429`.
    #[serde(default = "default_retry_after")]
    pub retry_after_secs: u32,
    /// Rate limiting of `throttle` verdicts.
    #[serde(default)]
    pub throttle: Throttle,
    /// Cross-worker event sharing.
    #[serde(default)]
    pub replication: Replication,
    /// The engine configuration, as `pumpguard config --defaults` prints it.
    #[serde(default)]
    pub pumpguard: Option<Box<serde_json::value::RawValue>>,
}

fn default_namespace() -> String {
    "pumpguard".into()
}

fn default_retry_after() -> u32 {
    60
}

/// The plugin configuration and the engine configuration it holds, both checked.
pub struct Loaded {
    /// The plugin settings.
    pub plugin: PluginConfig,
    /// The engine configuration.
    pub engine: pumpguard::Config,
}

/// Parses and checks a plugin configuration; every problem in one message.
pub fn load(bytes: &[u8]) -> Result<Loaded, String> {
    let plugin: PluginConfig =
        serde_json::from_slice(bytes).map_err(|e| format!("plugin configuration: {e}"))?;
    let mut problems = Vec::new();
    if plugin.routes.is_empty() {
        problems.push("routes: at least one SMS-triggering route is needed".to_owned());
    }
    for (name, routes) in [
        ("routes", &plugin.routes),
        ("verify_routes", &plugin.verify_routes),
    ] {
        for (i, r) in routes.iter().enumerate() {
            match (&r.path, &r.prefix) {
                (Some(_), Some(_)) | (None, None) => {
                    problems.push(format!("{name}[{i}]: exactly one of path and prefix"))
                }
                (Some(p), None) | (None, Some(p)) if !p.starts_with('/') => {
                    problems.push(format!("{name}[{i}]: {p:?} does not start with /"))
                }
                _ => {}
            }
        }
    }
    if plugin.metadata_namespace.is_empty() {
        problems.push("metadata_namespace: empty".to_owned());
    }
    if plugin.retry_after_secs == 0 {
        problems.push("retry_after_secs: must be at least 1".to_owned());
    }
    if plugin.throttle.interval_secs == 0 || plugin.throttle.slots == 0 {
        problems.push("throttle: interval_secs and slots must be at least 1".to_owned());
    }
    if !(16..=1 << 20).contains(&plugin.replication.ring_slots) {
        problems.push("replication.ring_slots: between 16 and 1048576".to_owned());
    }
    if plugin.replication.max_catch_up == 0 {
        problems.push("replication.max_catch_up: must be at least 1".to_owned());
    }
    let engine = match &plugin.pumpguard {
        Some(raw) => {
            match pumpguard::Config::from_json(raw.get().as_bytes()).and_then(|c| c.validate().map(|()| c)) {
                Ok(c) => Some(c),
                Err(e) => {
                    problems.push(format!("pumpguard: {e}"));
                    None
                }
            }
        }
        None => Some(pumpguard::Config::default()),
    };
    match engine {
        Some(engine) if problems.is_empty() => Ok(Loaded { plugin, engine }),
        _ => Err(problems.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minimal_configuration_loads_with_defaults() {
        let l =
            load(br#"{"routes":[{"path":"/signup","method":"POST","workflow":"signup"}]}"#).expect("loads");
        assert_eq!(l.plugin.mode, Mode::Monitor);
        assert_eq!(l.plugin.metadata_namespace, "pumpguard");
        assert_eq!(l.plugin.retry_after_secs, 60);
        assert!(l.plugin.routes[0].matches("post", "/signup?x=1"));
        assert!(!l.plugin.routes[0].matches("GET", "/signup"));
        assert!(!l.plugin.routes[0].matches("POST", "/signup/x"));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let e = match load(
            br#"{"routes":[{"path":"/a","prefix":"/b"},{"path":"x"}],"retry_after_secs":0,
                 "pumpguard":{"levels":{"high":500}}}"#,
        ) {
            Err(e) => e,
            Ok(_) => panic!("refused"),
        };
        for want in ["routes[0]", "routes[1]", "retry_after_secs", "pumpguard:"] {
            assert!(e.contains(want), "{want} in {e}");
        }
        assert!(load(br#"{"routes":[]}"#).is_err());
        assert!(load(br#"{"routes":[{"path":"/a"}],"mode":"block"}"#).is_err());
        assert!(load(br#"{"routes":[{"path":"/a"}],"rootes":1}"#).is_err());
        assert!(load(b"not json").is_err());
    }
}
