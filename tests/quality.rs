//! Detection quality on the simulator's labelled traffic (`pumpguard evaluate`, EVALUATION.md):
//! every quality target of issue 6, asserted on the full suite (seed 1, 7 days, 61k sends) and
//! on a second seed, so a change that costs detection or adds false positives fails the tests.

use std::process::Command;

fn evaluate(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .arg("evaluate")
        .args(args)
        .arg("--json")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

fn target<'a>(r: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    r["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["name"].as_str().is_some_and(|n| n.starts_with(name)))
        .unwrap_or_else(|| panic!("no target {name}"))
}

fn assert_targets(r: &serde_json::Value, run: &str) {
    let targets = r["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 7, "{run}");
    for t in targets {
        assert_eq!(t["met"], true, "{run}: {}: {}", t["name"], t["detail"]);
    }
}

#[test]
fn the_full_suite_meets_every_quality_target() {
    let r = evaluate(&[]);
    assert_targets(&r, "seed 1");
    let pg = |scenario: &str| &r["scenarios"][scenario]["pumpguard"];
    for attack in [
        "burst_premium_block",
        "slow_low_multi_country",
        "own_main_country",
        "ip_fanout",
        "reset_flow_abuse",
        "cross_tenant_block",
        "provider_only",
    ] {
        assert!(pg(attack)["ttd_sends"].is_u64(), "{attack} is not detected");
    }
    assert!(target(&r, "false positives").is_object());
    // The baselines really ran and behave as their rules say: the static threshold misses the
    // low-volume attacks, Authgear's rule flags most of the tenants that send no codes.
    assert!(r["scenarios"]["slow_low_multi_country"]["static_threshold"]["ttd_sends"].is_null());
    assert!(r["false_positive_rate"]["authgear"].as_f64().expect("rate") > 0.3);
    assert!(r["legit_sends"].as_u64().expect("sends") > 50_000);
}

#[test]
fn another_seed_meets_them_too() {
    // Seed 4 has the slowest slow-and-low detection of seeds 1-8 (59 sends).
    assert_targets(&evaluate(&["--seed", "4"]), "seed 4");
}

#[test]
fn simulated_files_give_the_same_report_as_the_in_memory_run() {
    let dir = std::env::temp_dir().join(format!("pumpguard-sim-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args([
            "simulate", "--seed", "5", "--days", "3", "--scale", "0.2", "--out",
        ])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let traffic = dir.join("traffic.ndjson");
    let labels = dir.join("labels.ndjson");
    let count = |p: &std::path::Path| std::fs::read_to_string(p).expect("read").lines().count();
    assert_eq!(count(&traffic), count(&labels));
    let from_files = evaluate(&[
        "--traffic",
        traffic.to_str().expect("utf-8"),
        "--labels",
        labels.to_str().expect("utf-8"),
    ]);
    let in_memory = evaluate(&["--seed", "5", "--days", "3", "--scale", "0.2"]);
    assert_eq!(from_files, in_memory);
    let _ = std::fs::remove_dir_all(&dir);
}
