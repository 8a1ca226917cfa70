//! The shipped `vector-config/`, loaded and run through the `vrl` crate Vector 0.59 ships.

use std::collections::BTreeMap;

use pumpguard::{Config, Engine};
use pumpguard_vector_config::{Pipeline, config_dir, load_yaml, raw_event, run_unit_tests, to_json};
use serde_yaml::Value as Yaml;
use vrl::value::Value;

/// Where `pumpguard serve` listens and forwards to, as README and vector.yaml say.
const SIDECAR: &str = "http://127.0.0.1:8687";
const RETURN_ADDRESS: &str = "127.0.0.1:8688";
const RETURN_PATH: &str = "/scored";
/// The sidecar's default `--max-body`.
const SIDECAR_MAX_BODY: u64 = 32 << 20;
/// The four destinations, each fed by exactly one route output.
const ROUTES: [(&str, &str); 4] = [
    ("alerts", "by_level.alerts"),
    ("review", "by_level.review"),
    ("rejected", "by_level.rejected"),
    ("archive", "by_level._unmatched"),
];

fn yaml() -> Yaml {
    load_yaml().unwrap_or_else(|e| panic!("{e}"))
}

fn pipeline(y: &Yaml) -> Pipeline {
    Pipeline::load(y).unwrap_or_else(|e| panic!("{e}"))
}

fn at<'a>(y: &'a Yaml, path: &str) -> &'a Yaml {
    path.split('.')
        .try_fold(y, |v, k| v.get(k))
        .unwrap_or_else(|| panic!("vector.yaml has no {path}"))
}

fn s<'a>(y: &'a Yaml, path: &str) -> &'a str {
    at(y, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string"))
}

fn message(v: &Value) -> String {
    match v.as_object().and_then(|o| o.get("message")) {
        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("no string message: {other:?}"),
    }
}

/// Sends one scored line into `classify` and returns the single destination it reached.
fn destination(p: &Pipeline, line: &str) -> (&'static str, Value) {
    let outs = p.send("classify", raw_event(line)).expect("classify runs");
    let hits: Vec<_> = ROUTES
        .iter()
        .filter_map(|(name, out)| outs.get(*out).map(|e| (*name, e)))
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{line:.200} reached {:?}",
        hits.iter().map(|h| h.0).collect::<Vec<_>>()
    );
    let (name, events) = &hits[0];
    assert_eq!(events.len(), 1, "{line:.200} was duplicated");
    (name, events[0].clone())
}

#[test]
fn vrl_programs_and_route_conditions_compile_without_warnings() {
    let y = yaml();
    let p = pipeline(&y);
    let outputs = p.outputs();
    for (_, out) in ROUTES {
        assert!(outputs.iter().any(|o| o == out), "{out} missing from {outputs:?}");
    }
}

#[test]
fn the_files_vector_test_cases_pass() {
    let y = yaml();
    let n = run_unit_tests(&y, &pipeline(&y)).unwrap_or_else(|e| panic!("{e}"));
    assert!(n >= 9, "only {n} test cases");
}

#[test]
fn the_harness_catches_a_failing_case() {
    // A case that must fail, so a green run above means something.
    let y = yaml();
    let mut broken = y.clone();
    let tests = broken
        .get_mut("tests")
        .and_then(Yaml::as_sequence_mut)
        .expect("tests");
    let first = tests[0].clone();
    let mut wrong: Yaml = first;
    wrong["outputs"][0]["conditions"][0]["source"] = Yaml::String(".message == \"something else\"".into());
    tests.truncate(0);
    tests.push(wrong);
    assert!(run_unit_tests(&broken, &pipeline(&y)).is_err());
}

#[test]
fn sidecar_sink_keeps_order_acknowledgements_and_back_pressure() {
    let y = yaml();
    let sink = at(&y, "sinks.to_pumpguard");
    assert_eq!(s(sink, "type"), "http");
    assert_eq!(s(sink, "uri"), format!("{SIDECAR}/batch"));
    assert_eq!(s(sink, "healthcheck.uri"), format!("{SIDECAR}/healthz"));
    assert_eq!(at(sink, "healthcheck.enabled").as_bool(), Some(true));
    assert_eq!(
        s(sink, "encoding.codec"),
        "text",
        "the sidecar must get the record line, not Vector's event"
    );
    assert_eq!(s(sink, "framing.method"), "newline_delimited");
    assert_eq!(s(sink, "compression"), "gzip");
    assert_eq!(
        at(sink, "request.concurrency").as_u64(),
        Some(1),
        "order needs one batch in flight"
    );
    assert_eq!(s(sink, "buffer.when_full"), "block");
    assert_eq!(at(sink, "acknowledgements.enabled").as_bool(), Some(true));
    let max_bytes = at(sink, "batch.max_bytes").as_u64().expect("batch.max_bytes");
    assert!(max_bytes < SIDECAR_MAX_BODY, "a batch could be refused with 413");
}

#[test]
fn scored_records_come_back_through_a_lossless_source() {
    let y = yaml();
    let src = at(&y, "sources.from_pumpguard");
    assert_eq!(s(src, "type"), "http_server");
    assert_eq!(s(src, "address"), RETURN_ADDRESS);
    assert_eq!(s(src, "path"), RETURN_PATH);
    assert_eq!(
        s(src, "decoding.codec"),
        "bytes",
        "a json decoder drops what it cannot parse"
    );
    assert_eq!(s(src, "framing.method"), "newline_delimited");
    // The README's sidecar command forwards there.
    let readme = std::fs::read_to_string(config_dir().join("README.md")).expect("README");
    assert!(readme.contains(&format!("--forward http://{RETURN_ADDRESS}{RETURN_PATH}")));
}

#[test]
fn every_source_uses_decoding_and_framing_and_every_sink_acknowledges() {
    let y = yaml();
    for (id, src) in at(&y, "sources").as_mapping().expect("sources") {
        assert!(
            src.get("encoding").is_none(),
            "{id:?}: `encoding` on a source is gone in 0.58; use decoding + framing"
        );
        if s(src, "type") == "http_server" {
            assert!(
                src.get("decoding").is_some() && src.get("framing").is_some(),
                "{id:?}"
            );
        }
    }
    for (id, sink) in at(&y, "sinks").as_mapping().expect("sinks") {
        assert_eq!(
            sink.get("acknowledgements")
                .and_then(|a| a.get("enabled"))
                .and_then(Yaml::as_bool),
            Some(true),
            "{id:?}"
        );
    }
}

#[test]
fn every_input_exists_and_every_route_reaches_a_sink() {
    let y = yaml();
    let p = pipeline(&y);
    let mut known: Vec<String> = p.outputs();
    for (id, _) in at(&y, "sources").as_mapping().expect("sources") {
        known.push(id.as_str().expect("id").to_owned());
    }
    let mut consumed = Vec::new();
    for section in ["transforms", "sinks"] {
        for (id, c) in at(&y, section).as_mapping().expect(section) {
            for input in c.get("inputs").and_then(Yaml::as_sequence).expect("inputs") {
                let input = input.as_str().expect("input");
                assert!(known.iter().any(|k| k == input), "{id:?} reads unknown {input}");
                if section == "sinks" {
                    consumed.push(input.to_owned());
                }
            }
        }
    }
    for (_, out) in ROUTES {
        assert!(consumed.iter().any(|c| c == out), "{out} reaches no sink");
    }
    let text = std::fs::read_to_string(config_dir().join("vector.yaml")).expect("vector.yaml");
    let interpolated = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .any(|l| l.contains("${"));
    assert!(!interpolated, "env interpolation is off by default since 0.57");
}

#[test]
fn normalize_returns_each_demo_line_unchanged_bare_or_wrapped() {
    let y = yaml();
    let p = pipeline(&y);
    let demo = std::fs::read_to_string(config_dir().join("../samples/demo.ndjson")).expect("demo");
    let mut n = 0;
    for line in demo.lines().filter(|l| !l.is_empty()) {
        let docker = serde_json::json!({"log": format!("{line}\n"), "stream": "stdout", "time": "2026-11-24T10:00:00.000000001Z"});
        let cri = format!("2026-11-24T10:00:00.000000001Z stdout F {line}");
        for wrapped in [line.to_owned(), docker.to_string(), cri, format!("{line}\r\n")] {
            let outs = p.send("normalize", raw_event(&wrapped)).expect("normalize runs");
            let events = &outs["normalize"];
            assert_eq!(events.len(), 1);
            assert_eq!(message(&events[0]), line, "from {wrapped:.200}");
        }
        n += 1;
    }
    assert!(n > 5000);
}

#[test]
fn the_demo_scored_by_pumpguard_lands_once_each_in_the_right_place() {
    let y = yaml();
    let p = pipeline(&y);
    let demo = std::fs::read_to_string(config_dir().join("../samples/demo.ndjson")).expect("demo");
    let mut engine = Engine::new(Config::default()).expect("default config");
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut alerts, mut medium_up, mut unknown, mut lines) = (0, 0, 0, 0);
    for line in demo.lines().filter(|l| !l.is_empty()) {
        let outs = p.send("normalize", raw_event(line)).expect("normalize");
        let sent = message(&outs["normalize"][0]);
        let mut scored = Vec::new();
        engine.process(sent.as_bytes(), None, &mut scored);
        let scored = String::from_utf8(scored).expect("utf-8");
        let expect: serde_json::Value = serde_json::from_str(&scored).expect("pumpguard writes JSON");
        let verdict = &expect["pumpguard"];
        let is_alert = verdict["alert"] == true;
        let level = verdict["level"].as_str().unwrap_or("");
        alerts += usize::from(is_alert);
        medium_up += usize::from(!is_alert && matches!(level, "medium" | "high" | "critical"));
        unknown += usize::from(level == "unknown");
        let (dest, event) = destination(&p, &scored);
        let want = if is_alert {
            "alerts"
        } else if matches!(level, "medium" | "high" | "critical") {
            "review"
        } else if level == "unknown" {
            "rejected"
        } else {
            "archive"
        };
        assert_eq!(dest, want, "{scored:.300}");
        assert_eq!(to_json(&event), expect, "the record reaches the sink intact");
        *tally.entry(dest).or_default() += 1;
        lines += 1;
    }
    eprintln!("{lines} demo lines: {tally:?}");
    assert_eq!(
        tally.values().sum::<usize>(),
        lines,
        "every line lands exactly once"
    );
    assert_eq!(tally.get("alerts").copied().unwrap_or(0), alerts);
    assert_eq!(
        alerts, 4,
        "the demo's two incidents: one opens at critical, one opens and escalates and passes the cost mark: 4 alerts"
    );
    assert_eq!(tally.get("review").copied().unwrap_or(0), medium_up);
    assert_eq!(tally.get("rejected").copied().unwrap_or(0), unknown);
    assert!(medium_up > 0 && tally["archive"] > 5000, "{tally:?}");
}

#[test]
fn hostile_lines_coming_back_are_kept_and_routed_once() {
    let y = yaml();
    let p = pipeline(&y);
    let deep = format!("{}1{}", "[".repeat(5000), "]".repeat(5000));
    let big = format!("{{\"event\":\"x\",\"pad\":\"{}\"}}", "a".repeat(1 << 20));
    let cases = [
        ("", "rejected"),
        ("garbage from a proxy", "rejected"),
        ("[1,2,3]", "rejected"),
        ("\"a string\"", "rejected"),
        ("{\"pumpguard\": 5}", "archive"),
        ("{\"pumpguard\": {\"level\": [1]}}", "archive"),
        (
            "{\"pumpguard\": {\"level\": \"unknown\", \"alert\": true}}",
            "alerts",
        ),
        ("{\"a\": NaN}", "rejected"),
        (deep.as_str(), "rejected"),
        (big.as_str(), "archive"),
    ];
    for (line, want) in cases {
        let (dest, event) = destination(&p, line);
        assert_eq!(dest, want, "{line:.100}");
        if want == "rejected" {
            assert_eq!(message(&event), line, "the line is kept whole");
        }
    }
}

#[test]
fn a_forged_verdict_on_an_sms_record_is_overridden_by_pumpguards() {
    let y = yaml();
    let p = pipeline(&y);
    let mut engine = Engine::new(Config::default()).expect("default config");
    let forged = r#"{"event":"sms_sent","to":"+447400123456","tenant":"t","time":"2026-11-24T10:00:00Z","pumpguard":{"alert":true,"level":"critical"}}"#;
    let mut scored = Vec::new();
    engine.process(forged.as_bytes(), None, &mut scored);
    let (dest, event) = destination(&p, std::str::from_utf8(&scored).expect("utf-8"));
    assert_eq!(dest, "archive");
    assert_eq!(
        to_json(&event)["pumpguard"]["model"]
            .as_str()
            .map(|m| m.starts_with("pumpguard/")),
        Some(true)
    );
}

/// Records for the partition-key check: every golden fixture and demo line, the vendor samples
/// (pretty-printed ones as one record), a simulated week, and variants with the source
/// identities and edge values the core reads.
fn keyed_records() -> Vec<String> {
    let root = config_dir().join("..");
    let mut lines = Vec::new();
    let mut add_file = |path: std::path::PathBuf| {
        let text = std::fs::read_to_string(&path).expect("readable");
        if path.extension().is_some_and(|e| e == "json") {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) {
                lines.push(v.to_string());
            }
        } else {
            lines.extend(text.lines().filter(|l| !l.is_empty()).map(str::to_owned));
        }
    };
    for dir in ["tests/fixtures", "../shared/samples"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            if p.extension().is_some_and(|e| e == "json" || e == "ndjson") {
                add_file(p);
            }
        }
    }
    add_file(root.join("samples/demo.ndjson"));
    let sim = pumpguard_sim::traffic::Settings {
        seed: 2,
        days: 2,
        scale: 1.0,
        sweep: Default::default(),
    };
    lines.extend(pumpguard_sim::traffic::simulate(&sim).into_iter().map(|l| l.text));
    let sns = r#"{"notification":{"messageId":"m1","timestamp":"2026-01-01 10:00:00.123"},"delivery":{"destination":"+14155550101"},"status":"SUCCESS""#;
    let okta = r#"{"uuid":"u1","published":"2026-01-01T10:00:00Z","eventType":"system.sms.send_factor_verify_message","debugContext":{"debugData":{"phoneNumber":"+14155550101"}},"outcome":{"result":"SUCCESS"}"#;
    let generic = r#"{"event":"sms_sent","to":"+14155550101""#;
    for extra in [
        r#","owner":"111122223333""#,
        r#","owner":"1111""#,
        r#","log_group":"sns/us-east-1/444455556666/DirectPublishToPhoneNumber/Failure""#,
        r#","logGroup":"sns/eu-west-1/777788889999/DirectPublishToPhoneNumber""#,
        r#","log_group":"/aws/lambda/111122223333""#,
        r#","tenant":"acme","owner":"111122223333""#,
        r#","tenant":"""#,
        "",
    ] {
        lines.push(format!("{sns}{extra}}}"));
    }
    for extra in [
        r#","source":"https://Acme.okta.com/api/v1/eventHooks/who7""#,
        r#","source":"https://acme.okta.com:443/x""#,
        r#","tenant":"acme""#,
        "",
    ] {
        lines.push(format!("{okta}{extra}}}"));
    }
    lines.push(format!(
        r#"{{"version":"0","source":"aws.partner/okta.com/Globex/okta_log_stream","account":"111122223333","detail":{okta}}}}}"#
    ));
    for extra in [
        r#","tenant":"acme""#,
        r#","tenant":"","tenant_id":"t-9""#,
        r#","tenant":null,"account_id":42"#,
        r#","org_id":"o-1","tenant":{"a":1}"#,
        "",
    ] {
        lines.push(format!("{generic}{extra}}}"));
    }
    lines
}

/// `vrl/partition_key.vrl` gives every record the core keys the core's partition key
/// (`pumpguard key`, `Engine::partition_key`), so a Kafka topic keyed by it sends a tenant's
/// sends and conversions to one scorer.
#[test]
fn the_partition_key_vrl_agrees_with_the_core_on_every_record() {
    let source = std::fs::read_to_string(config_dir().join("vrl/partition_key.vrl")).expect("vrl");
    let program = pumpguard_vector_config::compile("partition_key.vrl", &source).expect("compiles");
    let engine = Engine::new(Config::default()).expect("config");
    let (mut keyed, mut profiles) = (0, std::collections::BTreeSet::new());
    for line in keyed_records() {
        let Some(want) = engine.partition_key(line.as_bytes()) else {
            continue;
        };
        let json: serde_json::Value = serde_json::from_str(&line).expect("a keyed record is JSON");
        let mut event = Value::from(json);
        pumpguard_vector_config::run(&program, &mut event).expect("never fails");
        let got = to_json(&event)["pumpguard_partition"].clone();
        assert_eq!(got, serde_json::Value::String(want.clone()), "{line:.400}");
        keyed += 1;
        profiles.insert(want.split('/').next().map(str::to_owned));
    }
    assert!(keyed > 30_000, "{keyed} keyed records");
    assert!(profiles.len() >= 10, "{profiles:?}");
}
