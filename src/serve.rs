//! `pumpguard serve`: the Vector sidecar (Vector has no wasm transform).
//!
//! Vector's `http` sink POSTs NDJSON batches here (`framing: newline_delimited`, optionally
//! gzip); each batch is scored in order and POSTed to Vector's `http_server` source, and the sink
//! is answered **only after** that POST returned 2xx (503 otherwise, so Vector retries: at least
//! once, nothing lost). `GET`/`HEAD /healthz` answers 200. Plain HTTP/1.1 on std sockets: the
//! sidecar listens on loopback next to Vector. No scoring logic lives here.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::http::{decode_body, read_request, respond, split_ndjson, Fail, Request};
use crate::scorer::Scorer;

/// Sidecar settings.
pub struct ServeOpts {
    /// Address to listen on.
    pub listen: String,
    /// Vector `http_server` source URL (`http://host:port/path`).
    pub forward: String,
    /// Largest accepted batch body, after decompression.
    pub max_body: usize,
    /// Connections handled at once; more wait, beyond twice that they get 503.
    pub concurrency: usize,
    /// Where to write the state snapshot at shutdown.
    pub state: Option<String>,
}

const IDLE: Duration = Duration::from_secs(5);
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);

/// `http://host:port/path` → (address, host header, path).
fn parse_url(url: &str) -> Result<(SocketAddr, String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("--forward must be an http:// URL")?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = host
        .to_socket_addrs()
        .map_err(|e| format!("--forward {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("--forward {host}: no address"))?;
    Ok((addr, host.to_string(), path.to_string()))
}

/// POSTs the scored batch downstream; Ok only on 2xx.
fn forward(target: &(SocketAddr, String, String), body: &[u8]) -> Result<(), String> {
    let (addr, host, path) = target;
    let mut s =
        TcpStream::connect_timeout(addr, FORWARD_TIMEOUT).map_err(|e| format!("connect {addr}: {e}"))?;
    s.set_read_timeout(Some(FORWARD_TIMEOUT))
        .map_err(|e| e.to_string())?;
    s.set_write_timeout(Some(FORWARD_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let _ = s.set_nodelay(true);
    // Head and body in one write (see `respond`).
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-ndjson\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    s.write_all(&request)
        .and_then(|()| s.flush())
        .map_err(|e| format!("send to {addr}: {e}"))?;
    let mut status = String::new();
    BufReader::new(&mut s)
        .take(1024)
        .read_line(&mut status)
        .map_err(|e| format!("read from {addr}: {e}"))?;
    let code: u16 = status
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    if (200..300).contains(&code) {
        Ok(())
    } else {
        Err(format!("downstream answered {:?}", status.trim_end()))
    }
}

fn handle_batch(
    req: &Request,
    scorer: &Mutex<Scorer>,
    target: &(SocketAddr, String, String),
    max_body: usize,
) -> Result<String, Fail> {
    let body = decode_body(req, max_body)?;
    let records = split_ndjson(&body);
    if records.is_empty() {
        return Ok("0 records\n".into());
    }
    let scored = {
        let mut s = scorer
            .lock()
            .map_err(|_| Fail(503, "scorer unavailable".into()))?;
        s.score_batch(&records)
            .map_err(|e| Fail(503, format!("scorer failed: {e}")))?
    };
    if scored.len() != records.len() {
        return Err(Fail(503, "scorer returned a different number of records".into()));
    }
    let mut out = Vec::with_capacity(body.len() + records.len() * 400);
    for p in &scored {
        out.extend_from_slice(&p.output);
        out.push(b'\n');
    }
    forward(target, &out).map_err(|e| Fail(503, format!("not delivered, retry: {e}")))?;
    Ok(format!("{} records\n", records.len()))
}

fn handle_connection(
    stream: TcpStream,
    scorer: &Mutex<Scorer>,
    target: &(SocketAddr, String, String),
    opts_max: usize,
    stop: &AtomicBool,
) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let req = match read_request(&mut reader, opts_max) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(Fail(code, msg)) => {
                let _ = respond(&mut writer, code, &(msg + "\n"), false, false);
                return;
            }
        };
        let head = req.method == "HEAD";
        let (code, body) = match (req.method.as_str(), req.path.as_str()) {
            ("GET" | "HEAD", "/healthz") => (200, "ok\n".to_string()),
            ("POST", "/healthz") => (405, "healthz is GET or HEAD\n".to_string()),
            ("POST", _) => match handle_batch(&req, scorer, target, opts_max) {
                Ok(b) => (200, b),
                Err(Fail(c, m)) => (c, m + "\n"),
            },
            ("GET" | "HEAD", _) => (
                404,
                "not found (POST batches to any path; GET /healthz)\n".to_string(),
            ),
            _ => (405, "method not allowed\n".to_string()),
        };
        let keep = req.keep_alive && !stop.load(Ordering::Relaxed);
        if respond(&mut writer, code, &body, keep, head).is_err() || !keep {
            return;
        }
    }
}

/// Runs the sidecar until SIGTERM or SIGINT; then finishes the batches in flight and writes the
/// state snapshot.
pub fn serve(scorer: Scorer, opts: ServeOpts) -> Result<(), String> {
    let target = Arc::new(parse_url(&opts.forward)?);
    let listener = TcpListener::bind(&opts.listen).map_err(|e| format!("--listen {}: {e}", opts.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&stop)).map_err(|e| e.to_string())?;
    }
    eprintln!(
        "pumpguard serve: listening on {local}, forwarding to {}",
        opts.forward
    );
    let scorer = Arc::new(Mutex::new(scorer));
    let workers = opts.concurrency.max(1);
    let (tx, rx) = sync_channel::<TcpStream>(workers);
    let rx = Arc::new(Mutex::new(rx));
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let (rx, scorer, target, stop) = (
                Arc::clone(&rx),
                Arc::clone(&scorer),
                Arc::clone(&target),
                Arc::clone(&stop),
            );
            let max = opts.max_body;
            std::thread::spawn(move || worker(&rx, &scorer, &target, max, &stop))
        })
        .collect();
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((s, _)) => {
                let _ = s.set_nonblocking(false);
                if let Err(TrySendError::Full(mut s) | TrySendError::Disconnected(mut s)) = tx.try_send(s) {
                    let _ = respond(&mut s, 503, "busy, retry\n", false, false);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    eprintln!("pumpguard serve: stopping; finishing batches in flight");
    drop(tx);
    for h in handles {
        let _ = h.join();
    }
    if let Some(path) = &opts.state {
        let snap = scorer
            .lock()
            .map_err(|_| "scorer poisoned".to_string())?
            .snapshot()?;
        std::fs::write(path, snap).map_err(|e| format!("{path}: {e}"))?;
        eprintln!("pumpguard serve: state written to {path}");
    }
    Ok(())
}

fn worker(
    rx: &Mutex<Receiver<TcpStream>>,
    scorer: &Mutex<Scorer>,
    target: &(SocketAddr, String, String),
    max: usize,
    stop: &AtomicBool,
) {
    loop {
        let next = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        match next {
            Ok(stream) => handle_connection(stream, scorer, target, max, stop),
            Err(_) => return, // the listener is gone: shut down
        }
    }
}
