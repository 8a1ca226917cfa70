//! Key affinity (DESIGN.md §7, issue 17): the simulator's stream split by
//! `Engine::partition_key` over 1, 2, 4 and 8 engines, as a Kafka topic keyed by it would be
//! (`partition::kafka_partition`), gives one engine's verdicts for every per-tenant signal.
//!
//! Two things legitimately differ, and each is checked for what it is:
//! - the state caps are per instance: N instances hold N times the keys, so the test raises
//!   the caps until one engine never evicts (what is compared is the model, not the cap);
//! - cross-tenant evidence (`shared_block`, and what it carries: `open_incident`, incidents
//!   joined across tenants) sees only the tenants of its own instance.

use pumpguard::partition::kafka_partition;
use pumpguard::{Config, Engine};
use pumpguard_sim::traffic::{simulate, Settings, Sweep};

/// Limits under which the single engine never evicts on these streams.
fn roomy(shared_block: bool) -> Config {
    let mut cfg = Config::default();
    let l = &mut cfg.limits;
    l.recent_sends *= 4;
    l.messages *= 4;
    l.sources *= 4;
    l.ranges *= 4;
    l.volume_keys *= 4;
    l.conversion_keys *= 4;
    l.max_state_bytes *= 4;
    cfg.signals.shared_block.enabled = shared_block;
    cfg
}

fn stream(seed: u64) -> Vec<String> {
    let s = Settings {
        seed,
        days: 7,
        scale: 1.0,
        sweep: Sweep::default(),
    };
    simulate(&s).into_iter().map(|l| l.text).collect()
}

/// Every line scored by the engine its partition key sends it to; lines without a key go to
/// partition 0 (they pass through unscored wherever they go).
fn partitioned(cfg: &Config, lines: &[String], n: u32) -> Vec<String> {
    let keyer = Engine::new(cfg.clone()).expect("config");
    let mut engines: Vec<Engine> = (0..n)
        .map(|_| Engine::new(cfg.clone()).expect("config"))
        .collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut buf = Vec::new();
    for line in lines {
        let p = keyer
            .partition_key(line.as_bytes())
            .map_or(0, |k| kafka_partition(&k, n));
        buf.clear();
        engines[p as usize].process(line.as_bytes(), None, &mut buf);
        out.push(String::from_utf8(buf.clone()).expect("utf-8"));
    }
    for e in &engines {
        assert!(
            e.state_bytes() < e.state_bytes_bound(),
            "the caps must not bind for the comparison to be about the model"
        );
    }
    out
}

fn verdict(line: &str) -> serde_json::Value {
    let v: serde_json::Value = serde_json::from_str(line).expect("json");
    v.get("pumpguard").cloned().unwrap_or_default()
}

/// Without cross-tenant evidence the partitioned run is the single run, byte for byte, on
/// every record: score, level, action, reasons, alert, incident and keys.
#[test]
fn per_tenant_verdicts_are_byte_identical_over_1_2_4_8_engines() {
    let cfg = roomy(false);
    for seed in [2, 53] {
        let lines = stream(seed);
        let one = partitioned(&cfg, &lines, 1);
        let scored = one.iter().filter(|l| verdict(l)["level"].is_string()).count();
        assert!(scored > 50_000, "seed {seed}: {scored} scored records");
        let alerts = one.iter().filter(|l| verdict(l)["alert"] == true).count();
        assert!(
            alerts > 10,
            "seed {seed}: {alerts} alerts, so incidents are compared too"
        );
        for n in [2, 4, 8] {
            let split = partitioned(&cfg, &lines, n);
            let differ: Vec<_> = one.iter().zip(&split).filter(|(a, b)| a != b).collect();
            assert!(
                differ.is_empty(),
                "seed {seed}, {n} engines: {} of {} records differ, the first:\n{}\n{}",
                differ.len(),
                lines.len(),
                differ[0].0,
                differ[0].1
            );
        }
    }
}

/// With `shared_block` on (the default), every per-tenant reason is still identical on every
/// record; only `shared_block` and what it carries differ. The control: the same comparison
/// with one cap left as shipped finds differences in per-tenant reasons, so it can fail.
#[test]
fn with_cross_tenant_evidence_only_the_cross_tenant_reasons_differ() {
    let cross = ["shared_block", "open_incident"];
    let per_tenant = |line: &str| -> Vec<serde_json::Value> {
        let v = verdict(line);
        v["reasons"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter(|r| !cross.contains(&r["code"].as_str().unwrap_or("")))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    let compare = |cfg: &Config, lines: &[String], n: u32| {
        let one = partitioned(cfg, lines, 1);
        let split = partitioned(cfg, lines, n);
        let (mut differ, mut per_tenant_differ) = (0, 0);
        for (a, b) in one.iter().zip(&split) {
            if a != b {
                differ += 1;
                per_tenant_differ += usize::from(per_tenant(a) != per_tenant(b));
            }
        }
        (differ, per_tenant_differ)
    };
    let lines = stream(2);
    for n in [2, 4, 8] {
        let (differ, per_tenant_differ) = compare(&roomy(true), &lines, n);
        eprintln!("{n} engines: {differ} records differ, all in cross-tenant reasons");
        assert_eq!(per_tenant_differ, 0, "{n} engines");
    }
    let mut tight = roomy(true);
    tight.limits.recent_sends = Config::default().limits.recent_sends / 4;
    tight.limits.known_numbers = 1024;
    let keyer = Engine::new(tight.clone()).expect("config");
    let one = {
        let mut e = Engine::new(tight.clone()).expect("config");
        let mut buf = Vec::new();
        lines
            .iter()
            .map(|l| {
                buf.clear();
                e.process(l.as_bytes(), None, &mut buf);
                String::from_utf8(buf.clone()).expect("utf-8")
            })
            .collect::<Vec<_>>()
    };
    let mut engines: Vec<Engine> = (0..4)
        .map(|_| Engine::new(tight.clone()).expect("config"))
        .collect();
    let mut buf = Vec::new();
    let control = lines
        .iter()
        .zip(&one)
        .filter(|(l, a)| {
            let p = keyer
                .partition_key(l.as_bytes())
                .map_or(0, |k| kafka_partition(&k, 4));
            buf.clear();
            engines[p as usize].process(l.as_bytes(), None, &mut buf);
            per_tenant(a) != per_tenant(std::str::from_utf8(&buf).expect("utf-8"))
        })
        .count();
    assert!(
        control > 0,
        "the control: with a binding cap, per-tenant reasons differ"
    );
}

/// The partition key: a tenant, or a tenant-less profile with its source identity; a
/// conversion goes where its tenant's sends go; a record of no profile has none.
#[test]
fn partition_keys_follow_the_tenant_and_conversions_go_with_their_sends() {
    let e = Engine::new(Config::default()).expect("config");
    let key = |s: &str| e.partition_key(s.as_bytes());
    let send = r#"{"event":"sms_sent","time":"2026-01-01T10:00:00Z","tenant":"acme","to":"+14155550101"}"#;
    let conv =
        r#"{"event":"otp_verified","time":"2026-01-01T10:00:30Z","tenant":"acme","to":"+14155550101"}"#;
    assert_eq!(key(send).as_deref(), Some("acme"));
    assert_eq!(key(conv), key(send));
    assert_eq!(key(r#"{"hello":"world"}"#), None);
    assert_eq!(key("not json"), None);
    let sns = r#"{"notification":{"messageId":"m1","timestamp":"2026-01-01 10:00:00.123"},"delivery":{"destination":"+14155550101"},"status":"SUCCESS"}"#;
    assert_eq!(key(sns).as_deref(), Some("aws_sns"));
    let owned = sns.replacen('{', r#"{"owner":"111122223333","#, 1);
    assert_eq!(key(&owned).as_deref(), Some("aws_sns/111122223333"));
}

/// With the fleet exchanging its cross-tenant state every `T` seconds of event time
/// (`export_shared` / `import_shared`), every cross-tenant attack of the simulator is detected
/// by the partitioned run within `T` of the single run. The control: without the exchange,
/// the partitioned run detects it later than that on at least one run, so the test can fail.
#[test]
fn with_shared_state_exchange_cross_tenant_attacks_are_detected_within_t_of_one_engine() {
    use pumpguard_sim::evaluate::{evaluate_fleet, Report, Split};
    const T: i64 = 300;
    let cfg = roomy(true);
    let ttd = |lines: &[pumpguard_sim::traffic::Line], n: usize, exchange: Option<i64>| {
        let mut engines: Vec<Engine> = (0..n)
            .map(|_| Engine::new(cfg.clone()).expect("config"))
            .collect();
        let r: Report = evaluate_fleet(
            &mut engines,
            Split::Key,
            exchange.map(|t| t * 1000),
            lines.iter().map(|l| (l.text.as_str(), &l.label)),
        );
        let attacks: Vec<_> = r
            .scenarios
            .iter()
            .filter(|(s, _)| s.starts_with("cross_tenant"))
            .map(|(s, d)| (s.clone(), d["pumpguard"].ttd_secs))
            .collect();
        assert!(!attacks.is_empty(), "the simulator has a cross-tenant attack");
        attacks
    };
    let mut late_without = 0;
    for seed in [2, 53] {
        let lines = simulate(&Settings {
            seed,
            days: 7,
            scale: 1.0,
            sweep: Sweep::default(),
        });
        let one = ttd(&lines, 1, None);
        for n in [2, 4, 8] {
            let with = ttd(&lines, n, Some(T));
            let without = ttd(&lines, n, None);
            for ((name, a), ((_, b), (_, c))) in one.iter().zip(with.iter().zip(&without)) {
                let a = a.unwrap_or_else(|| panic!("seed {seed}: one engine misses {name}"));
                eprintln!(
                    "seed {seed}, {n} engines, {name}: detected after {a:.0} s by one engine, \
                     {b:?} s exchanging every {T} s, {c:?} s without"
                );
                let b = b.unwrap_or_else(|| panic!("seed {seed}, {n} engines: {name} missed"));
                assert!(
                    b <= a + T as f64,
                    "seed {seed}, {n} engines: {name} detected after {b} s, one engine {a} s"
                );
                late_without += usize::from(c.is_none_or(|c| c > a + T as f64));
            }
        }
    }
    assert!(
        late_without > 0,
        "the control: without the exchange some partitioned run detects later than T"
    );
}
