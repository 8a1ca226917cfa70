//! The output contract of DESIGN.md section 4.

use pumpguard::{Action, Level, Outcome};
use serde_json::Value;

use crate::support::*;

fn out(e: &mut pumpguard::Engine, rec: &str) -> (Vec<u8>, Outcome) {
    let mut o = Vec::new();
    let oc = e.process(rec.as_bytes(), None, &mut o);
    (o, oc)
}

#[test]
fn enrichment_adds_one_key_and_keeps_every_byte_before_it() {
    let mut r = Rng(42);
    let mut e = engine();
    let pieces = [
        r#""a":1"#,
        r#""nested":{"x":[1,2,{"y":null}],"z":"é\u00e9\\\""}"#,
        r#""n":-1.5e3"#,
        r#""t":true"#,
        r#""emoji":"📱""#,
        "\"ws\" :  [ ]",
    ];
    for i in 0..300 {
        let mut extra = String::new();
        for _ in 0..r.below(4) {
            extra.push(',');
            extra.push_str(pieces[r.below(pieces.len() as u64) as usize]);
        }
        let rec = sms(i, "acme", &us_number(&mut r), &extra);
        let (o, _) = out(&mut e, &rec);
        let prefix = &rec.as_bytes()[..rec.len() - 1];
        assert!(o.starts_with(prefix), "record bytes changed: {rec}");
        assert_eq!(&o[prefix.len()..prefix.len() + 13], b",\"pumpguard\":");
        let v: Value = serde_json::from_slice(&o).expect("output is JSON");
        let p = &v["pumpguard"];
        for key in [
            "score", "level", "action", "reasons", "alert", "incident", "keys", "model",
        ] {
            assert!(p.get(key).is_some(), "missing {key}");
        }
        assert!(p["score"].as_u64().expect("score") <= 100);
        let ws: Vec<i64> = p["reasons"]
            .as_array()
            .expect("reasons")
            .iter()
            .map(|r| r["weight"].as_i64().expect("w"))
            .collect();
        assert!(
            ws.windows(2).all(|w| w[0] >= w[1]),
            "reasons sorted by weight: {ws:?}"
        );
    }
}

#[test]
fn empty_object_and_whitespace_are_spliced_cleanly() {
    let mut e = engine();
    let rec = r#"  {"event":"sms_sent","to":"+447400123456","time":"2026-01-05T00:00:00Z"}   "#;
    let (o, _) = out(&mut e, rec);
    let v: Value = serde_json::from_slice(&o).expect("json");
    assert_eq!(v["pumpguard"]["keys"]["country"], "GB");
}

#[test]
fn non_sms_and_evidence_records_pass_through_unchanged() {
    let mut e = engine();
    for rec in [
        r#"{"hello":"world"}"#,
        r#"{"event":"login","user":"x"}"#,
        &verified(10, "acme", "+447400123456"),
        r#"{"event":"annotation","tenant":"acme","start":"2026-01-05T00:00:00Z","end":"2026-01-06T00:00:00Z"}"#,
    ] {
        let (o, oc) = out(&mut e, rec);
        assert_eq!(o, rec.as_bytes(), "{rec}");
        assert!(matches!(oc, Outcome::Passed | Outcome::Evidence));
    }
}

#[test]
fn one_alert_per_incident() {
    let mut e = engine();
    let mut r = Rng(7);
    warm(&mut e, "acme", 2, 20, &mut r);
    let mut alerts = 0;
    let mut incidents = std::collections::BTreeSet::new();
    for i in 0..300 {
        let rec = sms(
            2 * 86_400 + 36_000 + i * 5,
            "acme",
            &format!("+99655510{:04}", i),
            r#","ip":"185.220.101.10","user_agent":"python-requests/2.31""#,
        );
        let v = verdict(&mut e, &rec);
        alerts += usize::from(v.alert);
        if let Some(id) = v.incident {
            incidents.insert(id);
        }
    }
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    assert!((1..=3).contains(&alerts), "alerts {alerts}");
    let summary = e.incidents();
    assert_eq!(summary.len(), 1);
    assert_eq!(summary[0].country, "KG");
    assert_eq!(summary[0].block, "+9965551");
    assert!(summary[0].level >= Level::High);
}

#[test]
fn monitor_only_turns_every_action_into_monitor() {
    let mut e = engine_with(r#"{"monitor_only": true}"#);
    let v = verdict(&mut e, &sms(0, "acme", "+881612345678", ""));
    assert_eq!(v.action, Action::Monitor);
    let v = verdict(&mut e, r#"{"event":"sms_sent","to":"garbage"}"#);
    assert_eq!(v.action, Action::Monitor);
}

#[test]
fn levels_follow_scores_and_actions_follow_the_policy() {
    let mut e = engine_with(r#"{"actions": {"low": "throttle"}}"#);
    let v = verdict(&mut e, &sms(0, "acme", "+881612345678", ""));
    assert_eq!(v.score, 35);
    assert_eq!(v.level, Level::Low);
    assert_eq!(v.action, Action::Throttle);
}

#[test]
fn privacy_mode_shows_blocks_only() {
    let mut e = engine_with(r#"{"privacy": {"enabled": true, "salt": "0123456789abcdef-secret"}}"#);
    let mut all = Vec::new();
    for i in 0..10 {
        let num = format!("+44740012{:04}", 3456 + i);
        let (o, _) = out(&mut e, &sms(i * 10, "acme", &num, ""));
        all.extend_from_slice(&o);
        all.push(b'\n');
    }
    let text = String::from_utf8(all).expect("utf8");
    // The records contain the numbers; the verdicts must not.
    for line in text.lines() {
        let verdict_part = &line[line.find("\"pumpguard\"").expect("tag")..];
        assert!(!verdict_part.contains("4474001234"), "{verdict_part}");
        assert!(!verdict_part.contains("44740012xxxx"), "{verdict_part}");
    }
    assert!(text.contains("one range of +447400…"));
    let snap = e.snapshot();
    assert!(
        !snap.windows(12).any(|w| w == b"447400123456"),
        "snapshot holds a number"
    );
}

#[test]
fn ecs_fields_are_added_when_asked() {
    let mut e = engine_with(r#"{"ecs": true, "output_key": "pg"}"#);
    let (o, _) = out(&mut e, &sms(0, "acme", "+447400123456", ""));
    let v: Value = serde_json::from_slice(&o).expect("json");
    assert!(v["pg"]["score"].is_u64());
    assert_eq!(v["threat.technique.subtechnique.id"], "T1496.003");
    assert_eq!(v["rule.id"], "AN0443");
    assert!(v["event.risk_score"].is_u64());
}

#[test]
fn one_weak_signal_alone_is_never_high() {
    let c = pumpguard::Config::default();
    let s = &c.signals;
    let singles = [
        s.volume_spike.max_weight,
        s.destination_country.new_weight,
        s.destination_country.rare_weight,
        s.adjacent_numbers.max_weight,
        s.low_conversion.max_weight,
        s.workflow_concentration.weight,
        s.source_velocity.max_weight,
        s.ip_geo_mismatch.weight,
        s.provider_block.weight,
        *c.budgets.weights.iter().max().expect("weights"),
        40, // the highest high-risk prefix weight in data/risk_prefixes.tsv
    ];
    for w in singles {
        assert!(w < c.levels.high, "a single signal of weight {w} reaches high");
    }
}

#[test]
fn an_explicit_profile_overrides_detection() {
    let sns = std::fs::read_to_string(crate::support::root().join("tests/fixtures/aws_sns.ndjson"))
        .expect("fixture");
    let sns = sns.lines().next().expect("line");
    // Forced to the right profile: read as usual.
    let mut e = engine_with(r#"{"profile": "aws_sns"}"#);
    assert!(matches!(e.score(sns.as_bytes(), None), Outcome::Scored(_)));
    // Forced to another profile: the record is not that vendor's SMS record, so it passes.
    let mut e = engine_with(r#"{"profile": "okta"}"#);
    assert_eq!(e.score(sns.as_bytes(), None), Outcome::Passed);
    let generic = sms(0, "acme", "+447400123456", "");
    assert_eq!(e.score(generic.as_bytes(), None), Outcome::Passed);
    // Unknown names are configuration errors.
    assert!(pumpguard::Config::from_json(br#"{"profile": "twilio"}"#).is_err());
}

/// Application logs name the generic schema's fields their own way: the common aliases of
/// `time`, `tenant`, `to` and `user_id` are read, and a record is scored at its own time
/// whichever of them carries it, as RFC 3339 text or epoch seconds or milliseconds.
#[test]
fn generic_records_are_read_through_the_common_aliases() {
    let t = T0 + 3_600;
    for (field, value) in [
        ("time", format!("\"{}\"", at(3_600))),
        ("ts", format!("\"{}\"", at(3_600))),
        ("timestamp", t.to_string()),
        ("timestamp", (t * 1000).to_string()),
        ("@timestamp", format!("\"{}\"", at(3_600))),
        ("ts", format!("\"{t}\"")),
    ] {
        let mut e = engine();
        // An earlier record moves the clock first: a record read without its time would be
        // scored at that newest time instead of its own.
        verdict(&mut e, &sms(7_200, "shop", "+447400123000", ""));
        let rec = format!(r#"{{"event":"sms_sent","{field}":{value},"tenant":"shop","to":"+447400123456"}}"#);
        let v = verdict(&mut e, &rec);
        assert!(weight(&v, "no_timestamp").is_none(), "{rec}: {v:?}");
        let mut e = engine();
        verdict(&mut e, &rec);
        assert_eq!(e.clock(), t * 1000, "{rec}");
    }
    for (tenant, to, user) in [
        ("tenant_id", "phone", "user"),
        ("account_id", "phone_number", "uid"),
        ("org_id", "recipient", "user_id"),
    ] {
        let mut e = engine();
        let rec = format!(
            r#"{{"event":"sms_sent","time":"{}","{tenant}":"shop","{to}":"+447400123456","{user}":"u1"}}"#,
            at(0)
        );
        let v = verdict(&mut e, &rec);
        assert_eq!(v.keys.tenant.as_deref(), Some("shop"), "{rec}");
        assert_eq!(v.keys.country.as_deref(), Some("GB"), "{rec}");
        let cov = e.coverage_report();
        let from = &cov[0].read_from;
        assert_eq!(from["tenant"].keys().collect::<Vec<_>>(), [tenant], "{from:?}");
        assert_eq!(from["to"].keys().collect::<Vec<_>>(), [to], "{from:?}");
        assert_eq!(from["user_id"].keys().collect::<Vec<_>>(), [user], "{from:?}");
    }
    // The schema's own name wins over an alias in the same record.
    let mut e = engine();
    let rec = format!(
        r#"{{"event":"sms_sent","ts":"{}","time":"{}","tenant":"shop","to":"+447400123456"}}"#,
        at(0),
        at(60)
    );
    verdict(&mut e, &rec);
    assert_eq!(e.clock(), (T0 + 60) * 1000);
    // A name whose value cannot be the field's (an object, null, a boolean, an empty string)
    // gives way to the next alias: many app logs carry `"user": {…}` or `"ts": null`.
    let mut e = engine();
    let rec = format!(
        r#"{{"event":"sms_sent","time":null,"ts":"{}","tenant":"","tenant_id":"shop","to":true,"phone":"+447400123456","user":{{"id":"u1"}},"uid":"u1"}}"#,
        at(60)
    );
    let v = verdict(&mut e, &rec);
    assert_eq!(e.clock(), (T0 + 60) * 1000, "{v:?}");
    assert_eq!(v.keys.tenant.as_deref(), Some("shop"), "{v:?}");
    assert_eq!(v.keys.country.as_deref(), Some("GB"), "{v:?}");
    let cov = e.coverage_report();
    let from = &cov[0].read_from;
    for (field, name) in [
        ("time", "ts"),
        ("tenant", "tenant_id"),
        ("to", "phone"),
        ("user_id", "uid"),
    ] {
        assert_eq!(from[field].keys().collect::<Vec<_>>(), [name], "{from:?}");
    }
}

/// `profiles.generic.fields` maps a field to any name or dotted path; a mapped field is read
/// only from there, and the coverage report says so.
#[test]
fn a_configured_field_mapping_reads_the_generic_fields_from_their_paths() {
    let mut e = engine_with(
        r#"{"profiles": {"generic": {"fields": {"time": "meta.event_time", "to": "sms.dest", "tenant": "customer"}}}}"#,
    );
    let rec = format!(
        r#"{{"event":"sms_sent","meta":{{"event_time":"{}"}},"time":"{}","customer":"shop","tenant":"other","sms":{{"dest":"+447400123456"}},"to":"+12125550123"}}"#,
        at(120),
        at(0)
    );
    let v = verdict(&mut e, &rec);
    assert_eq!(e.clock(), (T0 + 120) * 1000);
    assert_eq!(v.keys.tenant.as_deref(), Some("shop"));
    assert_eq!(v.keys.country.as_deref(), Some("GB"));
    let cov = e.coverage_report();
    assert_eq!(
        cov[0].read_from["time"].keys().collect::<Vec<_>>(),
        ["configured: meta.event_time"]
    );
    // The mapped path missing: no time, even though `time` is there.
    let v = verdict(
        &mut e,
        &format!(
            r#"{{"event":"sms_sent","time":"{}","customer":"shop","sms":{{"dest":"+447400123457"}}}}"#,
            at(180)
        ),
    );
    assert!(weight(&v, "no_timestamp").is_some(), "{v:?}");
    // Unknown fields and empty paths are configuration errors, all reported at once.
    let cfg = pumpguard::Config::from_json(
        br#"{"profiles": {"generic": {"fields": {"event": "kind", "tim": "t", "to": "a..b"}}}}"#,
    )
    .expect("parses");
    let errs = pumpguard::Engine::new(cfg).err().expect("invalid").to_string();
    for f in ["fields.event", "fields.tim", "fields.to"] {
        assert!(errs.contains(f), "{errs}");
    }
}
