//! Strict configuration: unknown keys rejected, every problem reported at once.

use pumpguard::{Config, Engine};

#[test]
fn unknown_keys_are_rejected_with_their_name() {
    let e = Config::from_json(br#"{"signals": {"volume_spike": {"enabled": true, "treshold": 3}}}"#)
        .expect_err("typo");
    assert!(e.to_string().contains("treshold"), "{e}");
    let e = Config::from_json(br#"{"monitor_only": "yes"}"#).expect_err("wrong type");
    assert!(
        e.to_string().contains("monitor_only") || e.to_string().contains("boolean"),
        "{e}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let cfg = Config::from_json(
        br#"{
        "privacy": {"enabled": true, "salt": "short"},
        "levels": {"low": 50, "medium": 40, "high": 65, "critical": 85},
        "an0443": {"time_window_secs": 5, "destination_country_code_filter": {"deny": ["Kyrgyzstan"]}},
        "limits": {"sources": 4},
        "annotations": [{"tenant": "", "start": "tomorrow", "end": "2026-01-01T00:00:00Z"}],
        "data": {"risk_prefixes": "no version line\n"},
        "signals": {"known_requester": {"carry_ratio": 2.0}}
    }"#,
    )
    .expect("parses");
    let errs = Engine::new(cfg).err().expect("invalid");
    let fields: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
    for f in [
        "privacy.salt",
        "levels",
        "an0443.time_window_secs",
        "an0443.destination_country_code_filter.deny",
        "limits.sources",
        "annotations[0]",
        "data.risk_prefixes",
        "signals.known_requester.carry_ratio",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
}

#[test]
fn the_defaults_round_trip_and_are_valid() {
    let d = Config::default();
    let text = serde_json::to_string_pretty(&d).expect("serialises");
    let back = Config::from_json(text.as_bytes()).expect("parses back");
    assert_eq!(back, d);
    assert!(Engine::new(back).is_ok());
}

#[test]
fn capacities_must_fit_the_state_budget() {
    let cfg = Config::from_json(br#"{"limits": {"sources": 16000000}}"#).expect("parses");
    let errs = Engine::new(cfg).err().expect("too big");
    assert!(
        errs.0
            .iter()
            .any(|e| e.field == "limits" && e.message.contains("max_state_bytes")),
        "{errs}"
    );
}

#[test]
fn data_tables_can_be_replaced() {
    let cfg = Config::from_json(
        br#"{"data": {"risk_prefixes": "version\tmine.1\n44\tcustom\t33\tall of GB for this test\n"}}"#,
    )
    .expect("parses");
    let mut e = Engine::new(cfg).expect("valid");
    assert_eq!(e.model(), "pumpguard/0.1.0+mine.1");
    let v = crate::support::verdict(&mut e, &crate::support::sms(0, "a", "+447400123456", ""));
    assert_eq!(crate::support::weight(&v, "high_risk_prefix"), Some(33));
}

#[test]
fn adjacency_settings_are_bounded() {
    for bad in [
        r#"{"signals": {"adjacent_numbers": {"min_distinct": 0}}}"#,
        r#"{"signals": {"adjacent_numbers": {"min_distinct": 40}}}"#,
        r#"{"signals": {"adjacent_numbers": {"step_weight": 4000000000}}}"#,
    ] {
        let cfg = Config::from_json(bad.as_bytes()).expect("parses");
        assert!(Engine::new(cfg).is_err(), "{bad}");
    }
}
