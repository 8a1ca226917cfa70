//! The shipped `vector-config/` in the real Vector (0.58.0, built from upstream, in
//! `../shared/hosts/vector-0.58.0/`, or `$PUMPGUARD_VECTOR`) with `pumpguard serve` started as
//! the README starts it. Only the working directory (`/tmp/pumpguard-vector`) and the three
//! ports are rewritten; between the sidecar and Vector's `from_pumpguard` source sits a loopback
//! proxy the test can break, to fail the return path.
//!
//! One pipeline takes, in order: the demo through the `ingest` http_server source; a simulated
//! week (121,072 lines) through the `file` source, during which the sidecar is killed with SIGKILL
//! and restarted; the demo again through the `file` source; hostile lines through `ingest`; a
//! second simulated week (125,498 lines) through `ingest` in POSTs of 5,000 lines, during which
//! the return path is broken for three seconds.
//! Every record must come out, each verdict equal to the native core's on the same stream without
//! faults, in the sink its route names; extra copies are whole batches that a fault made Vector
//! send again (at most one batch per fault), and they carry the verdicts of the first copy.
//!
//! Under `CI=true` a missing binary fails the test; elsewhere it is skipped with a message.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pumpguard::{Config, Engine};
use serde_json::Value;

fn root() -> &'static Path {
    crate::support::root()
}

/// The real binary, or `None` (skip) outside CI when it is missing.
fn vector() -> Option<PathBuf> {
    let bin = std::env::var_os("PUMPGUARD_VECTOR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/hosts/vector-0.58.0/bin/vector"));
    if bin.exists() {
        return Some(bin);
    }
    let msg = format!(
        "{} is missing: set PUMPGUARD_VECTOR to a Vector 0.58 with the http_server, file, remap, \
         route, http, file and console components (../shared/hosts/README.md says how it was built)",
        bin.display()
    );
    assert!(std::env::var("CI").as_deref() != Ok("true"), "{msg}");
    eprintln!("skipped: {msg}");
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A loopback TCP proxy; while `broken`, it closes every new connection before reading it.
struct Proxy {
    port: u16,
    broken: Arc<AtomicBool>,
}

fn proxy(to: u16) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let broken = Arc::new(AtomicBool::new(false));
    let b = Arc::clone(&broken);
    std::thread::spawn(move || {
        for client in listener.incoming().take(100_000) {
            let Ok(client) = client else { continue };
            if b.load(Ordering::SeqCst) {
                let _ = client.shutdown(Shutdown::Both);
                continue;
            }
            let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            // A break cuts the connections already open too: the sidecar keeps its connection to
            // Vector's source alive between batches.
            let pipe = |mut from: TcpStream, mut to: TcpStream| {
                let b = Arc::clone(&b);
                std::thread::spawn(move || {
                    let _ = from.set_read_timeout(Some(Duration::from_millis(100)));
                    let mut buf = vec![0u8; 1 << 16];
                    let mut idle = Duration::ZERO;
                    while idle < Duration::from_secs(120) {
                        if b.load(Ordering::SeqCst) {
                            let _ = from.shutdown(Shutdown::Both);
                            let _ = to.shutdown(Shutdown::Both);
                            return;
                        }
                        match from.read(&mut buf) {
                            Ok(0) => break,
                            Ok(n) => {
                                idle = Duration::ZERO;
                                if to.write_all(&buf[..n]).is_err() {
                                    break;
                                }
                            }
                            Err(e)
                                if matches!(
                                    e.kind(),
                                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                                ) =>
                            {
                                idle += Duration::from_millis(100);
                            }
                            Err(_) => break,
                        }
                    }
                    let _ = to.shutdown(Shutdown::Write);
                });
            };
            let (c2, s2) = (
                client.try_clone().expect("clone"),
                server.try_clone().expect("clone"),
            );
            pipe(client, server);
            pipe(s2, c2);
        }
    });
    Proxy { port, broken }
}

/// One POST, as curl sends it; the status code.
fn post(port: u16, path: &str, body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

fn healthy(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.starts_with("HTTP/1.1 200")
}

struct Sidecar(Child);

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `pumpguard serve` as the README starts it (through the component), waited for on /healthz.
fn sidecar(dir: &Path, port: u16, forward: u16, log: &str) -> Sidecar {
    let child = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .arg("serve")
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(["--forward", &format!("http://127.0.0.1:{forward}/scored")])
        .arg("--state")
        .arg(dir.join("pumpguard.state"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(log)).expect("log"))
        .spawn()
        .expect("pumpguard serve starts");
    let mut s = Sidecar(child);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !healthy(port) {
        assert!(Instant::now() < deadline, "the sidecar did not answer /healthz");
        if let Ok(Some(st)) = s.0.try_wait() {
            panic!("the sidecar exited with {st}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    s
}

/// `batch.max_events` of the shipped sink to the sidecar.
const BATCH: usize = 5000;

const SINKS: [&str; 4] = ["alerts", "review", "rejected", "archive"];

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn out_count(dir: &Path) -> usize {
    SINKS
        .iter()
        .map(|s| lines(&dir.join(format!("out/{s}.ndjson"))).len())
        .sum()
}

/// Waits until at least `n` records are out and the count stays put for a few seconds.
fn settle(dir: &Path, n: usize, vector: &mut Child, what: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut last = (0, Instant::now());
    loop {
        if let Ok(Some(st)) = vector.try_wait() {
            panic!("{what}: vector exited with {st}");
        }
        let c = out_count(dir);
        if c != last.0 {
            last = (c, Instant::now());
        }
        if c >= n && last.1.elapsed() > Duration::from_secs(4) {
            return c;
        }
        assert!(Instant::now() < deadline, "{what}: {c} of {n} records out");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The route the README's table gives a scored record.
fn route(v: &Value) -> &'static str {
    let p = &v["pumpguard"];
    if p["alert"] == true {
        "alerts"
    } else if ["medium", "high", "critical"].iter().any(|l| p["level"] == *l) {
        "review"
    } else if p["level"] == "unknown" {
        "rejected"
    } else {
        "archive"
    }
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("input")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

fn simulate(seed: u32, dir: &Path) -> Vec<String> {
    let out = dir.join(format!("sim{seed}"));
    let st = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["simulate", "--seed", &seed.to_string(), "--days", "7", "--out"])
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .expect("simulate");
    assert!(st.success());
    read_lines(&out.join("traffic.ndjson"))
}

#[test]
fn the_shipped_pipeline_in_the_real_vector_keeps_every_record_and_every_verdict_through_faults() {
    let Some(bin) = vector() else { return };
    let dir = std::env::temp_dir().join(format!("pumpguard-vector-real-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for d in ["data", "in", "out"] {
        std::fs::create_dir_all(dir.join(d)).expect("dirs");
    }
    let (ingest, side, back) = (free_port(), free_port(), free_port());
    let shipped = root().join("vector-config");
    let config = std::fs::read_to_string(shipped.join("vector.yaml"))
        .expect("vector.yaml")
        .replace("/tmp/pumpguard-vector", &dir.display().to_string())
        .replace("127.0.0.1:8690", &format!("127.0.0.1:{ingest}"))
        .replace("127.0.0.1:8687", &format!("127.0.0.1:{side}"))
        .replace("127.0.0.1:8688", &format!("127.0.0.1:{back}"));
    assert!(
        config.contains(&format!("max_events: {BATCH}\n")),
        "the shipped batch size"
    );
    let config_path = dir.join("vector.yaml");
    std::fs::write(&config_path, &config).expect("config");

    // `vector test` on the file's own cases, with the real binary.
    let t = Command::new(&bin)
        .args(["test"])
        .arg(&config_path)
        .current_dir(&shipped)
        .output()
        .expect("vector test");
    let said = String::from_utf8_lossy(&t.stdout).into_owned() + &String::from_utf8_lossy(&t.stderr);
    assert!(t.status.success(), "vector test failed:\n{said}");
    assert!(said.matches("... passed").count() >= 9, "{said}");

    // The inputs, and what the native core makes of them in this order without faults.
    let demo = read_lines(&root().join("samples/demo.ndjson"));
    let week1 = simulate(21, &dir);
    let week2 = simulate(22, &dir);
    // Each with a marker, to find it in whatever form it comes out.
    let hostile: Vec<String> = vec![
        r#"{"event":"sms_sent","id":"hostile-0","to":"+4474"#.into(),
        r#"["hostile-1",1,2,3]"#.into(),
        r#"{"event":"sms_sent","id":"hostile-2","tenant":"h","to":"+447400123456","n":NaN}"#.into(),
        format!(
            r#"{{"event":"sms_sent","id":"hostile-3","tenant":"h","d":{}1{}}}"#,
            "[".repeat(5000),
            "]".repeat(5000)
        ),
        format!(
            r#"{{"event":"sms_sent","id":"hostile-4","time":"2026-01-05T00:00:00Z","tenant":"h","to":"+447400123456","pad":"{}"}}"#,
            "x".repeat(1 << 20)
        ),
    ];
    let stream: Vec<&String> = demo
        .iter()
        .chain(&week1)
        .chain(&demo)
        .chain(&hostile)
        .chain(&week2)
        .collect();
    let mut engine = Engine::new(Config::default()).expect("engine");
    let mut expected: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for l in &stream {
        let mut out = Vec::new();
        engine.process(l.as_bytes(), None, &mut out);
        if l.contains("\"hostile-") {
            continue; // checked on their own below
        }
        let v: Value = serde_json::from_slice(&out).expect("core output is JSON");
        expected.entry(route(&v)).or_default().push(v.to_string());
    }

    let proxy = proxy(back);
    let mut side_car = sidecar(&dir, side, proxy.port, "sidecar-1.log");
    // The README: validate once the sidecar answers, then start Vector from vector-config/.
    let v = Command::new(&bin)
        .arg("validate")
        .arg(&config_path)
        .current_dir(&shipped)
        .output()
        .expect("vector validate");
    assert!(
        v.status.success(),
        "vector validate: {}",
        String::from_utf8_lossy(&v.stdout)
    );
    let mut vec = Command::new(&bin)
        .arg("--config")
        .arg(&config_path)
        .current_dir(&shipped)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.join("vector-stdout.txt")).expect("stdout"))
        .stderr(std::fs::File::create(dir.join("vector-stderr.txt")).expect("stderr"))
        .spawn()
        .expect("vector starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(("127.0.0.1", ingest)).is_err() {
        assert!(Instant::now() < deadline, "vector's ingest source never listened");
        std::thread::sleep(Duration::from_millis(100));
    }
    let cleanup = |vec: &mut Child| {
        let _ = vec.kill();
        let _ = vec.wait();
    };

    // 1. The demo through http_server.
    let mut body = demo.join("\n").into_bytes();
    body.push(b'\n');
    assert_eq!(post(ingest, "/logs", &body), 200);
    let mut n = demo.len();
    settle(&dir, n, &mut vec, "demo");
    // Past the sidecar's 5 s idle timeout: it closes the kept-alive connection without a word,
    // and Vector's next batch goes on a new one.
    std::thread::sleep(Duration::from_secs(6));

    // 2. A week through the file source, with a SIGKILL of the sidecar a third of the way in.
    let mut body = week1.join("\n").into_bytes();
    body.push(b'\n');
    std::fs::write(dir.join("in/.week1.tmp"), &body).expect("write");
    std::fs::rename(dir.join("in/.week1.tmp"), dir.join("in/week1.ndjson")).expect("rename");
    let deadline = Instant::now() + Duration::from_secs(300);
    while out_count(&dir) < n + week1.len() / 3 {
        assert!(Instant::now() < deadline, "the week does not flow");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(Command::new("kill")
        .args(["-KILL", &side_car.0.id().to_string()])
        .status()
        .expect("kill")
        .success());
    let _ = side_car.0.wait();
    std::thread::sleep(Duration::from_secs(2));
    side_car = sidecar(&dir, side, proxy.port, "sidecar-2.log");
    n += week1.len();
    let after_kill = settle(&dir, n, &mut vec, "week through the file source") - n;

    // 3. The demo again, through the file source.
    let mut body = demo.join("\n").into_bytes();
    body.push(b'\n');
    std::fs::write(dir.join("in/.demo.tmp"), &body).expect("write");
    std::fs::rename(dir.join("in/.demo.tmp"), dir.join("in/demo.ndjson")).expect("rename");
    n += demo.len();
    let extra = settle(&dir, n, &mut vec, "demo through the file source") - n;
    assert_eq!(extra, after_kill, "no duplicate without a fault");

    // 4. Hostile lines through http_server.
    let mut body = hostile.join("\n").into_bytes();
    body.push(b'\n');
    assert_eq!(post(ingest, "/logs", &body), 200);
    n += hostile.len();
    let extra = settle(&dir, n, &mut vec, "hostile lines") - n;
    assert_eq!(extra, after_kill, "no duplicate without a fault");

    // 5. A second week through http_server in POSTs of 5,000 lines; half way, the return path
    // to from_pumpguard is broken for 3 seconds.
    let vector_log = || std::fs::read_to_string(dir.join("vector-stderr.txt")).unwrap_or_default();
    let logged_before_break = vector_log().len();
    let half = n + week2.len() / 2;
    let broken = Arc::clone(&proxy.broken);
    let out_dir = dir.clone();
    let breaker = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(300);
        while out_count(&out_dir) < half && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        broken.store(true, Ordering::SeqCst);
        std::thread::sleep(Duration::from_secs(3));
        broken.store(false, Ordering::SeqCst);
    });
    for chunk in week2.chunks(5000) {
        let mut body = chunk.join("\n").into_bytes();
        body.push(b'\n');
        assert_eq!(post(ingest, "/logs", &body), 200);
    }
    breaker.join().expect("breaker");
    n += week2.len();
    let total = settle(&dir, n, &mut vec, "week through http_server");
    let after_break = total - n - after_kill;
    // Vector dropped nothing (it drops a batch the sidecar answers with a non-retriable status).
    let log = vector_log();
    let dropped: Vec<&str> = log.lines().filter(|l| l.contains("dropped")).collect();
    assert!(
        dropped.is_empty(),
        "Vector dropped events:\n{}",
        dropped.join("\n")
    );
    // The break was felt: the sink to the sidecar retried (the sidecar answered 503).
    let retries: Vec<String> = vector_log()[logged_before_break..]
        .lines()
        .filter(|l| l.contains("to_pumpguard") && l.contains("etry"))
        .map(str::to_owned)
        .collect();
    assert!(
        !retries.is_empty(),
        "no retry after the broken return path:\n{}",
        vector_log()
    );
    eprintln!("after the broken return path, Vector logged: {}", retries[0]);
    cleanup(&mut vec);
    drop(side_car);

    // Every record, with the verdict of the run without faults, in its sink; extra copies only
    // of whole batches a fault made Vector resend.
    let mut extra = 0usize;
    let mut hostile_out: BTreeMap<usize, Vec<(String, Value)>> = BTreeMap::new();
    for sink in SINKS {
        let mut got = Vec::new();
        for l in lines(&dir.join(format!("out/{sink}.ndjson"))) {
            let v = serde_json::from_str::<Value>(&l).unwrap_or_else(|e| panic!("{sink}: {e}"));
            match (0..hostile.len()).find(|k| l.contains(&format!("hostile-{k}"))) {
                Some(k) => hostile_out.entry(k).or_default().push((sink.to_string(), v)),
                None => got.push(v.to_string()),
            }
        }
        let want = expected.get(sink).cloned().unwrap_or_default();
        let mut counts: BTreeMap<&str, isize> = BTreeMap::new();
        for w in &want {
            *counts.entry(w.as_str()).or_default() += 1;
        }
        for g in &got {
            *counts.entry(g.as_str()).or_default() -= 1;
        }
        let missing: Vec<_> = counts.iter().filter(|(_, c)| **c > 0).collect();
        let unexpected: Vec<_> = counts.iter().filter(|(_, c)| **c < 0).collect();
        // A record whose verdict differs from the run without faults shows as one missing and
        // one unexpected: neither may happen.
        let unknown: Vec<_> = unexpected
            .iter()
            .filter(|(k, _)| !want.iter().any(|w| w == *k))
            .collect();
        assert!(
            missing.is_empty(),
            "{sink}: {} records missing or with another verdict, e.g. {:?}",
            missing.len(),
            missing.first()
        );
        assert!(
            unknown.is_empty(),
            "{sink}: {} records with a verdict the run without faults did not give, e.g. {:?}",
            unknown.len(),
            unknown.first()
        );
        extra += unexpected.iter().map(|(_, c)| (-**c) as usize).sum::<usize>();
        eprintln!("{sink}: {} records, {} expected", got.len(), want.len());
    }
    // Hostile lines: each out once, not scored, in the rejected sink.
    for k in 0..hostile.len() {
        let outs = hostile_out.get(&k).cloned().unwrap_or_default();
        assert_eq!(outs.len(), 1, "hostile-{k} comes out once: {outs:?}");
        let (sink, v) = &outs[0];
        assert_eq!(v["pumpguard"]["level"], "unknown", "hostile-{k}");
        assert_eq!(sink, "rejected", "hostile-{k}");
        eprintln!("hostile-{k}: rejected, {}", v["pumpguard"]["reasons"][0]["code"]);
    }
    let log = std::fs::read_to_string(dir.join("sidecar-2.log")).unwrap_or_default();
    eprintln!(
        "{} records in, {total} out; duplicates: {after_kill} after the SIGKILL, {after_break} after the broken return path (batches of at most {BATCH}); sidecar after SIGKILL: {}",
        stream.len(),
        log.lines().filter(|l| l.contains("replayed") || l.contains("cut")).collect::<Vec<_>>().join("; ")
    );
    assert_eq!(total, stream.len() + extra);
    assert_eq!(extra, after_kill + after_break);
    assert!(
        after_kill <= BATCH && after_break <= BATCH,
        "at most one batch per fault"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
