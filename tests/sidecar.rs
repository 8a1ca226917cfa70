//! `pumpguard serve`, the Vector sidecar, tested over loopback with Vector's wire format: the
//! `http` sink's POST of an NDJSON batch (`framing: newline_delimited`,
//! `Content-Type: application/x-ndjson`, optional `Content-Encoding: gzip`), and a stand-in for
//! the `http_server` source that records what it receives and can be told to fail. Every loop is
//! bounded in count and time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Receiver {
    url: String,
    bodies: Arc<Mutex<Vec<Vec<u8>>>>,
    fail: Arc<AtomicBool>,
    /// Milliseconds the receiver waits before it answers.
    delay_ms: Arc<AtomicU64>,
}

/// A stand-in for Vector's `http_server` source on an ephemeral loopback port.
fn receiver() -> Receiver {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let fail = Arc::new(AtomicBool::new(false));
    let delay_ms = Arc::new(AtomicU64::new(0));
    let (b, f, d) = (Arc::clone(&bodies), Arc::clone(&fail), Arc::clone(&delay_ms));
    std::thread::spawn(move || {
        for stream in listener.incoming().take(1000) {
            let Ok(mut s) = stream else { continue };
            let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
            let mut r = BufReader::new(s.try_clone().expect("clone"));
            let mut len = 0usize;
            loop {
                let mut line = String::new();
                if r.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let l = line.trim_end();
                if l.is_empty() {
                    break;
                }
                if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            std::thread::sleep(Duration::from_millis(d.load(Ordering::SeqCst)));
            if f.load(Ordering::SeqCst) {
                let _ = s.write_all(
                    b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            } else {
                b.lock().expect("lock").push(body);
                let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            }
        }
    });
    Receiver {
        url,
        bodies,
        fail,
        delay_ms,
    }
}

struct Sidecar {
    child: Child,
    addr: String,
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sidecar(forward: &str, extra: &[&str]) -> Sidecar {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--forward", forward])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    // Lines about the restored state and its journal come first.
    let mut line = String::new();
    for _ in 0..20 {
        line.clear();
        if err.read_line(&mut line).expect("a line") == 0 || line.contains("listening on ") {
            break;
        }
    }
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|s| s.split(',').next())
        .unwrap_or_else(|| panic!("no listening line: {line}"))
        .to_string();
    // Keep draining stderr so the sidecar never blocks on it.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = err.read_to_string(&mut sink);
    });
    Sidecar { child, addr }
}

/// One HTTP/1.1 request like Vector's http sink sends; returns status and body.
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String) {
    let (code, body) = request_bytes(addr, method, path, headers, body);
    (code, String::from_utf8_lossy(&body).into_owned())
}

/// [`request`] with the answer's body as bytes.
fn request_bytes(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        head += &format!("{k}: {v}\r\n");
    }
    head += "\r\n";
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write");
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let code = String::from_utf8_lossy(&resp[..resp.len().min(16)])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(Vec::new(), |i| resp[i + 4..].to_vec());
    (code, body)
}

const NDJSON: (&str, &str) = ("Content-Type", "application/x-ndjson");

fn batch(from: usize, n: usize) -> Vec<u8> {
    let mut b = Vec::new();
    for i in from..from + n {
        b.extend_from_slice(
            format!(
                r#"{{"event":"sms_sent","seq":{i},"time":"2026-01-05T00:{:02}:{:02}Z","tenant":"acme","to":"+4474001{:05}"}}"#,
                (i / 60) % 60,
                i % 60,
                i % 100_000
            )
            .as_bytes(),
        );
        b.push(b'\n');
    }
    b
}

fn received_lines(r: &Receiver) -> Vec<String> {
    let bodies = r.bodies.lock().expect("lock");
    bodies
        .iter()
        .flat_map(|b| {
            String::from_utf8_lossy(b)
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut child = Command::new("gzip")
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("gzip");
    child.stdin.take().expect("stdin").write_all(data).expect("write");
    child.wait_with_output().expect("gzip").stdout
}

#[test]
fn health_check() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native"]);
    assert_eq!(request(&s.addr, "GET", "/healthz", &[], b"").0, 200);
    assert_eq!(request(&s.addr, "HEAD", "/healthz", &[], b"").0, 200);
    assert_eq!(request(&s.addr, "GET", "/nope", &[], b"").0, 404);
    assert_eq!(request(&s.addr, "DELETE", "/", &[], b"").0, 405);
}

#[test]
fn ordered_batches_are_scored_and_delivered_before_the_answer() {
    let r = receiver();
    let s = sidecar(&r.url, &[]); // through the component
    for k in 0..5 {
        let (code, body) = request(&s.addr, "POST", "/", &[NDJSON], &batch(k * 100, 100));
        assert_eq!(code, 200, "{body}");
        // Answered only after delivery: the receiver already has this batch.
        assert_eq!(r.bodies.lock().expect("lock").len(), k + 1);
    }
    let lines = received_lines(&r);
    assert_eq!(lines.len(), 500);
    for (i, l) in lines.iter().enumerate() {
        assert!(l.contains(&format!(r#""seq":{i},"#)), "order broken at {i}: {l}");
        assert!(l.contains(r#""pumpguard":{"score":"#), "{l}");
    }
}

#[test]
fn gzip_batches_give_the_same_output_as_plain_ones() {
    let (r1, r2) = (receiver(), receiver());
    let (s1, s2) = (sidecar(&r1.url, &["--native"]), sidecar(&r2.url, &["--native"]));
    let b = batch(0, 300);
    assert_eq!(request(&s1.addr, "POST", "/", &[NDJSON], &b).0, 200);
    assert_eq!(
        request(
            &s2.addr,
            "POST",
            "/",
            &[NDJSON, ("Content-Encoding", "gzip")],
            &gzip(&b)
        )
        .0,
        200
    );
    assert_eq!(received_lines(&r1), received_lines(&r2));
}

#[test]
fn a_ten_thousand_record_batch() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native"]);
    let (code, body) = request(&s.addr, "POST", "/", &[NDJSON], &batch(0, 10_000));
    assert_eq!(code, 200, "{body}");
    assert_eq!(received_lines(&r).len(), 10_000);
}

#[test]
fn receiver_down_means_5xx_and_nothing_is_lost_after_the_retry() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native"]);
    r.fail.store(true, Ordering::SeqCst);
    let b = batch(0, 50);
    let (code, msg) = request(&s.addr, "POST", "/", &[NDJSON], &b);
    assert_eq!(code, 503, "{msg}");
    assert!(msg.contains("retry"), "{msg}");
    assert!(received_lines(&r).is_empty());
    // Vector retries the same batch once the receiver is back.
    r.fail.store(false, Ordering::SeqCst);
    assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], &b).0, 200);
    let lines = received_lines(&r);
    assert_eq!(lines.len(), 50);
    for (i, l) in lines.iter().enumerate() {
        assert!(l.contains(&format!(r#""seq":{i},"#)));
    }
    // A receiver that is not there at all.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/", closed.local_addr().expect("addr"));
    drop(closed);
    let s2 = sidecar(&url, &["--native"]);
    assert_eq!(request(&s2.addr, "POST", "/", &[NDJSON], &b).0, 503);
}

#[test]
fn malformed_batches_get_a_4xx_with_a_message() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native", "--max-body", "10000"]);
    let (code, msg) = request(
        &s.addr,
        "POST",
        "/",
        &[NDJSON, ("Content-Encoding", "gzip")],
        b"not gzip",
    );
    assert_eq!(code, 400);
    assert!(msg.contains("gzip"), "{msg}");
    let (code, msg) = request(&s.addr, "POST", "/", &[NDJSON, ("Content-Encoding", "br")], b"x");
    assert_eq!(code, 415, "{msg}");
    let (code, msg) = request(&s.addr, "POST", "/", &[NDJSON], &batch(0, 200));
    assert_eq!(code, 413, "{msg}");
    let (code, _) = request(
        &s.addr,
        "POST",
        "/",
        &[NDJSON, ("Content-Encoding", "gzip")],
        &gzip(&batch(0, 200)),
    );
    assert_eq!(
        code, 413,
        "a gzip bomb is bounded by --max-body after decompression"
    );
    assert!(received_lines(&r).is_empty());
    // Bad records inside a good batch are not a bad batch: they are tagged and delivered.
    let (code, _) = request(&s.addr, "POST", "/", &[NDJSON], b"{\"broken\":\nnot json\n");
    assert_eq!(code, 200);
    assert_eq!(received_lines(&r).len(), 2);
}

fn sigterm(s: &Sidecar) {
    assert!(Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .expect("kill")
        .success());
}

/// The sidecar's exit status, waited for at most 20 s.
fn exit_status(s: &mut Sidecar) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(st) = s.child.try_wait().expect("wait") {
            return st;
        }
        assert!(Instant::now() < deadline, "sidecar did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_finishes_and_writes_the_state() {
    let dir = crate::support::Scratch::new("serve");
    let r = receiver();
    let state = dir.join("state");
    let mut s = sidecar(&r.url, &["--native", "--state", state.to_str().expect("utf8")]);
    assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], &batch(0, 100)).0, 200);
    sigterm(&s);
    assert!(exit_status(&mut s).success());
    assert!(std::fs::metadata(&state).expect("state written").len() > 100);
    // Restored at the next start.
    let s2 = sidecar(&r.url, &["--native", "--state", state.to_str().expect("utf8")]);
    assert_eq!(request(&s2.addr, "GET", "/healthz", &[], b"").0, 200);
}

#[test]
fn sigterm_with_a_batch_in_flight_answers_it_then_stops_and_writes_the_state() {
    let r = receiver();
    // Vector's source takes 1.5 s to answer: the batch is in flight when SIGTERM comes.
    r.delay_ms.store(1500, Ordering::SeqCst);
    let state = std::env::temp_dir().join(format!("pumpguard-serve-drain-{}.state", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let mut s = sidecar(&r.url, &["--native", "--state", state.to_str().expect("utf8")]);
    // An idle kept-alive connection: the drain closes it.
    let idle = TcpStream::connect(&s.addr).expect("connect");
    let addr = s.addr.clone();
    let post = std::thread::spawn(move || request(&addr, "POST", "/", &[NDJSON], &batch(0, 50)));
    std::thread::sleep(Duration::from_millis(500));
    sigterm(&s);
    let (code, body) = post.join().expect("post");
    assert_eq!(code, 200, "the batch in flight is finished: {body}");
    assert_eq!(received_lines(&r).len(), 50);
    assert!(exit_status(&mut s).success());
    drop(idle);
    // Delivered before the stop, so the state was written and the journal emptied.
    assert!(std::fs::metadata(&state).expect("state written").len() > 100);
    let journal = format!("{}.journal", state.display());
    assert_eq!(std::fs::metadata(&journal).map(|m| m.len()).unwrap_or(0), 0);
    let _ = std::fs::remove_file(&state);
    let _ = std::fs::remove_file(&journal);
}

#[test]
fn hostile_records_in_one_batch_all_arrive_tagged() {
    let records = crate::support::hostile_records();
    let mut body = Vec::new();
    for (_, rec) in &records {
        body.extend_from_slice(rec);
        body.push(b'\n');
    }
    let r = receiver();
    let s = sidecar(&r.url, &[]); // through the component
    let (code, answer) = request(&s.addr, "POST", "/", &[NDJSON], &body);
    assert_eq!(code, 200, "{answer}");
    let received = r.bodies.lock().expect("lock").concat();
    let lines: Vec<&[u8]> = received
        .strip_suffix(b"\n")
        .unwrap_or(&received)
        .split(|b| *b == b'\n')
        .collect();
    assert_eq!(lines.len(), records.len(), "one line per record");
    for ((name, rec), line) in records.iter().zip(lines) {
        crate::support::check_hostile(name, rec, line);
    }
    // And the sidecar still serves.
    let (code, _) = request(&s.addr, "POST", "/", &[NDJSON], &batch(0, 10));
    assert_eq!(code, 200);
}

/// The demo sample in batches of 500 lines, as Vector's sink would cut it.
fn demo_batches() -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(crate::support::root().join("samples/demo.ndjson")).expect("demo");
    let lines: Vec<&str> = text.lines().collect();
    lines
        .chunks(500)
        .map(|c| {
            let mut b = c.join("\n").into_bytes();
            b.push(b'\n');
            b
        })
        .collect()
}

fn temp_state(name: &str) -> String {
    let p = std::env::temp_dir().join(format!("pumpguard-serve-{}-{name}.state", std::process::id()));
    let p = p.to_str().expect("utf8").to_string();
    let _ = std::fs::remove_file(&p);
    let _ = std::fs::remove_file(format!("{p}.journal"));
    p
}

/// What the receiver got from one uninterrupted sidecar, batch by batch.
fn uninterrupted(batches: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let r = receiver();
    let s = sidecar(&r.url, &["--native"]);
    for b in batches {
        assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
    }
    let got = r.bodies.lock().expect("lock").clone();
    assert_eq!(got.len(), batches.len());
    got
}

fn kill9(s: &mut Sidecar) {
    assert!(Command::new("kill")
        .args(["-KILL", &s.child.id().to_string()])
        .status()
        .expect("kill")
        .success());
    let _ = s.child.wait();
}

#[test]
fn sigkill_mid_stream_changes_no_verdict() {
    let batches = demo_batches();
    let expected = uninterrupted(&batches);
    // Once with the journal alone, once with snapshots taken on the way (every 1,000 records).
    for extra in [&[][..], &["--snapshot-every-records", "1000"][..]] {
        let state = temp_state(&format!("kill{}", extra.len()));
        let r = receiver();
        let args: Vec<&str> = ["--native", "--state", state.as_str()]
            .into_iter()
            .chain(extra.iter().copied())
            .collect();
        let mut s = sidecar(&r.url, &args);
        for b in &batches[..5] {
            assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
        }
        kill9(&mut s);
        assert!(std::path::Path::new(&format!("{state}.journal")).exists());
        let s = sidecar(&r.url, &args);
        for b in &batches[5..] {
            assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
        }
        let got = r.bodies.lock().expect("lock").clone();
        assert_eq!(got.len(), batches.len(), "{extra:?}");
        for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
            assert!(g == e, "{extra:?}: batch {k} differs from the uninterrupted run");
        }
        let _ = std::fs::remove_file(&state);
        let _ = std::fs::remove_file(format!("{state}.journal"));
    }
}

/// A sidecar warmed on history: `pumpguard scan --state FILE` over the first batches' lines,
/// then `serve --state FILE` for the rest gives the verdicts of one uninterrupted sidecar (the
/// README's way to start with baselines instead of cold).
#[test]
fn a_sidecar_started_on_a_state_warmed_by_scan_gives_the_verdicts_of_one_run() {
    let batches = demo_batches();
    let expected = uninterrupted(&batches);
    let state = temp_state("warmed");
    let history = format!("{state}.history.ndjson");
    std::fs::write(&history, batches[..5].concat()).expect("history");
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["scan", &history, "--native", "--quiet", "--state", &state])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("scan runs");
    assert!(out.success());
    assert!(std::path::Path::new(&state).exists(), "scan wrote the state");
    let r = receiver();
    let s = sidecar(&r.url, &["--native", "--state", state.as_str()]);
    for b in &batches[5..] {
        assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
    }
    let got = r.bodies.lock().expect("lock").clone();
    assert_eq!(got.len(), batches.len() - 5);
    for (k, (g, e)) in got.iter().zip(&expected[5..]).enumerate() {
        assert!(g == e, "batch {} differs from the uninterrupted run", k + 5);
    }
    drop(s);
    for f in [state.clone(), format!("{state}.journal"), history] {
        let _ = std::fs::remove_file(f);
    }
}

#[test]
fn a_retried_batch_is_delivered_from_its_first_scoring_not_scored_again() {
    let batches = demo_batches();
    let expected = uninterrupted(&batches);
    let r = receiver();
    let s = sidecar(&r.url, &["--native"]);
    for (k, b) in batches.iter().enumerate() {
        if k == 3 {
            // The return path is down: 503, and Vector sends the same batch again later.
            r.fail.store(true, Ordering::SeqCst);
            assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 503);
            assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 503);
            r.fail.store(false, Ordering::SeqCst);
        }
        assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
        if k == 6 {
            // Vector did not see the 200 (a timeout) and sends the batch once more.
            assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
        }
    }
    let mut got = r.bodies.lock().expect("lock").clone();
    assert_eq!(got.len(), batches.len() + 1);
    // The duplicate is the batch itself, byte for byte, as first scored.
    assert!(
        got[6] == got[7],
        "the redelivered batch equals its first delivery"
    );
    got.remove(7);
    for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert!(g == e, "batch {k} differs from the run without faults");
    }
}

#[test]
fn a_batch_pending_its_retry_survives_a_crash() {
    let batches = demo_batches();
    let expected = uninterrupted(&batches);
    let state = temp_state("pending");
    let r = receiver();
    let args = [
        "--native",
        "--state",
        state.as_str(),
        "--snapshot-every-records",
        "1000",
    ];
    let mut s = sidecar(&r.url, &args);
    for b in &batches[..4] {
        assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
    }
    // Scored, not delivered; then the sidecar dies before Vector's retry.
    r.fail.store(true, Ordering::SeqCst);
    assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], &batches[4]).0, 503);
    r.fail.store(false, Ordering::SeqCst);
    kill9(&mut s);
    let s = sidecar(&r.url, &args);
    for b in &batches[4..] {
        assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], b).0, 200);
    }
    let got = r.bodies.lock().expect("lock").clone();
    assert_eq!(got.len(), batches.len());
    for (k, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert!(g == e, "batch {k} differs from the run without faults");
    }
    let _ = std::fs::remove_file(&state);
    let _ = std::fs::remove_file(format!("{state}.journal"));
}

/// Sends raw bytes on a fresh connection and reads until the server closes it (or 15 s pass):
/// what came back, and how long it took.
fn raw_exchange(addr: &str, bytes: &[u8]) -> (String, Duration) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(15)))
        .expect("timeout");
    let start = Instant::now();
    s.write_all(bytes).expect("write");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    (String::from_utf8_lossy(&out).into_owned(), start.elapsed())
}

fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn hostile_http_gets_bounded_answers_and_the_sidecar_stays_up() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native", "--max-body", "10000"]);
    // A chunk size that would wrap a length counter (the crash the hand-written parser had):
    // hyper waits for that chunk's bytes, which stall (503).
    let (a, _) = raw_exchange(
        &s.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\nb\r\n0\r\n\r\n",
    );
    assert!(matches!(status_of(&a), 400..=499 | 503), "{a}");
    // A chunk size that is not hex.
    let (a, _) = raw_exchange(
        &s.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nb\r\n0\r\n\r\n",
    );
    assert_eq!(status_of(&a), 400, "{a}");
    // Chunks adding up past --max-body.
    let mut chunked = b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..30 {
        chunked.extend_from_slice(b"3e8\r\n");
        chunked.extend_from_slice(&[b'x'; 1000]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let (a, _) = raw_exchange(&s.addr, &chunked);
    assert_eq!(status_of(&a), 413, "{a}");
    // A head over 64 KiB.
    let mut head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ".to_vec();
    head.extend_from_slice(&[b'a'; 70_000]);
    head.extend_from_slice(b"\r\n\r\n");
    let (a, _) = raw_exchange(&s.addr, &head);
    assert_eq!(status_of(&a), 431, "{a}");
    // Not HTTP.
    let (a, _) = raw_exchange(&s.addr, b"\x16\x03\x01 hello\r\n\r\n");
    assert_eq!(status_of(&a), 400, "{a}");
    // A body that stalls: 503, which Vector retries (a 4xx makes it drop the batch).
    let (a, took) = raw_exchange(
        &s.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"a\"",
    );
    assert_eq!(status_of(&a), 503, "{a}");
    assert!(took < Duration::from_secs(14), "{took:?}");
    // A kept-alive connection: two requests answered, then closed without an answer when idle.
    let (a, took) = raw_exchange(
        &s.addr,
        b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    assert_eq!(a.matches("HTTP/1.1 200").count(), 2, "{a}");
    assert!(
        took < Duration::from_secs(14),
        "the idle connection was not closed: {took:?}"
    );
    // A head that stalls is closed the same way, without an answer.
    let (a, _) = raw_exchange(&s.addr, b"POST / HTTP/1.1\r\nContent-Le");
    assert_eq!(a, "");
    assert!(received_lines(&r).is_empty());
    assert_eq!(request(&s.addr, "POST", "/", &[NDJSON], &batch(0, 3)).0, 200);
    assert_eq!(received_lines(&r).len(), 3);
}

#[test]
fn connections_past_twice_the_concurrency_get_503() {
    let r = receiver();
    let s = sidecar(&r.url, &["--native", "--concurrency", "1"]);
    // Two idle connections use the sidecar's two places (open for 5 s before they are closed).
    let held: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(&s.addr).expect("connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let (a, _) = raw_exchange(&s.addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status_of(&a), 503, "{a}");
    assert!(a.contains("busy"), "{a}");
    drop(held);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(request(&s.addr, "GET", "/healthz", &[], b"").0, 200);
}

/// A fleet of two sidecars sharing a directory: each writes its export there at start and
/// every --shared-every-secs, and imports the other's; GET /shared exports, PUT /shared imports.
#[test]
fn a_fleet_exchanges_cross_tenant_state_through_a_shared_directory_and_over_http() {
    let dir = std::env::temp_dir().join(format!("pumpguard-shared-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let d = dir.to_str().expect("utf-8");
    let r = receiver();
    let fleet = |name: &str| {
        sidecar(
            &r.url,
            &["--instance", name, "--shared-dir", d, "--shared-every-secs", "1"],
        )
    };
    let mut a = fleet("a");
    let b = fleet("b");
    // Each wrote its export before listening.
    let (fa, fb) = (dir.join("a.pgshared"), dir.join("b.pgshared"));
    assert!(fa.is_file() && fb.is_file());
    let empty = std::fs::metadata(&fa).expect("a").len();
    for body in demo_batches() {
        let (code, msg) = request(&a.addr, "POST", "/", &[NDJSON], &body);
        assert_eq!(code, 200, "{msg}");
    }
    // a's next export carries the blocks of the demo's sends.
    let start = Instant::now();
    while std::fs::metadata(&fa).map_or(0, |m| m.len()) <= empty {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "a never exported its blocks"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let exported = std::fs::read(&fa).expect("a's export");
    // b imports changed files every second: after its next exchange it holds that export (or
    // a newer one), so the same bytes change nothing.
    std::thread::sleep(Duration::from_millis(2_500));
    let (code, msg) = request(&b.addr, "PUT", "/shared", &[], &exported);
    assert_eq!((code, msg.trim()), (200, "a: already held (same or newer)"));
    let (code, msg) = request(&b.addr, "PUT", "/shared", &[], &std::fs::read(&fb).expect("b"));
    assert_eq!(
        (code, msg.trim()),
        (200, "b: this instance's own export, skipped")
    );
    let (code, msg) = request(&b.addr, "PUT", "/shared", &[], b"PGSHARE garbage");
    assert_eq!(code, 422, "{msg}");
    // GET /shared is a's export, newer than the file: a peer takes it.
    let (code, live) = request_bytes(&a.addr, "GET", "/shared", &[], b"");
    assert_eq!(code, 200);
    assert!(live.starts_with(b"PGSHARE"), "{:?}", &live[..live.len().min(16)]);
    let (code, msg) = request(&b.addr, "PUT", "/shared", &[], &live);
    assert_eq!(code, 200, "{msg}");
    assert!(msg.starts_with("a: taken ("), "{msg}");
    // The export file reads in the CLI as well.
    let state = temp_state("shared-import");
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["state", "import-shared", "--state", &state])
        .arg(&fa)
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains(": a: taken ("));
    // A sidecar outside a fleet has no export.
    let lone = sidecar(&r.url, &[]);
    assert_eq!(request(&lone.addr, "GET", "/shared", &[], b"").0, 404);
    sigterm(&a);
    assert!(exit_status(&mut a).success());
    let _ = std::fs::remove_file(&state);
    drop(b);
    let _ = std::fs::remove_dir_all(&dir);
}
