//! The shipped `fluent-config/` files in the real Fluent Bit (5.1.1, built from upstream, in
//! `../shared/hosts/fluent-bit-5.1.1/`, or `$PUMPGUARD_FLUENT_BIT`), run as the README runs them:
//! only the working directory (`/tmp/pumpguard-fluent-bit`), the forward port and the module
//! path are rewritten. The demo goes in through `tail` and through `forward` (a small Forward
//! protocol client below), in the YAML and the classic format, and every record must come out
//! exactly once, equal to the native core's output apart from the route field, in the file its
//! route names; stdout carries nothing but the alert records.
//!
//! Under `CI=true` a missing binary fails the test; elsewhere it is skipped with a message.

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use pumpguard::{Config, Engine};
use serde_json::Value;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

fn root() -> &'static Path {
    crate::support::root()
}

/// The real binary, or `None` (skip) outside CI when it is missing.
fn fluent_bit() -> Option<PathBuf> {
    let bin = std::env::var_os("PUMPGUARD_FLUENT_BIT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/hosts/fluent-bit-5.1.1/bin/fluent-bit"));
    if bin.exists() {
        return Some(bin);
    }
    let msg = format!(
        "{} is missing: set PUMPGUARD_FLUENT_BIT to a Fluent Bit 5.1.1 built with -DFLB_WASM=On \
         -DFLB_FILTER_WASM=On (../shared/hosts/README.md says how it was built)",
        bin.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

fn module() -> PathBuf {
    let m = pumpguard_flb_host::module_path();
    assert!(
        m.exists(),
        "{} is missing: cargo build --release -p pumpguard-fluent-bit --target wasm32-wasip1",
        m.display()
    );
    m
}

/// The module compiled ahead of time by `scripts/fluent-bit-aot.sh`, or `None` (skip) outside CI
/// when it is missing.
fn aot_module() -> Option<PathBuf> {
    let m = module().with_extension("aot");
    if m.exists() {
        return Some(m);
    }
    let msg = format!("{} is missing: run scripts/fluent-bit-aot.sh", m.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("skipped the AOT runs: {msg}");
    None
}

/// The module as Fluent Bit runs it: interpreted (`.wasm`) and compiled (`.aot`).
fn modules() -> Vec<(&'static str, PathBuf)> {
    let mut v = vec![("wasm", module())];
    v.extend(aot_module().map(|m| ("aot", m)));
    v
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A MessagePack encoding of a JSON value (what a Fluent Bit / Fluentd agent sends).
fn msgpack(v: &Value, out: &mut Vec<u8>) {
    fn len(out: &mut Vec<u8>, n: usize, fix: u8, fix_max: usize, m16: u8, m32: u8) {
        if n <= fix_max {
            out.push(fix | n as u8);
        } else if n <= 0xffff {
            out.push(m16);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        } else {
            out.push(m32);
            out.extend_from_slice(&(n as u32).to_be_bytes());
        }
    }
    match v {
        Value::Null => out.push(0xc0),
        Value::Bool(b) => out.push(if *b { 0xc3 } else { 0xc2 }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push(0xd3);
                out.extend_from_slice(&i.to_be_bytes());
            } else if let Some(u) = n.as_u64() {
                out.push(0xcf);
                out.extend_from_slice(&u.to_be_bytes());
            } else {
                out.push(0xcb);
                out.extend_from_slice(&n.as_f64().unwrap_or(0.0).to_bits().to_be_bytes());
            }
        }
        Value::String(s) => {
            if s.len() < 32 {
                out.push(0xa0 | s.len() as u8);
            } else if s.len() <= 0xff {
                out.push(0xd9);
                out.push(s.len() as u8);
            } else {
                len(out, s.len(), 0xa0, 0, 0xda, 0xdb);
            }
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(a) => {
            len(out, a.len(), 0x90, 15, 0xdc, 0xdd);
            a.iter().for_each(|x| msgpack(x, out));
        }
        Value::Object(o) => {
            len(out, o.len(), 0x80, 15, 0xde, 0xdf);
            for (k, x) in o {
                msgpack(&Value::String(k.clone()), out);
                msgpack(x, out);
            }
        }
    }
}

/// Sends records over the Forward protocol (Forward mode: `[tag, [[time, record], ...]]`).
fn forward(port: u16, tag: &str, records: &[Value]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut conn = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(c) => break c,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("forward input never listened on {port}: {e}"),
        }
    };
    for chunk in records.chunks(500) {
        let entries = chunk
            .iter()
            .map(|r| Value::Array(vec![Value::from(1_767_225_600u64), r.clone()]))
            .collect();
        let mut buf = Vec::new();
        msgpack(
            &Value::Array(vec![Value::from(tag), Value::Array(entries)]),
            &mut buf,
        );
        conn.write_all(&buf).expect("send");
    }
}

/// One Fluent Bit process running a shipped configuration in its own directory.
struct Run {
    dir: PathBuf,
    port: u16,
    child: Child,
}

impl Run {
    fn start(bin: &Path, module: &Path, config: &str, name: &str, before_start: impl FnOnce(&Path)) -> Run {
        let dir = std::env::temp_dir().join(format!("pumpguard-flb-real-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["in", "out", "etc"] {
            std::fs::create_dir_all(dir.join(d)).expect("dirs");
        }
        let port = free_port();
        let shipped = root().join("fluent-config");
        let rewrite = |text: String| {
            text.replace("/tmp/pumpguard-fluent-bit", &dir.display().to_string())
                .replace("24224", &port.to_string())
                .replace(
                    "target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm",
                    &module.display().to_string(),
                )
        };
        let read = |f: &str| std::fs::read_to_string(shipped.join(f)).expect("shipped file");
        std::fs::write(dir.join(config), rewrite(read(config))).expect("config");
        std::fs::write(dir.join("parsers.conf"), read("parsers.conf")).expect("parsers");
        std::fs::write(
            dir.join("etc/pumpguard-fluent-bit.json"),
            rewrite(read("pumpguard-fluent-bit.json")),
        )
        .expect("settings");
        before_start(&dir);
        let child = Command::new(bin)
            .arg("-c")
            .arg(dir.join(config))
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.join("stdout.txt")).expect("stdout"))
            .stderr(std::fs::File::create(dir.join("stderr.txt")).expect("stderr"))
            .spawn()
            .expect("fluent-bit starts");
        Run { dir, port, child }
    }

    fn lines(&self, file: &str) -> Vec<String> {
        std::fs::read_to_string(self.dir.join(file))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Output records per file, once `expected` have come out and nothing more follows.
    fn wait_for(&mut self, expected: usize) -> BTreeMap<&'static str, Vec<Value>> {
        let files = ["alerts", "review", "rejected", "archive"];
        let count = |run: &Run| -> usize {
            files
                .iter()
                .map(|f| run.lines(&format!("out/{f}.ndjson")).len())
                .sum()
        };
        let deadline = Instant::now() + Duration::from_secs(90);
        while count(self) < expected && Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("fluent-bit exited with {status}: {}", self.log());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        // A flush interval and more: anything written twice would show now.
        std::thread::sleep(Duration::from_millis(2500));
        files
            .iter()
            .map(|f| {
                let records = self
                    .lines(&format!("out/{f}.ndjson"))
                    .iter()
                    .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{f}: {e}: {l}")))
                    .collect();
                (*f, records)
            })
            .collect()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.txt")).unwrap_or_default()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn demo() -> Vec<String> {
    std::fs::read_to_string(root().join("samples/demo.ndjson"))
        .expect("demo")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The native core's output for the records, in order, as parsed JSON.
fn native(lines: &[String]) -> Vec<Value> {
    let mut engine = Engine::new(Config::default()).expect("default config");
    lines
        .iter()
        .map(|l| {
            let mut out = Vec::new();
            engine.process(l.as_bytes(), None, &mut out);
            serde_json::from_slice(&out).expect("core output is JSON")
        })
        .collect()
}

/// Every record once, equal to the core's apart from the route, in the file its route names.
fn check(what: &str, run: &Run, out: &BTreeMap<&'static str, Vec<Value>>, expected: &[Value]) {
    let log = run.log();
    for bad in ["overflow", "[error]", "Exception"] {
        assert!(!log.contains(bad), "{what}: Fluent Bit logged {bad:?}:\n{log}");
    }
    let mut got = Vec::new();
    for (file, records) in out {
        for r in records {
            let mut r = r.clone();
            let route = r
                .as_object_mut()
                .and_then(|o| o.remove("pumpguard_route"))
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "archive".into());
            assert_eq!(
                &route, file,
                "{what}: a record routed {route} landed in {file}.ndjson"
            );
            got.push(r.to_string());
        }
    }
    let mut want: Vec<String> = expected.iter().map(Value::to_string).collect();
    assert_eq!(got.len(), want.len(), "{what}: records out vs in");
    got.sort();
    want.sort();
    let first_diff = got.iter().zip(&want).position(|(a, b)| a != b);
    assert!(
        first_diff.is_none(),
        "{what}: output differs from the native core:\n got {}\nwant {}",
        first_diff.map_or("", |i| &got[i]),
        first_diff.map_or("", |i| &want[i]),
    );
    // stdout: the alert records as JSON lines, and nothing else (no runtime warnings).
    let stdout = run.lines("stdout.txt");
    assert_eq!(
        stdout.len(),
        out["alerts"].len(),
        "{what}: stdout:\n{}",
        stdout.join("\n")
    );
    for line in &stdout {
        assert!(
            serde_json::from_str::<Value>(line).is_ok_and(|v| v.is_array() || v.is_object()),
            "{what}: stdout carries a line that is not a record: {line}"
        );
    }
}

#[test]
fn the_shipped_pipeline_scores_every_record_from_tail_and_forward_in_the_real_fluent_bit() {
    let Some(bin) = fluent_bit() else { return };
    let _one = serial();
    let lines = demo();
    let expected = native(&lines);
    let records: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("demo is JSON"))
        .collect();
    for (kind, module) in modules() {
        for config in ["fluent-bit.yaml", "fluent-bit.conf"] {
            let what = |input: &str| format!("{config}, {kind}, {input}");
            // tail: a file dropped in after start-up (the README's walk-through), found by the
            // rescan that the shipped refresh_interval keeps short.
            let mut run = Run::start(&bin, &module, config, "tail", |_| {});
            std::thread::sleep(Duration::from_millis(1500));
            std::fs::write(run.dir.join("in/.demo.tmp"), lines.join("\n") + "\n").expect("demo");
            std::fs::rename(run.dir.join("in/.demo.tmp"), run.dir.join("in/demo.ndjson")).expect("rename");
            let out = run.wait_for(lines.len());
            check(&what("tail"), &run, &out, &expected);
            assert_eq!(out["alerts"].len(), 4, "{}", what("tail"));
            assert_eq!(out["review"].len(), 476, "{}", what("tail"));
            let tail_out = out.values().map(Vec::len).sum::<usize>();
            drop(run);

            // forward: another agent's records, with a tag of its own.
            let mut run = Run::start(&bin, &module, config, "forward", |_| {});
            forward(run.port, "app.sms", &records);
            let out = run.wait_for(lines.len());
            check(&what("forward"), &run, &out, &expected);
            assert_eq!(out["alerts"].len(), 4, "{}", what("forward"));
            eprintln!(
                "{config}, {kind}: tail {} in, {tail_out} out; forward {} in, {} out (alerts {}, review {}, archive {})",
                lines.len(),
                records.len(),
                out.values().map(Vec::len).sum::<usize>(),
                out["alerts"].len(),
                out["review"].len(),
                out["archive"].len()
            );
        }
    }
}

#[test]
fn forwarded_records_that_are_not_sms_related_are_archived_as_they_came() {
    let Some(bin) = fluent_bit() else { return };
    let _one = serial();
    let records: Vec<Value> = vec![
        serde_json::json!({"msg": "GET /health 200", "status": 200}),
        serde_json::json!({"log": "a plain line"}),
        serde_json::json!({"type": 7, "nested": {"a": [1, 2, 3]}}),
    ];
    let mut run = Run::start(&bin, &module(), "fluent-bit.yaml", "noise", |_| {});
    forward(run.port, "app.noise", &records);
    let out = run.wait_for(records.len());
    let archive: Vec<String> = out["archive"].iter().map(Value::to_string).collect();
    let mut want: Vec<String> = records.iter().map(Value::to_string).collect();
    let mut got = archive.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "archived unchanged, once each");
    assert_eq!(out.values().map(Vec::len).sum::<usize>(), records.len());
}

/// Hostile lines through `tail`, each accounted for: what Fluent Bit 5.1.1 itself does with
/// them before the module sees them, and what the module does with the rest.
#[test]
fn hostile_lines_through_tail_are_each_accounted_for() {
    let Some(bin) = fluent_bit() else { return };
    let _one = serial();
    let sms = |id: &str, extra: &str| {
        format!(
            r#"{{"event":"sms_sent","time":"2026-01-05T00:00:00Z","tenant":"t","to":"+447400123456","id":"{id}"{extra}}}"#
        )
    };
    let pad = |n: usize| format!(r#","pad":"{}""#, "x".repeat(n));
    let deep = format!(r#","d":{}1{}"#, r#"{"a":"#.repeat(100), "}".repeat(100));
    let malformed = r#"{"event":"sms_sent","to":"+4474"#.to_string();
    // Just under 1 MiB as written, but full of numbers Fluent Bit re-encodes longer (0.0079 as
    // 0.007900000000000001): the limit applies to the JSON the module receives.
    let floats = format!(r#","p":[{}]"#, vec!["0.0079"; (1024 * 1024 - 400) / 7].join(","));
    let mut lines: Vec<Vec<u8>> = vec![
        sms("k20", &pad(20 * 1024)).into_bytes(),
        sms("k1m", &pad(1024 * 1024 - 300)).into_bytes(),
        sms("big", &pad(1024 * 1024 + 100)).into_bytes(),
        // Over rewrite_tag's default emitter limit (10M): the shipped 64M takes it to its route.
        sms("huge", &pad(12_000_000)).into_bytes(),
        sms("reencoded", &floats).into_bytes(),
        malformed.clone().into_bytes(),
        sms("deep", &deep).into_bytes(),
        sms("long", &pad(16_000_001)).into_bytes(),
        sms("after", "").into_bytes(),
    ];
    // Not SMS-related: handed back by the module's look at the bytes, unparsed and uncopied.
    let others = [
        r#"{"id":"app","level":"info","msg":"say \"type\" here","http":{"status":200,"ms":1.5}}"#,
        r#"{"id":"access","remote_addr":"198.51.100.7","request":"GET / HTTP/1.1","status":200}"#,
    ];
    lines.extend(others.iter().map(|o| o.as_bytes().to_vec()));
    let as_written = native(&[sms("reencoded", &floats)]);
    assert_ne!(
        as_written[0]["pumpguard"]["level"], "unknown",
        "the core scores it as written"
    );
    // Invalid UTF-8 inside a string.
    let mut utf = sms("utf", r#","x":"??""#).into_bytes();
    let at = utf.len() - 4;
    utf[at] = 0xff;
    utf[at + 1] = 0xfe;
    lines.insert(4, utf);
    for (kind, module) in modules() {
        let mut run = Run::start(
            &bin,
            &module,
            "fluent-bit.yaml",
            &format!("hostile-{kind}"),
            |_| {},
        );
        std::thread::sleep(Duration::from_millis(1500));
        let mut body = Vec::new();
        for l in &lines {
            body.extend_from_slice(l);
            body.push(b'\n');
        }
        std::fs::write(run.dir.join("in/.h.tmp"), &body).expect("write");
        std::fs::rename(run.dir.join("in/.h.tmp"), run.dir.join("in/h.ndjson")).expect("rename");
        // Every line but the one over buffer_max_size.
        let out = run.wait_for(lines.len() - 1);
        let what = format!("hostile lines, {kind}");
        let all: Vec<&Value> = out.values().flatten().collect();
        assert_eq!(all.len(), lines.len() - 1, "{what}: {:?}", out.keys());
        let by_id = |id: &str| {
            let v: Vec<&&Value> = all.iter().filter(|r| r["id"] == id).collect();
            assert_eq!(v.len(), 1, "{what}: {id} comes out once");
            v[0]["pumpguard"].clone()
        };
        // Scored: 20 KiB, just under 1 MiB, invalid UTF-8 (Fluent Bit replaced the bytes before
        // the module saw them), and the line after the long one.
        for id in ["k20", "k1m", "utf", "after"] {
            let v = by_id(id);
            assert!(
                v["level"].is_string() && v["level"] != "unknown",
                "{what}: {id}: {v}"
            );
        }
        // Over 1 MiB: not scored, tagged too_large, passed through. So is the line under 1 MiB
        // that Fluent Bit's re-encoding takes over it (the native core scores it as written).
        for id in ["big", "huge", "reencoded"] {
            let v = by_id(id);
            assert_eq!(v["level"], "unknown", "{what}: {id}");
            assert_eq!(v["reasons"][0]["code"], "too_large", "{what}: {id}: {v}");
            let rejected = out
                .get("rejected")
                .map_or(0, |r| r.iter().filter(|r| r["id"] == id).count());
            assert_eq!(
                rejected, 1,
                "{what}: {id} reaches the rejected file, not the archive"
            );
        }
        // Malformed JSON and nesting deeper than Fluent Bit's parser takes: Fluent Bit wraps the
        // raw line as {"log": …}; the module sees no SMS record and passes it on unchanged (its
        // keys, escaped inside the string, do not make it look like one).
        let logs: Vec<&str> = all.iter().filter_map(|r| r["log"].as_str()).collect();
        assert_eq!(logs.len(), 2, "{what}: {logs:?}");
        assert!(logs.contains(&malformed.as_str()), "{what}: {logs:?}");
        assert!(logs.iter().any(|l| l.contains(r#""id":"deep""#)), "{what}");
        for o in others {
            let input: Value = serde_json::from_str(o).expect("json");
            let got: Vec<&&Value> = all.iter().filter(|r| r["id"] == input["id"]).collect();
            assert_eq!(got.len(), 1, "{what}: {o}");
            assert_eq!(**got[0], input, "{what}: archived as it came");
        }
        // Over buffer_max_size (16,000,000 bytes): tail drops that line, says so, reads on.
        assert!(!all.iter().any(|r| r["id"] == "long"), "{what}");
        assert!(run.log().contains("Skipping long lines"), "{what}: {}", run.log());
        eprintln!(
            "{what}: {} lines in, {} out, the one over 16 MB dropped by tail",
            lines.len(),
            all.len()
        );
    }
}

/// `fluent-config/partition.yaml` (the producer side of key-affinity scale-out) in the real
/// Fluent Bit: every demo record comes out once, in order, with `pumpguard_partition` equal to
/// the core's partition key (`pumpguard key`) and no verdict.
#[test]
fn the_shipped_partition_config_adds_the_cores_key_in_the_real_fluent_bit() {
    let Some(bin) = fluent_bit() else { return };
    let _one = serial();
    let lines = demo();
    let core = Engine::new(Config::default()).expect("default config");
    let run = Run::start(&bin, &module(), "partition.yaml", "partition", |dir| {
        std::fs::create_dir_all(dir.join("partition")).expect("dir");
        std::fs::copy(
            root().join("fluent-config/partition/pumpguard-fluent-bit.json"),
            dir.join("partition/pumpguard-fluent-bit.json"),
        )
        .expect("settings");
        std::fs::write(dir.join("in/demo.ndjson"), lines.join("\n") + "\n").expect("demo");
    });
    let deadline = Instant::now() + Duration::from_secs(90);
    while run.lines("out/partitioned.ndjson").len() < lines.len() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let out = run.lines("out/partitioned.ndjson");
    let log = run.log();
    assert!(!log.contains("[error]") && !log.contains("Exception"), "{log}");
    assert_eq!(out.len(), lines.len(), "every record once:\n{log}");
    let mut keys = BTreeMap::<String, usize>::new();
    for (line, got) in lines.iter().zip(&out) {
        let got: Value = serde_json::from_str(got).expect("JSON");
        assert!(got.get("pumpguard").is_none(), "scored nothing: {got}");
        let key = core.partition_key(line.as_bytes());
        assert_eq!(
            got.get("pumpguard_partition").and_then(Value::as_str),
            key.as_deref(),
            "{line:.300}"
        );
        *keys.entry(key.unwrap_or_default()).or_default() += 1;
    }
    eprintln!("partition keys through the real Fluent Bit: {keys:?}");
    assert!(keys.len() >= 4, "{keys:?}");
}
