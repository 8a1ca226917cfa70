//! Helpers shared by the test modules.

use std::path::{Path, PathBuf};

use pumpguard::{Config, Engine, Outcome, Verdict};

/// The repository's root: these tests are the `cli/` crate's (`cli/Cargo.toml`).
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is inside the repository")
}

/// A test's scratch directory, `pumpguard-<name>-<pid>` under the system's temporary directory:
/// made empty, and removed when dropped unless the test is failing (then kept, and its path
/// printed, for the logs in it). Declared before what writes into it (a host, a sidecar saving
/// its state when stopped), so that it is dropped after.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("pumpguard-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept {} for the failing test", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// 2026-01-05T00:00:00Z, a Monday.
pub const T0: i64 = 1_767_571_200;

/// A default engine.
pub fn engine() -> Engine {
    Engine::new(Config::default()).expect("default config is valid")
}

/// An engine from a JSON configuration.
pub fn engine_with(json: &str) -> Engine {
    let cfg = Config::from_json(json.as_bytes()).expect("config parses");
    Engine::new(cfg).expect("config is valid")
}

/// RFC 3339 text of `T0 + secs`.
pub fn at(secs: i64) -> String {
    pumpguard::time::format((T0 + secs) * 1000)
}

/// A generic-profile send. `extra` is inserted as more JSON members (start with a comma).
pub fn sms(secs: i64, tenant: &str, to: &str, extra: &str) -> String {
    format!(
        r#"{{"event":"sms_sent","time":"{}","tenant":"{tenant}","to":"{to}"{extra}}}"#,
        at(secs)
    )
}

/// A generic-profile conversion of `to`.
pub fn verified(secs: i64, tenant: &str, to: &str) -> String {
    format!(
        r#"{{"event":"otp_verified","time":"{}","tenant":"{tenant}","to":"{to}"}}"#,
        at(secs)
    )
}

/// Scores a record and returns its verdict (panics if it got none).
pub fn verdict(e: &mut Engine, rec: &str) -> Verdict {
    match e.score(rec.as_bytes(), None) {
        Outcome::Scored(v) | Outcome::Unscored(v) => v,
        other => panic!("no verdict for {rec}: {other:?}"),
    }
}

/// Whether a verdict has a reason with `code`, and its weight.
pub fn weight(v: &Verdict, code: &str) -> Option<i32> {
    v.reasons.iter().find(|r| r.code == code).map(|r| r.weight)
}

pub use crate::rng::Rng;

/// A plausible US mobile number.
pub fn us_number(r: &mut Rng) -> String {
    format!(
        "+1{}{}{:06}",
        201 + r.below(700),
        2 + r.below(8),
        r.below(1_000_000)
    )
}

/// Warms a tenant with `days` of ordinary US traffic: `per_hour` sends an hour, 80 % verified.
pub fn warm(e: &mut Engine, tenant: &str, days: i64, per_hour: i64, r: &mut Rng) {
    warm_hours(e, tenant, 0..days * 24, per_hour, r);
}

/// [`warm`]'s traffic over the given hours only (counted from the start), so a test can put
/// its own sends between them in time order.
pub fn warm_hours(e: &mut Engine, tenant: &str, hours: std::ops::Range<i64>, per_hour: i64, r: &mut Rng) {
    for h in hours {
        for i in 0..per_hour {
            let t = h * 3600 + i * 3600 / per_hour + r.below(60) as i64;
            let to = us_number(r);
            let ip = format!("198.51.{}.{}", r.below(255), 1 + r.below(250));
            e.score(
                sms(
                    t,
                    tenant,
                    &to,
                    &format!(
                        r#","workflow":"login","ip":"{ip}","user_agent":"Mozilla/5.0 (ua {})""#,
                        r.below(4)
                    ),
                )
                .as_bytes(),
                None,
            );
            if r.below(10) < 8 {
                e.score(verified(t + 30, tenant, &to).as_bytes(), None);
            }
        }
    }
}

/// One of a tenant's users logging in at `t` to `to`, from a random address, verified 80 % of
/// the time (as [`warm`]'s traffic); whether the login was held at `high`.
pub fn user_login(e: &mut Engine, t: i64, tenant: &str, to: &str, r: &mut Rng) -> bool {
    let ip = format!("198.51.{}.{}", r.below(255), 1 + r.below(250));
    let v = verdict(
        e,
        &sms(t, tenant, to, &format!(r#","workflow":"login","ip":"{ip}""#)),
    );
    if r.below(10) < 8 {
        e.score(verified(t + 30, tenant, to).as_bytes(), None);
    }
    v.level >= pumpguard::Level::High
}

/// The hostile records every host is run with (`tests/hostile.rs`, the sidecar and Envoy
/// tests): named, one JSON-ish record each, none containing a newline.
pub fn hostile_records() -> Vec<(&'static str, Vec<u8>)> {
    let sms = |extra: &str| {
        format!(
            r#"{{"event":"sms_sent","time":"{}","tenant":"acme","to":"+447400123456"{extra}}}"#,
            at(0)
        )
    };
    let reasons: Vec<String> = (0..10_000)
        .map(|i| format!(r#"{{"code":"forged_{i}","weight":100,"detail":"x"}}"#))
        .collect();
    let tags: Vec<String> = (0..10_000).map(|i| format!(r#""tag{i}""#)).collect();
    let many_keys: Vec<String> = (0..10_000).map(|i| format!(r#""k{i}":{i}"#)).collect();
    vec![
        (
            "invalid UTF-8 in the number",
            b"{\"event\":\"sms_sent\",\"to\":\"+44740012\xff\xfe3456\"}".to_vec(),
        ),
        ("invalid UTF-8, not JSON", b"\xff\xfe\x00{\"event\"".to_vec()),
        ("lone surrogate escape", sms(r#","user_agent":"\ud800""#).into_bytes()),
        ("byte order mark", [&b"\xef\xbb\xbf"[..], sms("").as_bytes()].concat()),
        ("1 MiB", sms(&format!(r#","pad":"{}""#, "x".repeat(1 << 20))).into_bytes()),
        ("16 MiB", sms(&format!(r#","pad":"{}""#, "y".repeat(16 << 20))).into_bytes()),
        (
            "arrays nested 100,000 deep",
            sms(&format!(r#","deep":{}{}"#, "[".repeat(100_000), "]".repeat(100_000))).into_bytes(),
        ),
        (
            "objects nested 100,000 deep",
            sms(&format!(r#","deep":{}1{}"#, r#"{"a":"#.repeat(100_000), "}".repeat(100_000))).into_bytes(),
        ),
        (
            "unclosed nesting 100,000 deep",
            format!(r#"{{"event":"sms_sent","to":"+447400123456","deep":{}"#, "[".repeat(100_000)).into_bytes(),
        ),
        (
            "numbers as strings",
            br#"{"event":"sms_sent","time":"1767571200","to":"447400123456","price_usd":"0.05","segments":"2"}"#.to_vec(),
        ),
        (
            "strings as numbers",
            br#"{"event":"sms_sent","time":1767571200,"to":447400123456,"tenant":12345,"ip":10}"#.to_vec(),
        ),
        (
            "duplicate keys",
            br#"{"event":"otp_verified","to":"+15550000000","event":"sms_sent","to":"+447400123456","to":"+447400123457"}"#.to_vec(),
        ),
        (
            "huge integers and exponents",
            sms(r#","price_usd":1e999999,"segments":123456789012345678901234567890123456789,"time":99999999999999999999999"#).into_bytes(),
        ),
        ("NaN and Infinity literals", sms(r#","price_usd":NaN,"segments":Infinity,"x":-Infinity"#).into_bytes()),
        (
            "escaped control characters in the number",
            br#"{"event":"sms_sent","to":"+44\u0000740\u001b0123456\r\n\t"}"#.to_vec(),
        ),
        ("raw control characters in the number", b"{\"event\":\"sms_sent\",\"to\":\"+44\x00\x07\x1b7400\"}".to_vec()),
        ("a 100,000-digit number", sms(&format!(r#","to":"+{}""#, "9".repeat(100_000))).into_bytes()),
        (
            "10,000 forged reasons and tags",
            sms(&format!(
                r#","pumpguard":{{"level":"critical","alert":true,"reasons":[{}]}},"tags":[{}]"#,
                reasons.join(","),
                tags.join(",")
            ))
            .into_bytes(),
        ),
        ("10,000 keys", format!(r#"{{"event":"sms_sent","to":"+447400123456",{}}}"#, many_keys.join(",")).into_bytes()),
        ("empty object", b"{}".to_vec()),
        ("an array", b"[1,2,3]".to_vec()),
        ("null", b"null".to_vec()),
        ("a string", br#""sms_sent""#.to_vec()),
        ("truncated", br#"{"event":"sms_sent","to":"+4474"#.to_vec()),
        (
            "absurd times",
            br#"{"event":"sms_sent","to":"+447400123456","time":"9999-12-31T23:59:59Z","timestamp":-1e300}"#.to_vec(),
        ),
        ("trailing garbage", [sms("").as_bytes(), b"}}]]"].concat()),
        ("leading whitespace", [b" \t ".as_slice(), sms("").as_bytes()].concat()),
    ]
}

/// The one hostile record that is not SMS-related, so passes unchanged.
#[cfg(any(feature = "component-host", feature = "sidecar"))]
const PASSES: &str = "empty object";

/// Checks one host's output for one hostile record (the component's tests and the sidecar's).
#[cfg(any(feature = "component-host", feature = "sidecar"))]
pub fn check_hostile(name: &str, record: &[u8], out: &[u8]) {
    let tagged = out != crate::output_check::trim_end(record);
    assert_eq!(tagged, name != PASSES, "{name}: tagged {tagged}");
    let result =
        std::panic::catch_unwind(|| crate::output_check::check_output(record, out, tagged, "pumpguard"));
    if let Err(e) = result {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!("{name}: {msg}");
    }
}
