//! Helpers shared by the test modules.

use pumpguard::{Config, Engine, Outcome, Verdict};

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

/// A deterministic pseudo-random generator (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

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
    for h in 0..days * 24 {
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
