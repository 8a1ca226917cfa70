//! The shipped `fluent-config/` files: both formats parse and describe the same pipeline, the
//! wasm filter points at the module the build produces with the function it exports, and the
//! `rewrite_tag` rules route the module's real output once each.

use std::collections::BTreeMap;
use std::path::PathBuf;

use pumpguard_flb_host::wasmtime::WasmtimeHost;
use pumpguard_flb_host::{module_path, parse_size, FilterHost, Returned};

fn dir() -> PathBuf {
    crate::support::root().join("fluent-config")
}

/// One section of either format: its kind and its properties (names lowercased; a repeated
/// property such as `Rule` keeps every value in order).
#[derive(Debug, Clone, PartialEq)]
struct Section {
    kind: String,
    props: BTreeMap<String, Vec<String>>,
}

impl Section {
    fn get(&self, key: &str) -> &str {
        self.props
            .get(key)
            .and_then(|v| v.first())
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// The classic format: `[SECTION]` headers, then `Key value` lines; `#` comments.
fn parse_classic(text: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(kind) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push(Section {
                kind: kind.to_ascii_lowercase(),
                props: BTreeMap::new(),
            });
            continue;
        }
        assert!(
            raw.starts_with(' '),
            "property outside an indented section body: {raw}"
        );
        let (key, value) = line
            .split_once(char::is_whitespace)
            .unwrap_or_else(|| panic!("no value: {line}"));
        let section = out
            .last_mut()
            .unwrap_or_else(|| panic!("property before any section: {line}"));
        section
            .props
            .entry(key.to_ascii_lowercase())
            .or_default()
            .push(value.trim().to_owned());
    }
    out
}

fn yaml_scalar(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => n.to_string(),
        serde_yaml::Value::Bool(b) => b.to_string(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// The YAML format, flattened to the same sections.
fn parse_yaml(text: &str) -> Vec<Section> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).expect("fluent-bit.yaml parses");
    let mut out = Vec::new();
    let mut push = |kind: &str, map: &serde_yaml::Mapping| {
        let mut props = BTreeMap::new();
        for (k, v) in map {
            let values = match v {
                serde_yaml::Value::Sequence(items) => items.iter().map(yaml_scalar).collect(),
                other => vec![yaml_scalar(other)],
            };
            props.insert(yaml_scalar(k).to_ascii_lowercase(), values);
        }
        out.push(Section {
            kind: kind.to_owned(),
            props,
        });
    };
    if let Some(service) = doc.get("service").and_then(|s| s.as_mapping()) {
        push("service", service);
    }
    for (section, kind) in [("inputs", "input"), ("filters", "filter"), ("outputs", "output")] {
        for item in doc["pipeline"][section]
            .as_sequence()
            .unwrap_or_else(|| panic!("pipeline.{section}"))
        {
            push(kind, item.as_mapping().expect("a mapping"));
        }
    }
    out
}

fn both() -> [(String, Vec<Section>); 2] {
    let yaml = std::fs::read_to_string(dir().join("fluent-bit.yaml")).expect("yaml");
    let conf = std::fs::read_to_string(dir().join("fluent-bit.conf")).expect("conf");
    [
        ("fluent-bit.yaml".into(), parse_yaml(&yaml)),
        ("fluent-bit.conf".into(), parse_classic(&conf)),
    ]
}

fn of<'a>(sections: &'a [Section], kind: &str, name: &str) -> Vec<&'a Section> {
    sections
        .iter()
        .filter(|s| s.kind == kind && s.get("name") == name)
        .collect()
}

/// Fluent Bit's tag match: `*` matches any run of characters.
fn tag_matches(pattern: &str, tag: &str) -> bool {
    let re = format!("^{}$", regex::escape(pattern).replace("\\*", ".*"));
    regex::Regex::new(&re).expect("pattern").is_match(tag)
}

/// An output's `match` or `match_regex` against a tag.
fn output_matches(o: &Section, tag: &str) -> bool {
    match o.props.get("match_regex").and_then(|v| v.first()) {
        Some(re) => regex::Regex::new(re).expect("match_regex").is_match(tag),
        None => tag_matches(o.get("match"), tag),
    }
}

/// Sizes as Fluent Bit reads them (`flb_utils_size_to_bytes`: `1M` is 1,000,000).
fn size(v: &str) -> u64 {
    u64::from(parse_size(v).unwrap_or_else(|| panic!("size {v}")))
}

#[test]
fn both_formats_describe_the_same_pipeline() {
    let [(_, yaml), (_, conf)] = both();
    let norm = |s: &[Section]| -> Vec<(String, BTreeMap<String, Vec<String>>)> {
        s.iter()
            .filter(|x| x.kind != "service")
            .map(|x| {
                let props = x
                    .props
                    .iter()
                    .map(|(k, v)| (k.clone(), v.iter().map(|s| s.to_ascii_lowercase()).collect()))
                    .collect();
                (x.kind.clone(), props)
            })
            .collect()
    };
    assert_eq!(norm(&yaml), norm(&conf));
    let parsers = std::fs::read_to_string(dir().join("parsers.conf")).expect("parsers.conf");
    let parsers = parse_classic(&parsers);
    let tail = of(&conf, "input", "tail")[0];
    assert!(parsers
        .iter()
        .any(|p| p.get("name") == tail.get("parser") && p.get("format") == "json"));
}

#[test]
fn the_wasm_filter_loads_the_built_module_with_its_function() {
    for (file, sections) in both() {
        let wasm = of(&sections, "filter", "wasm");
        assert_eq!(wasm.len(), 1, "{file}");
        let w = wasm[0];
        assert_eq!(
            w.get("event_format"),
            "json",
            "{file}: msgpack mode truncates at zero bytes"
        );
        assert_eq!(
            crate::support::root().join(w.get("wasm_path")),
            module_path(),
            "{file}"
        );
        assert!(
            size(w.get("wasm_heap_size")) >= 8192 && size(w.get("wasm_stack_size")) >= 64 << 10,
            "{file}"
        );
        assert!(!w.get("accessible_paths").is_empty(), "{file}");
        // The function the config names is the one the module exports with the right signature
        // (the real Fluent Bit runs it with the config's stack and heap: tests/fluent_bit_real.rs).
        let mut h = WasmtimeHost::new(&module_path(), &[], w.get("function_name"))
            .unwrap_or_else(|e| panic!("{file}: {e:#}"));
        let line = br#"{"event":"sms_sent","tenant":"t","to":"+447400123456"}"#;
        assert!(
            matches!(h.call(b"saas.file", (0, 0), line), Returned::Record(_)),
            "{file}"
        );
        // Fluent Bit 5.1 runs forward's connections in coroutines, where WAMR refuses every call
        // ("native stack overflow"): forwarded records must reach the module only through the
        // relay's emitter.
        let fwd = of(&sections, "input", "forward")[0];
        let prefixed = format!("{}app.sms", fwd.get("tag_prefix"));
        assert!(
            !fwd.get("tag_prefix").is_empty() && !tag_matches(w.get("match"), &prefixed),
            "{file}: forwarded records meet the wasm filter inside forward's coroutine"
        );
        let relay: Vec<_> = of(&sections, "filter", "rewrite_tag")
            .into_iter()
            .filter(|r| tag_matches(r.get("match"), &prefixed))
            .collect();
        assert_eq!(relay.len(), 1, "{file}: one relay for forwarded records");
        assert!(
            relay[0].props["rule"]
                .iter()
                .all(|r| r.ends_with(" saas.forward false") && tag_matches(w.get("match"), "saas.forward")),
            "{file}: the relay re-emits to the scorer, once"
        );
        let tail = of(&sections, "input", "tail")[0];
        assert!(
            tag_matches(w.get("match"), tail.get("tag")),
            "{file}: the filter sees the tail input"
        );
        assert!(
            size(tail.get("buffer_max_size")) >= 16_000_000,
            "{file}: long records are not cut"
        );
    }
}

#[test]
fn the_shipped_settings_file_loads_without_a_config_error() {
    let tmp = std::env::temp_dir().join(format!("pumpguard-flb-settings-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).expect("tmp");
    std::fs::copy(
        dir().join("pumpguard-fluent-bit.json"),
        tmp.join("pumpguard-fluent-bit.json"),
    )
    .expect("copy");
    let mut h = WasmtimeHost::new(&module_path(), &[&tmp], "pumpguard_filter").expect("instantiate");
    let Returned::Record(out) = h.call(
        b"saas.file",
        (0, 0),
        br#"{"event":"sms_sent","tenant":"t","to":"+447400123456"}"#,
    ) else {
        panic!("dropped");
    };
    let v: serde_json::Value = serde_json::from_slice(&out).expect("object");
    assert_ne!(v["pumpguard"]["reasons"][0]["code"], "config_error", "{v}");
    assert_eq!(v["pumpguard_route"], "archive");
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn the_rewrite_tag_rules_route_the_demo_once_each() {
    let demo = std::fs::read_to_string(crate::support::root().join("samples/demo.ndjson")).expect("demo");
    // What the module hands Fluent Bit to route.
    let mut h = WasmtimeHost::new(&module_path(), &[], "pumpguard_filter").expect("instantiate");
    let scored: Vec<serde_json::Value> = demo
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| match h.call(b"saas.file", (0, 0), l.as_bytes()) {
            Returned::Record(r) => serde_json::from_slice(&r).expect("object"),
            Returned::Dropped(why) => panic!("dropped: {why}"),
        })
        .collect();
    for (file, sections) in both() {
        // Two rewrite_tag filters: the relay of forwarded records (relay.*, checked in the real
        // Fluent Bit by tests/fluent_bit_real.rs) and the routes after the scorer.
        let rewrite: Vec<_> = of(&sections, "filter", "rewrite_tag")
            .into_iter()
            .filter(|r| tag_matches(r.get("match"), "saas.file"))
            .collect();
        assert_eq!(rewrite.len(), 1, "{file}");
        let rules: Vec<(String, regex::Regex, String, String)> = rewrite[0].props["rule"]
            .iter()
            .map(|r| {
                let parts: Vec<&str> = r.split_whitespace().collect();
                assert_eq!(parts.len(), 4, "{file}: rule {r}");
                let key = parts[0].strip_prefix('$').expect("a record accessor").to_owned();
                (
                    key,
                    regex::Regex::new(parts[1]).expect("regex"),
                    parts[2].to_owned(),
                    parts[3].to_owned(),
                )
            })
            .collect();
        assert!(
            rules.iter().all(|r| r.3 == "false"),
            "{file}: originals are not kept, so nothing is written twice"
        );
        let file_outputs = of(&sections, "output", "file");
        let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
        let mut to_stdout = 0;
        for rec in &scored {
            // rewrite_tag: the first rule whose key is a string matching the regex re-tags.
            let tag = rules
                .iter()
                .find(|(key, re, _, _)| rec[key.as_str()].as_str().is_some_and(|v| re.is_match(v)))
                .map_or("saas.file", |r| r.2.as_str());
            let files: Vec<_> = file_outputs.iter().filter(|o| output_matches(o, tag)).collect();
            assert_eq!(files.len(), 1, "{file}: tag {tag} reaches {} files", files.len());
            *per_file.entry(files[0].get("file").to_owned()).or_default() += 1;
            to_stdout += of(&sections, "output", "stdout")
                .iter()
                .filter(|o| output_matches(o, tag))
                .count();
        }
        assert_eq!(per_file.get("alerts.ndjson"), Some(&4), "{file}: {per_file:?}");
        assert_eq!(per_file.get("review.ndjson"), Some(&476), "{file}: {per_file:?}");
        assert_eq!(per_file.get("rejected.ndjson"), None, "{file}: {per_file:?}");
        assert_eq!(per_file.values().sum::<usize>(), scored.len(), "{file}");
        assert_eq!(to_stdout, 4, "{file}: alerts are printed");
    }
}
