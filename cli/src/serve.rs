//! `pumpguard serve`: the Vector sidecar (Vector has no wasm transform).
//!
//! Vector's `http` sink POSTs NDJSON batches here (`framing: newline_delimited`, optionally
//! gzip); each batch is scored in order and POSTed to Vector's `http_server` source, and the sink
//! is answered **only after** that POST returned 2xx (503 otherwise, so Vector retries: at least
//! once, nothing lost). `GET`/`HEAD /healthz` answers 200. No scoring logic lives here.
//!
//! Two decisions shape it:
//! - **HTTP is hyper's.** The server and the client to Vector's source are hyper 1 over HTTP/1.1
//!   with keep-alive, on one current-thread tokio runtime: the sidecar listens on loopback beside
//!   one Vector, so one thread moves the bytes, and scoring (CPU, and file writes with `--state`)
//!   runs on tokio's blocking threads. What stays ours is what a batch means: `batch.rs` (decode,
//!   split; fuzzed) and `delivery.rs` (journal, score once, remember until delivered).
//! - **Every limit is explicit**: request heads (`MAX_HEAD`), bodies before and after gzip
//!   (`--max-body`), batches in flight (`--concurrency`), open connections (twice that), idle and
//!   stalled connections (`IDLE`), the forward (`FORWARD_TIMEOUT`), the drain at SIGTERM
//!   (`DRAIN`). Memory is bounded by them whatever a client sends.

use std::convert::Infallible;
use std::net::ToSocketAddrs;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Uri};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::Semaphore;

use crate::batch::{self, Fail};
use crate::delivery::{Core, Durability};
use crate::scorer::Scorer;

/// Sidecar settings.
pub struct ServeOpts {
    /// Address to listen on.
    pub listen: String,
    /// Vector `http_server` source URL (`http://host:port/path`).
    pub forward: String,
    /// Largest accepted batch body, before and after decompression.
    pub max_body: usize,
    /// Batches handled at once; more wait. Connections beyond twice this get 503.
    pub concurrency: usize,
    /// The state file and its snapshots.
    pub durability: Durability,
    /// This instance's name in a fleet: names its shared-state export (GET /shared).
    pub instance: Option<String>,
    /// A directory the fleet shares: exports are exchanged through it.
    pub shared_dir: Option<String>,
    /// How often they are.
    pub shared_every: Duration,
}

/// Longest request head (request line and headers): 431 beyond.
const MAX_HEAD: usize = 64 << 10;
/// A kept-alive connection idle this long is closed without an answer (an answer then could meet
/// the request the client sends at that moment, which would take it for that request's answer).
/// A request head that stalls this long is closed the same way; a body that stalls gets 503.
const IDLE: Duration = Duration::from_secs(5);
/// The POST to Vector's source, answer included.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(30);
/// Pooled connections to Vector's source idle longer than this are closed.
const POOL_IDLE: Duration = Duration::from_secs(30);
/// At SIGTERM, how long batches in flight get to finish (a forward, plus a stalled body).
const DRAIN: Duration = Duration::from_secs(45);
/// Largest answer read from Vector's source (it answers with an empty body).
const MAX_ANSWER: usize = 64 << 10;

/// What every request handler shares.
struct Sidecar {
    core: Arc<Mutex<Core>>,
    client: Client<HttpConnector, Full<Bytes>>,
    forward: Uri,
    max_body: usize,
    /// One permit per batch in flight.
    batches: Semaphore,
    /// This instance's name in a fleet.
    instance: Option<String>,
}

/// Largest shared-state export read from --shared-dir.
const MAX_EXPORT: u64 = 256 << 20;

/// Runs the sidecar until SIGTERM or SIGINT; then finishes the batches in flight and writes the
/// state snapshot. `scorer` is fresh: the state file and its journal are read here.
pub fn serve(scorer: Scorer, opts: ServeOpts) -> Result<(), String> {
    let forward = parse_forward(&opts.forward)?;
    let core = Arc::new(Mutex::new(Core::open(scorer, &opts.durability)?));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .max_blocking_threads(opts.concurrency.max(1) + 1)
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let result = runtime.block_on(run(Arc::clone(&core), forward, &opts));
    // Waits for scoring still running on the blocking threads.
    drop(runtime);
    result?;
    let mut core = core.lock().map_err(|_| "scorer poisoned".to_string())?;
    core.close()
}

/// `--forward`: an `http://` URL whose host resolves now (a typo fails at start, not per batch).
fn parse_forward(url: &str) -> Result<Uri, String> {
    let uri: Uri = url.parse().map_err(|e| format!("--forward {url}: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("--forward must be an http:// URL".into());
    }
    let host = uri.host().ok_or("--forward needs a host")?;
    let port = uri.port_u16().unwrap_or(80);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (host, port)
        .to_socket_addrs()
        .map_err(|e| format!("--forward {host}: {e}"))?
        .next()
        .ok_or_else(|| format!("--forward {host}: no address"))?;
    Ok(uri)
}

async fn run(core: Arc<Mutex<Core>>, forward: Uri, opts: &ServeOpts) -> Result<(), String> {
    let listener =
        std::net::TcpListener::bind(&opts.listen).map_err(|e| format!("--listen {}: {e}", opts.listen))?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| e.to_string())?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    let mut term = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut int = signal(SignalKind::interrupt()).map_err(|e| e.to_string())?;
    let client = Client::builder(TokioExecutor::new())
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(POOL_IDLE)
        .pool_max_idle_per_host(opts.concurrency.max(1))
        .build_http();
    let concurrency = opts.concurrency.max(1);
    let exchange = match (&opts.shared_dir, &opts.instance) {
        (Some(dir), Some(name)) => {
            let mut x = Exchange::new(dir, name)?;
            // The first exchange before any batch: a bad name or directory fails the start.
            let c = Arc::clone(&core);
            x = tokio::task::spawn_blocking(move || x.run(&c).map(|()| x))
                .await
                .map_err(|e| e.to_string())??;
            let (c, every) = (Arc::clone(&core), opts.shared_every);
            Some(tokio::spawn(async move {
                let mut tick = tokio::time::interval(every);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                tick.tick().await;
                let mut x = Some(x);
                loop {
                    tick.tick().await;
                    let Some(mut ex) = x.take() else { break };
                    let c = Arc::clone(&c);
                    x = tokio::task::spawn_blocking(move || {
                        if let Err(e) = ex.run(&c) {
                            eprintln!("pumpguard serve: shared state: {e}");
                        }
                        ex
                    })
                    .await
                    .ok();
                }
            }))
        }
        _ => None,
    };
    let sidecar = Arc::new(Sidecar {
        core: Arc::clone(&core),
        client,
        forward,
        max_body: opts.max_body,
        batches: Semaphore::new(concurrency),
        instance: opts.instance.clone(),
    });
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(IDLE)
        .max_header_size(MAX_HEAD)
        .keep_alive(true);
    let mut busy = http.clone();
    busy.keep_alive(false);
    let open = Arc::new(AtomicUsize::new(0));
    let graceful = GracefulShutdown::new();
    eprintln!(
        "pumpguard serve: listening on {local}, forwarding to {}",
        opts.forward
    );

    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    eprintln!("pumpguard serve: accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = term.recv() => break,
            _ = int.recv() => break,
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(stream);
        let guard = Open::new(&open);
        if guard.count > 2 * concurrency {
            let conn = busy.serve_connection(
                io,
                service_fn(|_| async { Ok::<_, Infallible>(answer(503, "busy, retry\n".into())) }),
            );
            tokio::spawn(async move {
                let _ = conn.await;
                drop(guard);
            });
            continue;
        }
        let sidecar = Arc::clone(&sidecar);
        let conn = http.serve_connection(
            io,
            service_fn(move |req| {
                let sidecar = Arc::clone(&sidecar);
                async move { Ok::<_, Infallible>(handle(&sidecar, req).await) }
            }),
        );
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(guard);
        });
    }
    drop(listener);
    eprintln!("pumpguard serve: stopping; finishing batches in flight");
    if tokio::time::timeout(DRAIN, graceful.shutdown()).await.is_err() {
        eprintln!(
            "pumpguard serve: batches still in flight after {} s; their clients retry",
            DRAIN.as_secs()
        );
    }
    if let Some(task) = exchange {
        task.abort();
        // The last export, so peers see this instance's blocks up to its stop.
        if let (Some(dir), Some(name)) = (&opts.shared_dir, &opts.instance) {
            let mut x = Exchange::new(dir, name)?;
            let c = Arc::clone(&core);
            let _ = tokio::task::spawn_blocking(move || x.export(&c)).await;
        }
    }
    Ok(())
}

/// Exchanges through a shared directory: this instance's export is `DIR/NAME.pgshared`
/// (written beside and renamed over, so a reader never sees half of it); every other
/// `*.pgshared` there is imported when it changed since the last look.
struct Exchange {
    dir: std::path::PathBuf,
    name: String,
    seen: std::collections::HashMap<std::path::PathBuf, (std::time::SystemTime, u64)>,
}

impl Exchange {
    fn new(dir: &str, name: &str) -> Result<Exchange, String> {
        let dir = std::path::PathBuf::from(dir);
        if !dir.is_dir() {
            return Err(format!("--shared-dir {}: not a directory", dir.display()));
        }
        Ok(Exchange {
            dir,
            name: name.to_string(),
            seen: Default::default(),
        })
    }

    fn export(&mut self, core: &Mutex<Core>) -> Result<(), String> {
        let bytes = core
            .lock()
            .map_err(|_| "scorer poisoned".to_string())?
            .export_shared(&self.name)?
            .map_err(|e| format!("--instance: {e}"))?;
        let path = self.dir.join(format!("{}.pgshared", self.name));
        crate::journal::write_atomically(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn run(&mut self, core: &Mutex<Core>) -> Result<(), String> {
        self.export(core)?;
        let own = format!("{}.pgshared", self.name);
        let mut files: Vec<_> = std::fs::read_dir(&self.dir)
            .map_err(|e| format!("{}: {e}", self.dir.display()))?
            .filter_map(Result::ok)
            .map(|d| d.path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "pgshared") && p.file_name().is_some_and(|n| *n != *own)
            })
            .collect();
        files.sort();
        for path in files {
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            let stamp = (meta.modified().unwrap_or(std::time::UNIX_EPOCH), meta.len());
            if self.seen.get(&path) == Some(&stamp) {
                continue;
            }
            self.seen.insert(path.clone(), stamp);
            if meta.len() > MAX_EXPORT {
                eprintln!(
                    "pumpguard serve: {}: over {MAX_EXPORT} bytes, skipped",
                    path.display()
                );
                continue;
            }
            let bytes = match std::fs::read(&path) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("pumpguard serve: {}: {e}", path.display());
                    continue;
                }
            };
            let result = core
                .lock()
                .map_err(|_| "scorer poisoned".to_string())?
                .import_shared(&bytes)?;
            if let Err(why) = result {
                eprintln!("pumpguard serve: {}: refused: {why}", path.display());
            }
        }
        Ok(())
    }
}

/// Counts open connections while it lives.
struct Open {
    open: Arc<AtomicUsize>,
    count: usize,
}

impl Open {
    fn new(open: &Arc<AtomicUsize>) -> Open {
        let count = open.fetch_add(1, Ordering::SeqCst) + 1;
        Open {
            open: Arc::clone(open),
            count,
        }
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

fn answer(status: u16, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    r.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

async fn handle(sidecar: &Sidecar, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let (code, body) = match (req.method(), req.uri().path()) {
        (&Method::GET | &Method::HEAD, "/healthz") => (200, "ok\n".to_string()),
        (&Method::POST, "/healthz") => (405, "healthz is GET or HEAD\n".to_string()),
        (&Method::GET, "/shared") => return shared_export(sidecar).await,
        (&Method::PUT, "/shared") => match shared_import(sidecar, req).await {
            Ok(what) => (200, what + "\n"),
            Err(Fail(c, m)) => (c, m + "\n"),
        },
        (&Method::POST, _) => match handle_batch(sidecar, req).await {
            Ok(n) => (200, format!("{n} records\n")),
            Err(Fail(c, m)) => (c, m + "\n"),
        },
        (&Method::GET | &Method::HEAD, _) => (
            404,
            "not found (POST batches to any path; GET /healthz; GET and PUT /shared)\n".to_string(),
        ),
        _ => (405, "method not allowed\n".to_string()),
    };
    answer(code, body)
}

/// GET /shared: this instance's shared-state export.
async fn shared_export(sidecar: &Sidecar) -> Response<Full<Bytes>> {
    let Some(name) = sidecar.instance.clone() else {
        return answer(404, "no --instance: this sidecar is not in a fleet\n".into());
    };
    let core = Arc::clone(&sidecar.core);
    let result = tokio::task::spawn_blocking(move || -> Result<Result<Vec<u8>, String>, String> {
        core.lock()
            .map_err(|_| "scorer poisoned".to_string())?
            .export_shared(&name)
    })
    .await;
    match result {
        Ok(Ok(Ok(bytes))) => {
            let mut r = Response::new(Full::new(Bytes::from(bytes)));
            r.headers_mut().insert(
                CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("application/octet-stream"),
            );
            r
        }
        Ok(Ok(Err(why))) => answer(422, format!("{why}\n")),
        Ok(Err(e)) => answer(503, format!("{e}\n")),
        Err(e) => answer(503, format!("{e}\n")),
    }
}

/// PUT /shared: a peer's export to import.
async fn shared_import(sidecar: &Sidecar, req: Request<Incoming>) -> Result<String, Fail> {
    let body = read_body(req.into_body(), sidecar.max_body).await?;
    let core = Arc::clone(&sidecar.core);
    tokio::task::spawn_blocking(move || {
        core.lock()
            .map_err(|_| Fail(503, "scorer unavailable".into()))?
            .import_shared(&body)
            .map_err(|e| Fail(503, e))?
            .map_err(|why| Fail(422, format!("refused: {why}")))
    })
    .await
    .map_err(|e| Fail(503, format!("import stopped: {e}")))?
}

/// One batch: read, decoded, scored (or taken from its first scoring), forwarded; the number of
/// records.
async fn handle_batch(sidecar: &Sidecar, req: Request<Incoming>) -> Result<usize, Fail> {
    let max = sidecar.max_body;
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(len) = declared.filter(|&len| len > max as u64) {
        return Err(Fail(
            413,
            format!("batch of {len} bytes is over --max-body ({max})"),
        ));
    }
    let encoding = match req.headers().get(CONTENT_ENCODING).map(|v| v.to_str()) {
        None => None,
        Some(Ok(e)) => Some(e.to_string()),
        Some(Err(_)) => return Err(Fail(415, "Content-Encoding is not ASCII".into())),
    };
    let _permit = sidecar
        .batches
        .acquire()
        .await
        .map_err(|_| Fail(503, "shutting down, retry".into()))?;
    let body = read_body(req.into_body(), max).await?;
    let core = Arc::clone(&sidecar.core);
    let scored = tokio::task::spawn_blocking(move || -> Result<Option<(u128, Bytes, usize)>, Fail> {
        let decoded = batch::decode(encoding.as_deref(), &body, max)?;
        let n = batch::record_count(&decoded);
        if n == 0 {
            return Ok(None);
        }
        let mut core = core.lock().map_err(|_| Fail(503, "scorer unavailable".into()))?;
        let (digest, out) = core.score(&decoded)?;
        Ok(Some((digest, out, n)))
    })
    .await
    .map_err(|e| Fail(503, format!("scoring stopped: {e}")))??;
    let Some((digest, out, n)) = scored else {
        return Ok(0);
    };
    forward(sidecar, out)
        .await
        .map_err(|e| Fail(503, format!("not delivered, retry: {e}")))?;
    let core = Arc::clone(&sidecar.core);
    // A snapshot may be due: a file write, so off the I/O thread.
    tokio::task::spawn_blocking(move || {
        if let Ok(mut core) = core.lock() {
            core.delivered(digest);
        }
    })
    .await
    .map_err(|e| Fail(503, format!("scoring stopped: {e}")))?;
    Ok(n)
}

/// The request body, at most `max` bytes; a body that stalls for `IDLE` is given up.
async fn read_body(mut body: Incoming, max: usize) -> Result<Vec<u8>, Fail> {
    let mut out = Vec::new();
    loop {
        let frame = match tokio::time::timeout(IDLE, body.frame()).await {
            Err(_) => return Err(Fail(503, "the body stalled, retry".into())),
            Ok(None) => return Ok(out),
            Ok(Some(Err(e))) if e.is_incomplete_message() => {
                return Err(Fail(503, format!("the body ended early ({e}), retry")))
            }
            Ok(Some(Err(e))) => return Err(Fail(400, format!("malformed body: {}", chain(&e)))),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > max {
                return Err(Fail(413, format!("batch is over --max-body ({max})")));
            }
            out.extend_from_slice(&data);
        }
    }
}

/// POSTs the scored batch to Vector's source; Ok only on 2xx.
async fn forward(sidecar: &Sidecar, out: Bytes) -> Result<(), String> {
    let mut req = Request::new(Full::new(out));
    *req.method_mut() = Method::POST;
    *req.uri_mut() = sidecar.forward.clone();
    req.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/x-ndjson"),
    );
    let exchange = async {
        let resp = sidecar
            .client
            .request(req)
            .await
            .map_err(|e| format!("{}: {}", sidecar.forward, chain(&e)))?;
        let status = resp.status();
        // Read the answer so the connection goes back to the pool.
        let _ = Limited::new(resp.into_body(), MAX_ANSWER).collect().await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("{} answered {status}", sidecar.forward))
        }
    };
    tokio::time::timeout(FORWARD_TIMEOUT, exchange)
        .await
        .map_err(|_| {
            format!(
                "{}: no answer in {} s",
                sidecar.forward,
                FORWARD_TIMEOUT.as_secs()
            )
        })?
}

/// An error and its sources, one line.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        s += &format!(": {cause}");
        source = cause.source();
    }
    s
}
