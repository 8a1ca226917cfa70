//! `pumpguard`: the command-line host and the Vector sidecar (crate `pumpguard-cli`). It reads
//! NDJSON, calls the core (`pumpguard`, the repository's `src/`), writes NDJSON; all scoring
//! lives in the core, all traffic generation in `pumpguard-sim`.
//!
//! Two decisions shape the crate:
//!
//! * **It scores through the WebAssembly component by default** (`scorer.rs`,
//!   `component_host.rs`: wasmtime), so the CLI exercises the same artefact Vector's sidecar and
//!   users load; `--native` links the core in instead (feature `component-host` off: only that).
//! * **The sidecar delivers at least once and never loses a batch** (`serve.rs` on hyper,
//!   `delivery.rs`, `journal.rs`, `batch.rs`): a batch is journalled before it is scored and
//!   answered only after Vector's source took it, so a crash or a retry replays it from its first
//!   scoring.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use args::{Cli, Command, ConfigSource};
use clap::{CommandFactory, Parser};
use pumpguard::{Config, Engine, IncidentSummary};
use pumpguard_sim::{evaluate, traffic as sim};

/// `println!` that returns an error instead of panicking when stdout is gone (a closed pipe:
/// `pumpguard version | head -1`).
macro_rules! out {
    ($($t:tt)*) => {
        writeln!(io::stdout(), $($t)*).map_err(|e| format!("stdout: {e}"))?
    };
}

mod args;
#[cfg(feature = "sidecar")]
mod batch;
#[cfg(feature = "component-host")]
mod component_host;
#[cfg(feature = "sidecar")]
mod delivery;
// The sidecar's journal; `scan --state` reads a sidecar's state file with it too.
#[cfg_attr(not(feature = "sidecar"), allow(dead_code))]
mod journal;
mod processed;
mod scorer;
#[cfg(feature = "sidecar")]
mod serve;

use scorer::{Kind, Scorer};

fn load_config(o: &ConfigSource, monitor_only: bool) -> Result<Config, String> {
    let mut cfg = match &o.config {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            Config::from_json(&bytes).map_err(|e| format!("{path}: {e}"))?
        }
        None => Config::default(),
    };
    if let Some(p) = &o.profile {
        let mut patch = serde_json::to_value(&cfg).map_err(|e| e.to_string())?;
        patch["profile"] = serde_json::Value::String(p.clone());
        cfg = serde_json::from_value(patch).map_err(|e| e.to_string())?;
    }
    cfg.monitor_only |= monitor_only;
    Ok(cfg)
}

fn open_input(path: Option<&str>) -> Result<(Box<dyn BufRead>, Option<u64>), String> {
    match path {
        None | Some("-") => Ok((Box::new(BufReader::with_capacity(1 << 16, io::stdin())), None)),
        Some(p) => {
            let f = File::open(p).map_err(|e| format!("{p}: {e}"))?;
            let size = f.metadata().ok().map(|m| m.len());
            Ok((Box::new(BufReader::with_capacity(1 << 16, f)), size))
        }
    }
}

/// Calls `each` with every line (without its line ending). Lines need not be UTF-8.
fn for_each_line(mut input: impl BufRead, mut each: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
    let mut line = Vec::with_capacity(4096);
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(());
        }
        let mut end = line.len();
        if end > 0 && line[end - 1] == b'\n' {
            end -= 1;
        }
        if end > 0 && line[end - 1] == b'\r' {
            end -= 1;
        }
        each(&line[..end])?;
    }
}

struct Progress {
    on: bool,
    start: Instant,
    last: Instant,
    total: Option<u64>,
    bytes: u64,
}

impl Progress {
    fn tick(&mut self, lines: u64, len: usize) {
        self.bytes += len as u64 + 1;
        if !self.on || lines % 4096 != 0 || self.last.elapsed().as_millis() < 500 {
            return;
        }
        self.last = Instant::now();
        let rate = lines as f64 / self.start.elapsed().as_secs_f64().max(1e-9);
        let pct = self
            .total
            .map(|t| format!(" {:5.1}%", self.bytes as f64 * 100.0 / t.max(1) as f64))
            .unwrap_or_default();
        eprint!("\r{lines} lines{pct}, {rate:.0} lines/s ");
    }
    fn done(&self) {
        if self.on {
            eprint!("\r\x1b[K");
        }
    }
}

/// Lines per call into the scorer (and at most `BATCH_BYTES` of them).
const BATCH_LINES: usize = 512;
const BATCH_BYTES: usize = 4 << 20;

struct Totals {
    lines: u64,
    scored: u64,
    alerts: u64,
}

fn scan(o: &args::Scan) -> Result<ExitCode, String> {
    let cfg = load_config(&o.config, o.monitor_only)?;
    let mut scorer = Scorer::new(cfg, o.native)?;
    restore_state(&mut scorer, o.state.as_deref())?;
    let (input, size) = open_input(o.input.as_deref())?;
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut progress = Progress {
        on: !o.quiet && io::stderr().is_terminal(),
        start: Instant::now(),
        last: Instant::now(),
        total: size,
        bytes: 0,
    };
    let mut ocsf = match &o.ocsf {
        Some(path) => Some(BufWriter::new(
            File::create(path).map_err(|e| format!("{path}: {e}"))?,
        )),
        None => None,
    };
    let mut totals = Totals {
        lines: 0,
        scored: 0,
        alerts: 0,
    };
    let mut batch: Vec<Vec<u8>> = Vec::with_capacity(BATCH_LINES);
    let mut batch_bytes = 0;
    let mut failure: Option<String> = None;
    let mut flush = |batch: &mut Vec<Vec<u8>>,
                     out: &mut BufWriter<_>,
                     totals: &mut Totals|
     -> io::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        // Blank lines stay blank and are not sent to the scorer.
        let records: Vec<Vec<u8>> = batch
            .iter()
            .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
            .cloned()
            .collect();
        let mut results = match scorer.score_batch(&records) {
            Ok(r) => r.into_iter(),
            Err(e) => return Err(io::Error::other(e)),
        };
        for line in batch.drain(..) {
            if line.iter().all(u8::is_ascii_whitespace) {
                out.write_all(&line)?;
                out.write_all(b"\n")?;
                continue;
            }
            let Some(p) = results.next() else {
                return Err(io::Error::other(
                    "scorer returned fewer records than it was given",
                ));
            };
            out.write_all(&p.output)?;
            out.write_all(b"\n")?;
            if p.kind == Kind::Scored {
                totals.scored += 1;
                totals.alerts += u64::from(p.alert);
            }
            if let (true, Some(w), Some(id)) = (p.alert, ocsf.as_mut(), p.incident.as_deref()) {
                let incident = scorer.incident(id).map_err(io::Error::other)?;
                if let Some(inc) = incident {
                    let model = scorer.model().map_err(io::Error::other)?;
                    let at = pumpguard::time::parse(&inc.last_seen).unwrap_or(0);
                    serde_json::to_writer(&mut *w, &pumpguard::ocsf::detection_finding(&inc, &model, at))?;
                    w.write_all(b"\n")?;
                }
            }
        }
        Ok(())
    };
    let result = for_each_line(input, |line| {
        totals.lines += 1;
        progress.tick(totals.lines, line.len());
        batch_bytes += line.len();
        batch.push(line.to_vec());
        if batch.len() >= BATCH_LINES || batch_bytes >= BATCH_BYTES {
            batch_bytes = 0;
            flush(&mut batch, &mut out, &mut totals)?;
        }
        Ok(())
    })
    .and_then(|()| flush(&mut batch, &mut out, &mut totals));
    progress.done();
    let result = result.and_then(|()| ocsf.as_mut().map_or(Ok(()), |w| w.flush()));
    match result.and_then(|()| out.flush()) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Err(e) => failure = Some(e.to_string()),
    }
    if let Some(e) = failure {
        return Err(format!("scan stopped: {e}"));
    }
    if let Some(path) = &o.state {
        std::fs::write(path, scorer.snapshot()?).map_err(|e| format!("{path}: {e}"))?;
    }
    let incidents = scorer.incidents()?;
    let text = report_text(&incidents, totals.lines, totals.scored, totals.alerts);
    match &o.report {
        Some(path) if path.ends_with(".json") => {
            let json = serde_json::to_string_pretty(&incidents).map_err(|e| e.to_string())?;
            std::fs::write(path, json + "\n").map_err(|e| format!("{path}: {e}"))?;
        }
        Some(path) => std::fs::write(path, text).map_err(|e| format!("{path}: {e}"))?,
        None if !o.quiet => eprint!("{text}"),
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Restores `--state` into the scorer when the file exists (a bad file means a cold start).
fn restore_state(scorer: &mut Scorer, path: Option<&str>) -> Result<(), String> {
    let Some(path) = path else { return Ok(()) };
    match std::fs::read(path) {
        Ok(bytes) => {
            // A sidecar's state file carries a header (`journal`); its snapshot restores here too.
            if let Err(e) = scorer.restore(journal::decode_state(&bytes).1)? {
                eprintln!("pumpguard: {path}: {e}; starting cold");
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => eprintln!("pumpguard: {path}: {e}; starting cold"),
    }
    Ok(())
}

#[cfg(feature = "sidecar")]
fn serve_cmd(o: &args::Serve) -> Result<ExitCode, String> {
    let forward = o.forward.clone();
    let scorer = Scorer::new(load_config(&o.config, false)?, o.native)?;
    serve::serve(
        scorer,
        serve::ServeOpts {
            listen: o.listen.clone(),
            forward,
            max_body: o.max_body,
            concurrency: usize::from(o.concurrency),
            durability: delivery::Durability {
                state: o.state.clone(),
                snapshot_every_records: o.snapshot_every_records,
                snapshot_every_secs: o.snapshot_every_secs,
                sync: o.sync,
            },
            instance: o.instance.clone(),
            shared_dir: o.shared_dir.clone(),
            shared_every: std::time::Duration::from_secs(o.shared_every_secs),
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

fn report_text(incidents: &[IncidentSummary], lines: u64, scored: u64, alerts: u64) -> String {
    let mut s = format!(
        "pumpguard: {lines} lines, {scored} SMS records scored, {alerts} alerts, {} incidents\n",
        incidents.len()
    );
    for i in incidents {
        s += &format!(
            "\nINCIDENT {}  [{}{}]\n  tenant {}  country {}  block {}\n  first {}  last {}\n  sends {}  estimated cost {:.2} USD  alerts {}\n  reasons: {}\n",
            i.id,
            i.level.as_str(),
            if i.open { ", open" } else { "" },
            i.tenant,
            i.country,
            i.block,
            i.first_seen,
            i.last_seen,
            i.sends,
            i.estimated_cost_usd,
            i.alerts,
            i.top_reasons.join(", ")
        );
    }
    s
}

fn coverage(o: &args::Coverage) -> Result<ExitCode, String> {
    let cfg = load_config(&o.config, false)?;
    let mut engine = Engine::new(cfg).map_err(|e| e.to_string())?;
    let (input, _) = open_input(o.input.as_deref())?;
    for_each_line(input, |line| {
        if !line.iter().all(u8::is_ascii_whitespace) {
            engine.score(line, None);
        }
        Ok(())
    })
    .map_err(|e| format!("i/o error: {e}"))?;
    let report = engine.coverage_report();
    let c = engine.coverage();
    if o.json {
        let v =
            serde_json::json!({"profiles": report, "unparsed_records": c.unparsed, "other_records": c.other});
        out!("{}", serde_json::to_string_pretty(&v).map_err(|e| e.to_string())?);
        return Ok(ExitCode::SUCCESS);
    }
    out!(
        "pumpguard coverage: {} unparsed record(s), {} record(s) of no SMS profile",
        c.unparsed,
        c.other
    );
    for p in report {
        out!(
            "\n== {} ({} SMS records, {} conversion records)",
            p.profile,
            p.sms_records,
            p.conversion_records
        );
        let fields: Vec<String> = p
            .fields
            .iter()
            .map(|(f, s)| format!("{f} {:.0}%", s * 100.0))
            .collect();
        out!("   fields: {}", fields.join(", "));
        for (field, from) in &p.read_from {
            let from: Vec<String> = from.iter().map(|(name, n)| format!("{name} ({n})")).collect();
            out!("   {field} read from: {}", from.join(", "));
        }
        for s in p.signals {
            out!(
                "   {} {:<24} {}",
                if s.runs { "[ok]     " } else { "[BLIND]  " },
                s.signal,
                s.why
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn config_cmd(c: &args::ConfigCmd) -> Result<ExitCode, String> {
    let Some(path) = &c.check else {
        out!(
            "{}",
            serde_json::to_string_pretty(&Config::default()).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    };
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let cfg = Config::from_json(&bytes).map_err(|e| format!("{path}: {e}"))?;
    match Engine::new(cfg) {
        Ok(_) => {
            out!("{path}: ok");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprint!("{path}: {e}");
            Ok(ExitCode::from(2))
        }
    }
}

fn version(native: bool) -> Result<ExitCode, String> {
    let engine = Engine::new(Config::default()).map_err(|e| e.to_string())?;
    out!("pumpguard {}", pumpguard::VERSION);
    out!("data {}", engine.data_versions());
    out!(
        "state bound {} bytes (default limits)",
        engine.state_bytes_bound()
    );
    #[cfg(feature = "component-host")]
    out!("component {}", component_host::component_path().display());
    match Scorer::new(Config::default(), native) {
        Ok(mut s) => out!("scorer {} ({})", s.model()?, s.describe()),
        Err(e) => out!("scorer unavailable: {e}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn simulate_cmd(o: &args::Simulate) -> Result<ExitCode, String> {
    let lines = sim::simulate(&o.sim.settings());
    std::fs::create_dir_all(&o.out).map_err(|e| format!("{}: {e}", o.out))?;
    let write = |name: &str, f: &dyn Fn(&sim::Line) -> String| -> Result<(), String> {
        let path = std::path::Path::new(&o.out).join(name);
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut w = BufWriter::new(file);
        for l in &lines {
            writeln!(w, "{}", f(l)).map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())
    };
    write("traffic.ndjson", &|l| l.text.clone())?;
    write("labels.ndjson", &|l| {
        serde_json::to_string(&l.label).unwrap_or_default()
    })?;
    let sms = lines.iter().filter(|l| l.label.kind == "sms").count();
    let attack = lines
        .iter()
        .filter(|l| l.label.kind == "sms" && l.label.attack.is_some())
        .count();
    eprintln!(
        "pumpguard: {} lines ({sms} SMS sends, {attack} of them attack sends) in {}/traffic.ndjson, labels in {}/labels.ndjson",
        lines.len(),
        o.out,
        o.out
    );
    Ok(ExitCode::SUCCESS)
}

fn evaluate_cmd(o: &args::Evaluate) -> Result<ExitCode, String> {
    let cfg = match &o.config {
        Some(path) => {
            let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
            Config::from_json(&bytes).map_err(|e| format!("{path}: {e}"))?
        }
        None => Config::default(),
    };
    let mut engines = (0..o.instances)
        .map(|_| Engine::new(cfg.clone()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let (texts, labels): (Vec<String>, Vec<sim::Label>) = match (&o.traffic, &o.labels) {
        (Some(t), Some(l)) => {
            let texts: Vec<String> = std::fs::read_to_string(t)
                .map_err(|e| format!("{t}: {e}"))?
                .lines()
                .map(str::to_owned)
                .collect();
            let labels = std::fs::read_to_string(l)
                .map_err(|e| format!("{l}: {e}"))?
                .lines()
                .enumerate()
                .map(|(i, line)| sim::Label::parse(line).map_err(|e| format!("{l}:{}: {e}", i + 1)))
                .collect::<Result<Vec<_>, _>>()?;
            if texts.len() != labels.len() {
                return Err(format!("{t} has {} lines, {l} {}", texts.len(), labels.len()));
            }
            (texts, labels)
        }
        (None, None) => sim::simulate(&o.sim.settings())
            .into_iter()
            .map(|l| (l.text, l.label))
            .unzip(),
        _ => return Err("--traffic and --labels go together".into()),
    };
    let split = match o.split {
        args::FleetSplit::Key => evaluate::Split::Key,
        args::FleetSplit::RoundRobin => evaluate::Split::RoundRobin,
    };
    let report = evaluate::evaluate_fleet(
        &mut engines,
        split,
        o.exchange_secs.map(|s| s as i64 * 1000),
        texts.iter().map(String::as_str).zip(labels.iter()),
    );
    if o.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
    } else {
        write!(io::stdout(), "{}", evaluate::markdown(&report)).map_err(|e| format!("stdout: {e}"))?;
    }
    let missed = report.targets.iter().filter(|t| !t.met).count();
    if o.check && missed > 0 {
        eprintln!("pumpguard: {missed} quality target(s) missed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `pumpguard state export-shared | import-shared`: a state file in, the same file out (a
/// sidecar's keeps its header).
fn state_cmd(o: &args::StateCmd) -> Result<ExitCode, String> {
    let (path, config, native) = match o {
        args::StateCmd::ExportShared {
            state,
            config,
            native,
            ..
        }
        | args::StateCmd::ImportShared {
            state,
            config,
            native,
            ..
        } => (state, config, *native),
    };
    let mut scorer = Scorer::new(load_config(config, false)?, native)?;
    let (seq, sidecar) = match std::fs::read(path) {
        Ok(bytes) => {
            let (seq, snap) = journal::decode_state(&bytes);
            scorer.restore(snap)?.map_err(|e| format!("{path}: {e}"))?;
            (seq, snap.len() != bytes.len())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound && matches!(o, args::StateCmd::ImportShared { .. }) => {
            (0, false)
        }
        Err(e) => return Err(format!("{path}: {e}")),
    };
    let mut refused = 0;
    match o {
        args::StateCmd::ExportShared { instance, out, .. } => {
            let bytes = scorer
                .export_shared(instance)?
                .map_err(|e| format!("--instance: {e}"))?;
            match out {
                Some(f) => journal::write_atomically(std::path::Path::new(f), &bytes)
                    .map_err(|e| format!("{f}: {e}"))?,
                None => io::stdout()
                    .lock()
                    .write_all(&bytes)
                    .map_err(|e| format!("stdout: {e}"))?,
            }
        }
        args::StateCmd::ImportShared { exports, .. } => {
            for f in exports {
                let bytes = std::fs::read(f).map_err(|e| format!("{f}: {e}"))?;
                match scorer.import_shared(&bytes)? {
                    Ok(what) => eprintln!("pumpguard: {f}: {what}"),
                    Err(why) => {
                        refused += 1;
                        eprintln!("pumpguard: {f}: refused: {why}");
                    }
                }
            }
        }
    }
    let snap = scorer.snapshot()?;
    let bytes = if sidecar {
        journal::encode_state(seq, &snap)
    } else {
        snap
    };
    journal::write_atomically(std::path::Path::new(path), &bytes).map_err(|e| format!("{path}: {e}"))?;
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn key_cmd(o: &args::Key) -> Result<ExitCode, String> {
    let engine = Engine::new(load_config(&o.config, false)?).map_err(|e| e.to_string())?;
    let (input, _) = open_input(o.input.as_deref())?;
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let mut buf = Vec::new();
    let result = for_each_line(input, |line| {
        let key = engine.partition_key(line);
        buf.clear();
        match (&o.field, o.partitions, key) {
            (Some(field), _, Some(key)) => {
                let body = line.trim_ascii_end();
                let end = body.len() - 1; // a keyed record is a JSON object
                buf.extend_from_slice(&body[..end]);
                let empty = body[..end].trim_ascii_end().ends_with(b"{");
                let pair = serde_json::to_string(&serde_json::json!({ field.as_str(): key }))
                    .map_err(io::Error::other)?;
                if !empty {
                    buf.push(b',');
                }
                buf.extend_from_slice(&pair.as_bytes()[1..]);
            }
            (Some(_), _, None) => buf.extend_from_slice(line),
            (None, Some(n), Some(key)) => buf.extend_from_slice(
                pumpguard::partition::kafka_partition(&key, n)
                    .to_string()
                    .as_bytes(),
            ),
            (None, Some(_), None) => buf.push(b'-'),
            (None, None, key) => buf.extend_from_slice(key.unwrap_or_default().as_bytes()),
        }
        buf.push(b'\n');
        out.write_all(&buf)
    })
    .and_then(|()| out.flush());
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(format!("stdout: {e}")),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        _ if cli.version => version(false),
        None => version(false),
        Some(Command::Scan(o)) => scan(o),
        Some(Command::Coverage(o)) => coverage(o),
        #[cfg(feature = "sidecar")]
        Some(Command::Serve(o)) => serve_cmd(o),
        Some(Command::Config(c)) => config_cmd(c),
        Some(Command::Version(v)) => version(v.native),
        Some(Command::Simulate(o)) => simulate_cmd(o),
        Some(Command::Evaluate(o)) => evaluate_cmd(o),
        Some(Command::Key(o)) => key_cmd(o),
        Some(Command::State(o)) => state_cmd(o),
        Some(Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "pumpguard", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Man) => clap_mangen::Man::new(Cli::command())
            .render(&mut io::stdout())
            .map(|()| ExitCode::SUCCESS)
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("pumpguard: {e}");
            ExitCode::from(2)
        }
    }
}
