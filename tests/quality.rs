//! Detection quality on the simulator's labelled traffic (`pumpguard evaluate`, EVALUATION.md):
//! the quality targets of issue 13 on two seeds that were held out while the model was built
//! (5 and 11, seven days, about 60k sends each; the model's fourth round looked at both, and
//! EVALUATION.md reports on seeds 29–40 and the sweep of 23–28 instead), so a change that costs
//! detection or adds false positives fails the tests.

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

/// The targets of issue 13, each asserted as it is, and the two that held out longest checked
/// once more by hand: at most 0.05 % of legitimate sends at `high` in every legitimate scenario
/// (collateral included), and at least 90 % of every attack's sends flagged after its first
/// detection (spread pumping and the adaptive attacker included). EVALUATION.md reports where
/// other seeds and the sweep still miss them.
fn assert_targets(r: &serde_json::Value, run: &str) {
    let targets = r["targets"].as_array().expect("targets");
    assert_eq!(targets.len(), 8, "{run}");
    for t in targets {
        assert_eq!(t["met"], true, "{run}: {}: {}", t["name"], t["detail"]);
    }
    let pg = |scenario: &str| &r["scenarios"][scenario]["pumpguard"];
    let attacks: Vec<&str> = r["attacks"]
        .as_array()
        .expect("attacks")
        .iter()
        .filter_map(|a| a.as_str())
        .collect();
    assert_eq!(attacks.len(), 10, "{run}: {attacks:?}");
    let legit: Vec<&str> = r["scenarios"]
        .as_object()
        .expect("scenarios")
        .keys()
        .map(String::as_str)
        .filter(|k| !attacks.contains(k))
        .collect();
    assert!(legit.len() >= 9, "{run}: {legit:?}");
    for scenario in legit {
        let p = pg(scenario);
        let sends = p["sends"].as_u64().expect("sends") as f64;
        let flagged = p["flagged"].as_u64().expect("flagged") as f64;
        let collateral = p["collateral"].as_u64().expect("collateral");
        assert!(
            flagged <= 0.0005 * sends,
            "{run}: {scenario}: {flagged} of {sends} flagged, {collateral} collateral"
        );
    }
    for attack in &attacks {
        let t = pg(attack);
        let (n, f) = (
            t["sends_after_detection"].as_u64().expect("n"),
            t["flagged_after_detection"].as_u64().expect("f"),
        );
        assert!(
            f * 10 >= n * 9,
            "{run}: {attack}: {f} of {n} flagged after detection"
        );
    }
}

#[test]
fn a_held_out_seed_meets_the_targets() {
    let r = evaluate(&["--seed", "5"]);
    assert_targets(&r, "seed 5");
    // The baselines really ran and behave as their rules say: the static threshold misses the
    // low-volume attacks, Authgear's rule flags most of the tenants that send no codes.
    assert!(r["scenarios"]["slow_low_multi_country"]["static_threshold"]["ttd_sends"].is_null());
    assert!(r["false_positive_rate"]["authgear"].as_f64().expect("rate") > 0.3);
    assert!(r["legit_sends"].as_u64().expect("sends") > 50_000);
}

#[test]
fn another_held_out_seed_meets_them_too() {
    assert_targets(&evaluate(&["--seed", "11"]), "seed 11");
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

/// Two runs the fifteenth round fixed, kept as they were found:
/// - seed 738 at `duration=2`: the marketplace's verification webhook stops logging for about
///   12 hours over its US, Mexican and Brazilian users. Its gap was taken for pumping in the US
///   once Brazil was asleep (the flow's usual sends outside the US were counted at the US
///   evening's seasonal factor): 13 of its 1,170 sends were held.
/// - seed 1 at a quarter of the volume with `notify_ids=1`: the marketplace's order
///   notifications carry a `verification_id` that is never verified, and their flow was judged
///   against the tenant's rate as a flow of codes: 684 of the burst's 793 sends were held.
///
/// Neither has a legitimate send held, in any scenario, and every attack is still detected.
#[test]
fn a_long_webhook_outage_and_notifications_that_carry_ids_are_not_held() {
    for args in [
        &["--seed", "738", "--sweep", "duration=2"][..],
        &["--seed", "1", "--scale", "0.25", "--sweep", "notify_ids=1"][..],
    ] {
        let r = evaluate(args);
        let run = args.join(" ");
        for scenario in ["webhook_outage", "notification_burst", "campaign_annotated"] {
            let p = &r["scenarios"][scenario]["pumpguard"];
            assert!(p["sends"].as_u64().expect("sends") > 50, "{run}: {scenario}");
            assert_eq!(p["flagged"], 0, "{run}: {scenario}: {p}");
        }
        for attack in r["attacks"].as_array().expect("attacks") {
            let a = attack.as_str().expect("name");
            let p = &r["scenarios"][a]["pumpguard"];
            assert!(p["ttd_sends"].is_u64(), "{run}: {a} missed: {p}");
        }
    }
}
