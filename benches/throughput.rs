//! Throughput and memory benchmark (a bench binary; numbers go to BENCHMARKS.md).
//!
//!     cargo bench --bench throughput            # full run
//!     cargo bench --bench throughput -- --quick # smaller, for a smoke run
//!
//! Records/s of parse + score + enrich on one core, per profile, against parsing the same lines
//! with `serde_json::from_slice::<Value>` in the same run (the baseline); then state bytes and
//! process peak RSS while scoring distinct random numbers across many tenants.

use std::hint::black_box;
use std::time::Instant;

use pumpguard::{Config, Engine};

#[path = "../tests/rng.rs"]
mod rng;
use rng::Rng;

const T0: i64 = 1_767_571_200;

fn iso(secs: i64) -> String {
    pumpguard::time::format(secs * 1000)
}

fn number(r: &mut Rng) -> String {
    match r.below(4) {
        0 => format!(
            "+1{}{}{:06}",
            201 + r.below(700),
            2 + r.below(8),
            r.below(1_000_000)
        ),
        1 => format!("+4474{:08}", r.below(100_000_000)),
        2 => format!("+4917{:09}", r.below(1_000_000_000)),
        _ => format!("+919{:09}", r.below(1_000_000_000)),
    }
}

fn generic(n: usize, r: &mut Rng) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = T0 + i as i64 / 20;
            if i % 5 == 4 {
                format!(r#"{{"event":"otp_verified","time":"{}","tenant":"t{}","to":"{}"}}"#, iso(t), r.below(100), number(r))
            } else {
                format!(
                    r#"{{"event":"sms_sent","time":"{}","tenant":"t{}","workflow":"signup","to":"{}","ip":"198.51.{}.{}","user_agent":"Mozilla/5.0 (Linux; Android 14) Chrome/131.0","message_id":"m{i}","price_usd":0.0083}}"#,
                    iso(t),
                    r.below(100),
                    number(r),
                    r.below(256),
                    r.below(256)
                )
            }
        })
        .collect()
}

fn twilio_verify(n: usize, r: &mut Rng) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = T0 + i as i64 / 20;
            format!(
                r#"{{"specversion":"1.0","type":"com.twilio.accountsecurity.verify.message.delivered","source":"AB00000000000000000000000000000001","id":"EZ{i:032}","dataschema":"https://events-schemas.twilio.com/AccountSecurity.MessageStatusEvent/2","datacontenttype":"application/json","data":{{"created_at":"{}","account_sid":"AC{:032}","service_sid":"VA00000000000000000000000000000e01","verification_sid":"VE{i:032}","attempt_sid":"VL{i:032}","error_code":"","channel":"SMS","message_status":"DELIVERED","has_fallback":false,"is_fallback":false,"mcc":"234","mnc":"10","to":"{}","number_segments":1,"tags":{{"flow":"signup"}}}}}}"#,
                iso(t),
                r.below(100),
                number(r)
            )
        })
        .collect()
}

fn auth0(n: usize, r: &mut Rng) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = T0 + i as i64 / 20;
            format!(
                r#"{{"tenant_name":"tenant-{}","environment_name":"prod-us-1","client_id":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","client_name":"Example Web","connection":"Username-Password-Authentication","connection_id":"con_0000000000000001","ip":"198.51.{}.{}","user_agent":"Chrome 120.0.0 / Mac OS X 10.15.7","is_mobile":false,"user_id":"auth0|{:024}","user_name":"user@example.com","type":"gd_send_sms","date":"{}.000Z","description":"SMS for MFA successfully sent","log_id":"900{i:047}","details":{{"authenticator":{{"id":"sms|dev_000000000001","type":"sms","phone_number":"{}"}},"first_factor":false,"session_id":"sess_{i}"}}}}"#,
                r.below(100),
                r.below(256),
                r.below(256),
                r.below(1_000_000),
                &iso(t)[..19],
                number(r)
            )
        })
        .collect()
}

fn best_of<F: FnMut() -> f64>(runs: usize, mut f: F) -> f64 {
    (0..runs).map(|_| f()).fold(0.0, f64::max)
}

fn throughput(name: &str, lines: &[String], runs: usize) {
    let bytes: usize = lines.iter().map(String::len).sum();
    let parse = best_of(runs, || {
        let start = Instant::now();
        for l in lines {
            black_box(serde_json::from_slice::<serde_json::Value>(l.as_bytes()).ok());
        }
        lines.len() as f64 / start.elapsed().as_secs_f64()
    });
    let mut out = Vec::with_capacity(4096);
    let score = best_of(runs, || {
        let mut e = Engine::new(Config::default()).expect("config");
        let start = Instant::now();
        for l in lines {
            out.clear();
            black_box(e.process(l.as_bytes(), None, &mut out));
        }
        lines.len() as f64 / start.elapsed().as_secs_f64()
    });
    println!(
        "| {name:<14} | {:>7} | {:>5} | {:>12.0} | {:>12.0} | {:>5.2} |",
        lines.len(),
        bytes / lines.len(),
        parse,
        score,
        score / parse
    );
}

fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn memory(records: u64, tenants: u64) {
    let rss_before = peak_rss_kib();
    let mut e = Engine::new(Config::default()).expect("config");
    let bound = e.state_bytes_bound();
    let mut r = Rng(0x5eed);
    let mut line = String::with_capacity(256);
    let mut out = Vec::with_capacity(1024);
    let mut max_state = 0usize;
    let start = Instant::now();
    for i in 0..records {
        line.clear();
        use std::fmt::Write;
        let _ = write!(
            line,
            r#"{{"event":"sms_sent","time":"{}","tenant":"t{}","to":"{}","ip":"10.{}.{}.{}"}}"#,
            iso(T0 + (i / 1000) as i64),
            r.below(tenants),
            number(&mut r),
            r.below(256),
            r.below(256),
            r.below(256)
        );
        out.clear();
        e.process(line.as_bytes(), None, &mut out);
        if i % 100_000 == 0 {
            max_state = max_state.max(e.state_bytes());
        }
    }
    max_state = max_state.max(e.state_bytes());
    let secs = start.elapsed().as_secs_f64();
    println!(
        "Memory: {records} records, distinct random numbers, {tenants} tenants, {:.1} s ({:.0} records/s)",
        secs,
        records as f64 / secs
    );
    println!("| measure | bytes | MiB |");
    println!("|---|---:|---:|");
    println!(
        "| configured cap (`limits.max_state_bytes`) | {} | {:.1} |",
        e.config().limits.max_state_bytes,
        e.config().limits.max_state_bytes as f64 / 1048576.0
    );
    println!(
        "| computed bound of the default capacities | {bound} | {:.1} |",
        bound as f64 / 1048576.0
    );
    println!(
        "| largest state seen (`Engine::state_bytes`) | {max_state} | {:.1} |",
        max_state as f64 / 1048576.0
    );
    if let (Some(a), Some(b)) = (rss_before, peak_rss_kib()) {
        println!(
            "| process peak RSS before the run (baseline) | {} | {:.1} |",
            a * 1024,
            a as f64 / 1024.0
        );
        println!(
            "| process peak RSS after the run | {} | {:.1} |",
            b * 1024,
            b as f64 / 1024.0
        );
    }
    assert!(
        max_state <= e.config().limits.max_state_bytes,
        "state above its cap"
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let only_throughput = std::env::args().any(|a| a == "--throughput-only");
    let (n, runs, mem) = if quick {
        (20_000, 1, 200_000)
    } else {
        (300_000, 3, 10_000_000)
    };
    // Memory first, so the peak RSS it reports is not inflated by the throughput inputs.
    if !only_throughput {
        memory(mem, 100_000);
        println!();
    }
    let mut r = Rng(42);
    println!(
        "Throughput: one core, best of {runs}; baseline = serde_json::from_slice::<Value> on the same lines."
    );
    println!("| profile        | records | bytes | parse-only/s | pumpguard/s  | ratio |");
    println!("|----------------|--------:|------:|-------------:|-------------:|------:|");
    throughput("generic", &generic(n, &mut r), runs);
    throughput("twilio_verify", &twilio_verify(n, &mut r), runs);
    throughput("auth0", &auth0(n, &mut r), runs);
}
