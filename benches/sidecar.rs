//! The Vector sidecar end to end on loopback (a bench binary; numbers go to BENCHMARKS.md).
//!
//!     cargo bench --bench sidecar            # full run: the sample ×40, best of 3
//!     cargo bench --bench sidecar -- --quick # the sample ×4, one run
//!
//! A client stands in for Vector's `http` sink (batches of 1,000 lines as `vector-config/`
//! configures it, one in flight, one kept-alive connection, plain or gzip) and a receiver stands
//! in for the `http_server` source the sidecar forwards to. Records/s counts from the first batch
//! sent to the last answer received, with the sidecar already up. The baseline, in the same run:
//! `pumpguard scan` of the same lines through the same component, with its start-up subtracted.
//!
//! `PUMPGUARD_BENCH_OTHER=/path/to/pumpguard` adds rows for that binary's sidecar (a build of an
//! earlier commit, say), native core, against this one's in the same run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_pumpguard");
const BATCH: usize = 1000;

/// Reads one HTTP message head and its `Content-Length` body.
fn read_message(r: &mut impl BufRead) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    let mut len = 0usize;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                len = v.trim().parse().ok()?;
            }
        }
        head.push_str(&line);
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    Some((head, body))
}

/// The stand-in `http_server` source: counts the lines it receives, answers 200.
fn receiver() -> (String, Arc<AtomicU64>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/scored", listener.local_addr().expect("addr"));
    let lines = Arc::new(AtomicU64::new(0));
    let count = Arc::clone(&lines);
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let _ = conn.set_nodelay(true);
            let mut r = BufReader::new(conn);
            while let Some((_, body)) = read_message(&mut r) {
                count.fetch_add(
                    body.iter().filter(|&&b| b == b'\n').count() as u64,
                    Ordering::Relaxed,
                );
                if r.get_mut()
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                    .is_err()
                {
                    break;
                }
            }
        }
    });
    (url, lines)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

struct Sidecar {
    child: Child,
    addr: String,
}

impl Sidecar {
    fn start(forward: &str, native: bool, extra: &[&str]) -> Sidecar {
        Sidecar::start_bin(BIN, forward, native, extra)
    }

    fn start_bin(bin: &str, forward: &str, native: bool, extra: &[&str]) -> Sidecar {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut cmd = Command::new(bin);
        cmd.args(["serve", "--listen", &addr, "--forward", forward]);
        if native {
            cmd.arg("--native");
        }
        cmd.args(extra);
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect(&addr) {
                let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
                if answer.starts_with("HTTP/1.1 200") {
                    return Sidecar { child, addr };
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!("sidecar did not come up");
    }
}

impl Drop for Sidecar {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Posts every batch in order on one kept-alive connection; returns the seconds it took.
fn post_all(addr: &str, batches: &[Vec<u8>], gzip: bool) -> f64 {
    let stream = TcpStream::connect(addr).expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let mut conn = BufReader::new(stream);
    let encoding = if gzip { "Content-Encoding: gzip\r\n" } else { "" };
    let start = Instant::now();
    for body in batches {
        let head = format!(
            "POST /batch HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/plain\r\n{encoding}Content-Length: {}\r\n\r\n",
            body.len()
        );
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        conn.get_mut().write_all(&request).expect("send");
        let (head, _) = read_message(&mut conn).expect("answer");
        assert!(head.starts_with("HTTP/1.1 200"), "sidecar answered {head}");
    }
    start.elapsed().as_secs_f64()
}

fn scan_secs(input: &std::path::Path, native: bool) -> f64 {
    let mut cmd = Command::new(BIN);
    cmd.args(["scan", "-q"]);
    if native {
        cmd.arg("--native");
    }
    cmd.arg(input);
    let start = Instant::now();
    let status = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("scan");
    assert!(status.success());
    start.elapsed().as_secs_f64()
}

fn best(runs: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (copies, runs) = if quick { (4, 1) } else { (40, 3) };
    // This bench is the `cli/` crate's (`cli/Cargo.toml`).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is in the repository");
    let demo = std::fs::read_to_string(root.join("samples/demo.ndjson")).expect("demo");
    let lines: Vec<&str> = std::iter::repeat_n(demo.lines(), copies).flatten().collect();
    let n = lines.len();
    let plain: Vec<Vec<u8>> = lines
        .chunks(BATCH)
        .map(|c| {
            let mut b = c.join("\n").into_bytes();
            b.push(b'\n');
            b
        })
        .collect();
    let gzipped: Vec<Vec<u8>> = plain
        .iter()
        .map(|b| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b).expect("gzip");
            e.finish().expect("gzip")
        })
        .collect();
    let input = std::env::temp_dir().join(format!("pumpguard-bench-sidecar-{}.ndjson", std::process::id()));
    std::fs::write(&input, lines.join("\n") + "\n").expect("write input");
    let empty = std::env::temp_dir().join(format!("pumpguard-bench-sidecar-{}.empty", std::process::id()));
    std::fs::write(&empty, "").expect("write empty");

    let (forward, received) = receiver();
    let mut rows = Vec::new();
    for native in [false, true] {
        let scorer = if native {
            "native core"
        } else {
            "component (wasmtime)"
        };
        let scan = best(runs, || scan_secs(&input, native));
        let startup = best(runs, || scan_secs(&empty, native));
        let baseline = n as f64 / (scan - startup).max(1e-9);
        rows.push((
            format!("`pumpguard scan`, {scorer} (baseline; start-up {startup:.2} s subtracted)"),
            baseline,
            baseline,
        ));
        for gzip in [false, true] {
            let secs = best(runs, || {
                let before = received.load(Ordering::Relaxed);
                let sidecar = Sidecar::start(&forward, native, &[]);
                let t = post_all(&sidecar.addr, if gzip { &gzipped } else { &plain }, gzip);
                drop(sidecar);
                let got = received.load(Ordering::Relaxed) - before;
                assert_eq!(got, n as u64, "every record reached the receiver once");
                t
            });
            let what = if gzip { "gzip" } else { "plain NDJSON" };
            rows.push((
                format!("`pumpguard serve`, {scorer}, {what} batches of {BATCH}"),
                n as f64 / secs,
                baseline,
            ));
        }
    }
    // The journal (`--state`): every batch appended before it is scored, a snapshot every
    // 100,000 records (the defaults); and with `--sync`, flushed to the disk per batch.
    let state = std::env::temp_dir().join(format!("pumpguard-bench-sidecar-{}.state", std::process::id()));
    let state_arg = state.to_str().expect("utf8").to_string();
    let journal = format!("{state_arg}.journal");
    let plain_component = rows[1].1;
    for (what, extra) in [
        (
            "with `--state` (journal and snapshots)",
            vec!["--state", state_arg.as_str()],
        ),
        (
            "with `--state --sync`",
            vec!["--state", state_arg.as_str(), "--sync"],
        ),
    ] {
        let secs = best(runs, || {
            let _ = std::fs::remove_file(&state);
            let _ = std::fs::remove_file(&journal);
            let before = received.load(Ordering::Relaxed);
            let sidecar = Sidecar::start(&forward, false, &extra);
            let t = post_all(&sidecar.addr, &plain, false);
            drop(sidecar);
            assert_eq!(received.load(Ordering::Relaxed) - before, n as u64);
            t
        });
        rows.push((
            format!("`pumpguard serve`, component, plain NDJSON, {what} (ratio: to the same without)"),
            n as f64 / secs,
            plain_component,
        ));
    }
    if let Ok(other) = std::env::var("PUMPGUARD_BENCH_OTHER") {
        // rows[4] and rows[5]: this binary's sidecar, native core, plain and gzip.
        for (gzip, this) in [(false, rows[4].1), (true, rows[5].1)] {
            let secs = best(runs, || {
                let before = received.load(Ordering::Relaxed);
                let sidecar = Sidecar::start_bin(&other, &forward, true, &[]);
                let t = post_all(&sidecar.addr, if gzip { &gzipped } else { &plain }, gzip);
                drop(sidecar);
                assert_eq!(received.load(Ordering::Relaxed) - before, n as u64);
                t
            });
            let what = if gzip { "gzip" } else { "plain NDJSON" };
            rows.push((
                format!("`{other} serve`, native core, {what} (ratio: to this binary's)"),
                n as f64 / secs,
                this,
            ));
        }
    }
    let _ = std::fs::remove_file(&state);
    let _ = std::fs::remove_file(&journal);
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&empty);

    println!("{n} records (samples/demo.ndjson ×{copies}), best of {runs}, loopback, one batch in flight\n");
    println!("| path | records/s | ratio to the scan baseline of the same scorer |\n|---|---:|---:|");
    for (what, rate, base) in rows {
        println!("| {what} | {rate:.0} | {:.2} |", rate / base);
    }
}
