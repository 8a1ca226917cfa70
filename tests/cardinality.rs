//! Adversarial cardinality: 10 million distinct destination numbers from 1 million tenants and
//! 1 million client IPs, with a real attack hidden in the spray. State stays under
//! `limits.max_state_bytes` (natively) and the module's linear memory stops growing (in wasm,
//! through the Fluent Bit module in wasmtime), and the attack is still detected, about as
//! early as without the spray.
//!
//! Both runs take a minute or two; they run in parallel threads of one test.

use pumpguard::{Config, Engine};
use pumpguard_flb_host::wasmtime::WasmtimeHost;
use pumpguard_flb_host::{module_path, FilterHost, Returned};
use serde_json::Value;

use crate::support;

const SPRAY: u64 = 10_000_000;
const TENANTS: u64 = 1_000_000;
const IPS: u64 = 1_000_000;
/// One attack send every this many spray records: 2,000 attack sends over the run.
const ATTACK_EVERY: u64 = 5_000;
/// 2026-01-05T00:00:00Z, in seconds; the spray runs at 1,000 records a second from here.
const T0: i64 = 1_767_571_200;
/// Attack sends that may pass before it is detected (`level >= high`).
const DETECT_WITHIN: u64 = 60;

fn iso(secs: i64) -> String {
    support::at(secs - support::T0)
}

/// The `i`-th spray record: a distinct number (distinct by construction, not by luck) in one of
/// four countries, tenant and IP from a million each.
fn spray(i: u64) -> String {
    let j = i / 4;
    // j * 7919 mod 10^8 is a bijection on [0, 10^8): distinct numbers within each country.
    let d = j * 7919 % 100_000_000;
    let to = match i % 4 {
        0 => format!("+447{}{:08}", [4, 5, 7, 8, 9][(j % 5) as usize], d),
        // Area code, first digit of the exchange, the rest: mixed radix, so distinct too.
        1 => format!("+1{}{}{:06}", 201 + j % 700, 2 + j / 700 % 8, j / 5600),
        2 => format!("+336{d:08}"),
        _ => format!("+919{d:09}"),
    };
    let tenant = (i * 7 + 3) % TENANTS;
    let ip = (i * 13) % IPS;
    format!(
        r#"{{"event":"sms_sent","time":"{}","tenant":"t{tenant}","workflow":"signup","to":"{to}","ip":"10.{}.{}.{}"}}"#,
        iso(T0 + (i / 1000) as i64),
        ip >> 16,
        (ip >> 8) & 255,
        ip & 255
    )
}

/// The `k`-th attack send: sequential numbers into one Kyrgyz block, four IPs, one script.
fn attack(k: u64, secs: i64) -> String {
    format!(
        r#"{{"event":"sms_sent","time":"{}","tenant":"victim","workflow":"signup","to":"+9965551{:05}","ip":"203.0.113.{}","user_agent":"python-requests/2.31"}}"#,
        iso(secs),
        10_000 + k,
        1 + k % 4
    )
}

/// Two days of the victim's ordinary traffic before the spray: US and GB sign-ups, 80 %
/// verified.
fn warm_up() -> Vec<String> {
    let mut r = support::Rng(7);
    let mut lines = Vec::new();
    let start = T0 - 2 * 86_400;
    for k in 0..2 * 24 * 20 {
        let t = start + k * 180 + r.below(60) as i64;
        let to = if k % 3 == 0 {
            format!("+4477009{:05}", r.below(100_000))
        } else {
            support::us_number(&mut r)
        };
        lines.push(format!(
            r#"{{"event":"sms_sent","time":"{}","tenant":"victim","workflow":"signup","to":"{to}","ip":"198.51.{}.{}","user_agent":"Mozilla/5.0 (ua {})"}}"#,
            iso(t),
            r.below(255),
            1 + r.below(250),
            r.below(4)
        ));
        if r.below(10) < 8 {
            lines.push(format!(
                r#"{{"event":"otp_verified","time":"{}","tenant":"victim","to":"{to}"}}"#,
                iso(t + 40)
            ));
        }
    }
    lines
}

/// What a scorer said about one record: (level, alert, incident).
type Said = (String, bool, Option<String>);

fn said(output: &[u8]) -> Said {
    let v: Value = serde_json::from_slice(output).expect("output is JSON");
    let p = &v["pumpguard"];
    (
        p["level"].as_str().unwrap_or("").to_owned(),
        p["alert"].as_bool().unwrap_or(false),
        p["incident"].as_str().map(str::to_owned),
    )
}

/// What a run found: the attack send at which it was first `high` or worse, and the incidents
/// alerted for the attack.
#[derive(Debug, Default)]
struct Found {
    detected_at: Option<u64>,
    attack_alerts: Vec<String>,
    spray_scored: u64,
    spray_invalid: u64,
}

impl Found {
    fn attack(&mut self, k: u64, s: Said) {
        if self.detected_at.is_none() && (s.0 == "high" || s.0 == "critical") {
            self.detected_at = Some(k);
        }
        if s.1 {
            self.attack_alerts.push(s.2.unwrap_or_default());
        }
    }
}

/// Runs warm-up, then the spray with the attack inside (or the attack alone when `spray` is
/// false), through `score`; `sample` is called every 100,000 spray records.
fn run(spray_on: bool, mut score: impl FnMut(&[u8]) -> Vec<u8>, mut sample: impl FnMut(u64)) -> Found {
    let mut found = Found::default();
    for l in warm_up() {
        score(l.as_bytes());
    }
    let total = if spray_on { SPRAY } else { 0 };
    let mut k = 0;
    let mut i = 0;
    while k < SPRAY / ATTACK_EVERY {
        if i % ATTACK_EVERY == 0 {
            let secs = T0 + (k * ATTACK_EVERY / 1000) as i64;
            let out = score(attack(k, secs).as_bytes());
            found.attack(k + 1, said(&out));
            k += 1;
        }
        if i < total {
            let out = score(spray(i).as_bytes());
            if i % 1000 == 0 {
                let s = said(&out);
                found.spray_scored += 1;
                found.spray_invalid += u64::from(s.0 == "unknown");
            }
            if i % 100_000 == 0 {
                sample(i);
            }
        }
        i += 1;
    }
    found
}

fn check(name: &str, found: &Found, control: &Found) {
    eprintln!("{name}: {found:?}\n{name}, attack alone: {control:?}");
    assert!(
        found.spray_invalid * 100 <= found.spray_scored,
        "{name}: the spray must be valid numbers, or it tests nothing ({found:?})"
    );
    let at = found
        .detected_at
        .unwrap_or_else(|| panic!("{name}: the attack inside the spray was not detected"));
    let control_at = control.detected_at.expect("the attack alone is detected");
    assert!(at <= DETECT_WITHIN, "{name}: detected only at attack send {at}");
    assert!(
        at <= control_at + 10,
        "{name}: the spray delayed detection from send {control_at} to {at}"
    );
    assert!(
        found
            .attack_alerts
            .iter()
            .any(|id| id.contains("victim") && id.contains("KG")),
        "{name}: no alert for the victim's KG incident: {:?}",
        found.attack_alerts
    );
    assert!(
        found.attack_alerts.len() <= 3,
        "{name}: alerts per incident {:?}",
        found.attack_alerts
    );
}

fn native(spray_on: bool) -> (Found, usize, usize) {
    let e = Engine::new(Config::default()).expect("engine");
    let cap = e.config().limits.max_state_bytes;
    let e = std::cell::RefCell::new(e);
    let mut out = Vec::new();
    let mut max_state = 0;
    let found = run(
        spray_on,
        |r| {
            out.clear();
            e.borrow_mut().process(r, None, &mut out);
            out.clone()
        },
        |_| max_state = max_state.max(e.borrow().state_bytes()),
    );
    let max_state = max_state.max(e.borrow().state_bytes());
    (found, max_state, cap)
}

fn wasm(spray_on: bool) -> (Found, Vec<(u64, usize)>) {
    let wasm = module_path();
    assert!(wasm.exists(), "{} is missing", wasm.display());
    let host = std::cell::RefCell::new(WasmtimeHost::new(&wasm, &[], "pumpguard_filter").expect("wasmtime"));
    let mut memory = Vec::new();
    let found = run(
        spray_on,
        |r| match host.borrow_mut().call(b"saas.logs", (0, 0), r) {
            Returned::Record(out) => out,
            Returned::Dropped(why) => panic!("a record was dropped: {why}"),
        },
        |i| memory.push((i, host.borrow().memory_bytes())),
    );
    memory.push((SPRAY, host.borrow().memory_bytes()));
    (found, memory)
}

#[test]
fn ten_million_numbers_a_million_tenants_and_ips_stay_under_the_cap_and_the_attack_is_caught() {
    let wasm_run = std::thread::spawn(|| (wasm(false), wasm(true)));
    let (control, _, _) = native(false);
    let (found, max_state, cap) = native(true);
    eprintln!("native: largest state {max_state} bytes, cap {cap}");
    assert!(max_state <= cap, "state {max_state} above its cap {cap}");
    assert!(
        max_state > cap / 4,
        "the spray should fill the maps ({max_state} of {cap})"
    );
    check("native", &found, &control);

    let ((wasm_control, _), (wasm_found, memory)) = wasm_run.join().expect("wasm run");
    check("wasm", &wasm_found, &wasm_control);
    let first = memory.first().map_or(0, |m| m.1);
    let half = memory.iter().find(|m| m.0 >= SPRAY / 2).map_or(0, |m| m.1);
    let last = memory.last().map_or(0, |m| m.1);
    eprintln!(
        "wasm linear memory: {first} bytes at the start of the spray, {half} half way, {last} at the end"
    );
    assert!(
        last <= first + cap,
        "linear memory grew by more than the state cap: {first} → {last}"
    );
    assert!(
        last.saturating_sub(half) <= 4 << 20,
        "linear memory still growing in the second half of the spray: {half} → {last}"
    );
}
