//! `pumpguard serve`: the Vector sidecar (Vector has no wasm transform).
//!
//! Vector's `http` sink POSTs NDJSON batches here (`framing: newline_delimited`, optionally
//! gzip); each batch is scored in order and POSTed to Vector's `http_server` source, and the sink
//! is answered **only after** that POST returned 2xx (503 otherwise, so Vector retries: at least
//! once, nothing lost). `GET`/`HEAD /healthz` answers 200. Plain HTTP/1.1 on std sockets: the
//! sidecar listens on loopback next to Vector. No scoring logic lives here.
//!
//! Two decisions shape it:
//! - **Crash-safe state** (`journal`): with `--state`, every batch is appended to a journal
//!   before it is scored, and a snapshot that names the last batch it holds replaces the journal
//!   every `--snapshot-every-records` records or `--snapshot-every-secs` seconds. After SIGKILL
//!   the restart restores the snapshot and scores the journal's batches again: no verdict moves.
//! - **Idempotent retries**: the scored output of the last batches is kept by a digest of the
//!   decoded body. A batch that comes again (Vector retrying after a 503, a timeout or a lost
//!   answer) is delivered from that output, not scored again, so a redelivery changes no state
//!   and raises no alert. Bounded by `RECENT_BATCHES` batches and `RECENT_BYTES` bytes.

use std::collections::{HashMap, VecDeque};
use std::hash::Hasher;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use siphasher::sip128::{Hasher128, SipHasher13};

use crate::http::{decode_body, read_request, respond, split_ndjson, Fail, Request};
use crate::journal::{self, Journal};
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
    /// The state snapshot: restored at start, written every `snapshot_every_*` and at shutdown;
    /// its journal is `<state>.journal`.
    pub state: Option<String>,
    /// Snapshot after this many records scored since the last one.
    pub snapshot_every_records: u64,
    /// ... or after this many seconds, whichever comes first.
    pub snapshot_every_secs: u64,
    /// `fdatasync` the journal after every batch (survives power loss, not only a crash).
    pub sync: bool,
}

/// Batches whose scored output is kept for a retry.
pub const RECENT_BATCHES: usize = 16;
/// How long a batch answered 503 waits for its retry before snapshots go on without it (the
/// shipped sink gives up retrying after 30 s).
const PENDING_FOR: Duration = Duration::from_secs(600);
/// ... and at most this many bytes of it.
pub const RECENT_BYTES: usize = 64 << 20;

/// The scored output of the last batches, by digest of the decoded body.
struct Recent {
    batches: VecDeque<(u128, Arc<Vec<u8>>)>,
    bytes: usize,
}

impl Recent {
    fn get(&self, digest: u128) -> Option<Arc<Vec<u8>>> {
        self.batches
            .iter()
            .find(|(d, _)| *d == digest)
            .map(|(_, o)| Arc::clone(o))
    }

    fn insert(&mut self, digest: u128, out: Arc<Vec<u8>>) {
        self.bytes += out.len();
        self.batches.push_back((digest, out));
        while self.batches.len() > RECENT_BATCHES || (self.bytes > RECENT_BYTES && self.batches.len() > 1) {
            if let Some((_, o)) = self.batches.pop_front() {
                self.bytes -= o.len();
            }
        }
    }
}

fn digest(body: &[u8]) -> u128 {
    let mut h = SipHasher13::new_with_keys(0x6261_7463_6864_6967, 0x7075_6d70_6775_6172);
    h.write(body);
    h.finish128().as_u128()
}

/// The scorer and what makes it durable, behind one lock: batches are journaled, scored and
/// remembered in one order.
struct Core {
    scorer: Scorer,
    recent: Recent,
    /// Batches scored but not yet delivered downstream, and since when: no snapshot replaces the
    /// journal while one waits for its retry (at most `PENDING_FOR`, and while its output is
    /// still kept).
    pending: HashMap<u128, Instant>,
    durable: Option<Durable>,
}

struct Durable {
    state: PathBuf,
    journal: Journal,
    since_records: u64,
    since: Instant,
    every_records: u64,
    every: Duration,
}

impl Core {
    /// The scored output of `body`: remembered, or scored now (journaled first).
    fn score(&mut self, body: &[u8]) -> Result<Arc<Vec<u8>>, Fail> {
        let d = digest(body);
        if let Some(out) = self.recent.get(d) {
            return Ok(out);
        }
        if let Some(j) = &mut self.durable {
            j.journal.append(body).map_err(|e| {
                Fail(
                    503,
                    format!("journal {}: {e}; not scored, retry", j.journal.path().display()),
                )
            })?;
        }
        let out = Arc::new(self.score_records(body)?);
        if let Some(j) = &mut self.durable {
            j.since_records += split_ndjson(body).len() as u64;
        }
        self.recent.insert(d, Arc::clone(&out));
        self.pending.insert(d, Instant::now());
        Ok(out)
    }

    fn score_records(&mut self, body: &[u8]) -> Result<Vec<u8>, Fail> {
        let records = split_ndjson(body);
        let scored = self
            .scorer
            .score_batch(&records)
            .map_err(|e| Fail(503, format!("scorer failed: {e}")))?;
        if scored.len() != records.len() {
            return Err(Fail(503, "scorer returned a different number of records".into()));
        }
        let mut out = Vec::with_capacity(body.len() + records.len() * 400);
        for p in &scored {
            out.extend_from_slice(&p.output);
            out.push(b'\n');
        }
        Ok(out)
    }

    /// The batch was delivered: a snapshot may now replace the journal.
    fn delivered(&mut self, body_digest: u128) {
        self.pending.remove(&body_digest);
        let recent = &self.recent;
        self.pending
            .retain(|d, since| since.elapsed() < PENDING_FOR && recent.get(*d).is_some());
        let due = self.durable.as_ref().is_some_and(|j| {
            j.since_records > 0 && (j.since_records >= j.every_records || j.since.elapsed() >= j.every)
        });
        if due && self.pending.is_empty() {
            if let Err(e) = self.snapshot() {
                eprintln!("pumpguard serve: {e}; the journal keeps the batches");
            }
        }
    }

    /// Writes the snapshot (naming the journal's last batch), then empties the journal.
    fn snapshot(&mut self) -> Result<(), String> {
        let Some(j) = &mut self.durable else {
            return Ok(());
        };
        let snap = self.scorer.snapshot()?;
        let bytes = journal::encode_state(j.journal.last_seq(), &snap);
        journal::write_atomically(&j.state, &bytes)
            .map_err(|e| format!("state {}: {e}", j.state.display()))?;
        j.journal
            .clear()
            .map_err(|e| format!("journal {}: {e}", j.journal.path().display()))?;
        j.since_records = 0;
        j.since = Instant::now();
        Ok(())
    }
}

/// The journal beside `state`.
pub fn journal_path(state: &str) -> PathBuf {
    PathBuf::from(format!("{state}.journal"))
}

/// Restores the state file (a bad one means a cold start) and replays its journal.
fn open_durable(
    scorer: &mut Scorer,
    recent: &mut Recent,
    opts: &ServeOpts,
) -> Result<Option<Durable>, String> {
    let Some(state) = &opts.state else {
        return Ok(None);
    };
    let mut seq = 0;
    match std::fs::read(state) {
        Ok(bytes) => {
            let (s, snap) = journal::decode_state(&bytes);
            match scorer.restore(snap)? {
                Ok(()) => seq = s,
                Err(e) => eprintln!("pumpguard serve: {state}: {e}; starting cold"),
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => eprintln!("pumpguard serve: {state}: {e}; starting cold"),
    }
    let path = journal_path(state);
    let opened =
        Journal::open(&path, seq, opts.sync).map_err(|e| format!("journal {}: {e}", path.display()))?;
    if opened.cut > 0 {
        eprintln!(
            "pumpguard serve: {}: cut {} bytes of a batch never answered",
            path.display(),
            opened.cut
        );
    }
    let mut since_records = 0;
    let replayed = opened.replay.len();
    for (_, body) in &opened.replay {
        let records = split_ndjson(body);
        since_records += records.len() as u64;
        let scored = scorer.score_batch(&records)?;
        let mut out = Vec::new();
        for p in &scored {
            out.extend_from_slice(&p.output);
            out.push(b'\n');
        }
        recent.insert(digest(body), Arc::new(out));
    }
    if replayed > 0 {
        eprintln!(
            "pumpguard serve: replayed {replayed} batches ({since_records} records) from {}",
            path.display()
        );
    }
    Ok(Some(Durable {
        state: PathBuf::from(state),
        journal: opened.journal,
        since_records,
        since: Instant::now(),
        every_records: opts.snapshot_every_records.max(1),
        every: Duration::from_secs(opts.snapshot_every_secs),
    }))
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
    core: &Mutex<Core>,
    target: &(SocketAddr, String, String),
    max_body: usize,
) -> Result<String, Fail> {
    let body = decode_body(req, max_body)?;
    let n = split_ndjson(&body).len();
    if n == 0 {
        return Ok("0 records\n".into());
    }
    let lock = || core.lock().map_err(|_| Fail(503, "scorer unavailable".into()));
    let out = lock()?.score(&body)?;
    forward(target, &out).map_err(|e| Fail(503, format!("not delivered, retry: {e}")))?;
    lock()?.delivered(digest(&body));
    Ok(format!("{n} records\n"))
}

fn handle_connection(
    stream: TcpStream,
    scorer: &Mutex<Core>,
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
/// state snapshot. `scorer` is fresh: the state file and its journal are read here.
pub fn serve(mut scorer: Scorer, opts: ServeOpts) -> Result<(), String> {
    let target = Arc::new(parse_url(&opts.forward)?);
    let mut recent = Recent {
        batches: VecDeque::new(),
        bytes: 0,
    };
    let durable = open_durable(&mut scorer, &mut recent, &opts)?;
    let core = Core {
        scorer,
        recent,
        pending: HashMap::new(),
        durable,
    };
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
    let scorer = Arc::new(Mutex::new(core));
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
        let mut core = scorer.lock().map_err(|_| "scorer poisoned".to_string())?;
        if core.pending.is_empty() {
            core.snapshot()?;
            eprintln!("pumpguard serve: state written to {path}");
        } else {
            // Its retry may come to the next start: the journal (complete) restores the state and
            // the batch's output, so it is delivered again, not scored again.
            eprintln!(
                "pumpguard serve: {} batch(es) not delivered yet; the state stays in {path} and its journal",
                core.pending.len()
            );
        }
    }
    Ok(())
}

fn worker(
    rx: &Mutex<Receiver<TcpStream>>,
    scorer: &Mutex<Core>,
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
