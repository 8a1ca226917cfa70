//! The filter behind the export: settings, the engine, periodic snapshots, one record at a time.
//! Safe code only; `abi` turns Fluent Bit's pointers into the slices used here.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pumpguard::verdict::{Level, Verdict, code};
use pumpguard::{Config, Engine, json, write_unscored};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The settings file, looked up in every directory Fluent Bit preopens (`accessible_paths`).
pub const SETTINGS_FILE: &str = "pumpguard-fluent-bit.json";

/// Output buffers above this are given back after the record that needed them.
const KEEP_OUTPUT_BYTES: usize = 1 << 20;

/// `pumpguard-fluent-bit.json`. Every field is optional; unknown fields are refused.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// pumpguard's configuration (as `pumpguard config --defaults` prints it); defaults if absent.
    #[serde(default)]
    pub pumpguard: Option<Box<RawValue>>,
    /// Where the state snapshot is written and, at start, restored from. Must be inside an
    /// `accessible_paths` directory. No snapshots when absent.
    #[serde(default)]
    pub state_path: Option<PathBuf>,
    /// Write a snapshot after this many records (default 100,000).
    #[serde(default = "default_every_records")]
    pub snapshot_every_records: u64,
    /// ... or when this many seconds passed since the last one (default 300).
    #[serde(default = "default_every_secs")]
    pub snapshot_every_secs: u64,
    /// Top-level string field naming the route of each record pumpguard tagged: `alerts` (the
    /// record opened or escalated an incident), `review` (level medium and up), `rejected` (not
    /// scored) or `archive`. Fluent Bit's `rewrite_tag` and `grep` match strings only, not the
    /// verdict's boolean `alert`. Default `pumpguard_route`; `null` leaves records without it.
    #[serde(default = "default_route_key")]
    pub route_key: Option<String>,
    /// `score` (the default) tags every SMS-related record with its verdict. `partition_key`
    /// scores nothing: it adds the record's partition key (`Engine::partition_key`, what
    /// `pumpguard key` prints) as the top-level string field `partition_field`, for a producer
    /// pipeline whose `kafka` output keys the topic by it (`message_key_field`); records without
    /// a key pass unchanged. No snapshots in that mode.
    #[serde(default)]
    pub mode: Mode,
    /// The field `mode: partition_key` writes. Default `pumpguard_partition`.
    #[serde(default = "default_partition_field")]
    pub partition_field: String,
}

/// `Settings::mode`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Score and tag.
    #[default]
    Score,
    /// Add the partition key only.
    PartitionKey,
}

fn default_partition_field() -> String {
    PARTITION_FIELD.to_owned()
}

/// The default `partition_field`.
pub const PARTITION_FIELD: &str = "pumpguard_partition";

fn default_route_key() -> Option<String> {
    Some(ROUTE_KEY.to_owned())
}

/// The default `route_key`.
pub const ROUTE_KEY: &str = "pumpguard_route";

/// The route of a tagged record (see `Settings::route_key`).
fn route(v: &Verdict) -> &'static str {
    match v.level {
        _ if v.alert => "alerts",
        Level::Unknown => "rejected",
        Level::Medium | Level::High | Level::Critical => "review",
        _ => "archive",
    }
}

fn default_every_records() -> u64 {
    100_000
}

fn default_every_secs() -> u64 {
    300
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            pumpguard: None,
            state_path: None,
            snapshot_every_records: default_every_records(),
            snapshot_every_secs: default_every_secs(),
            route_key: default_route_key(),
            mode: Mode::Score,
            partition_field: default_partition_field(),
        }
    }
}

/// What the export hands back to Fluent Bit.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer<'a> {
    /// The host's own NUL-terminated copy of the record, unchanged.
    Record,
    /// A NUL-terminated JSON object in the filter's buffer, valid until the next call.
    Buffer(&'a [u8]),
}

/// One filter instance: Fluent Bit instantiates the module once per `[FILTER]` and calls it for
/// every record, so this lives for the life of the pipeline.
pub struct Filter {
    /// The engine, or why there is none (every record is then tagged `config_error`).
    engine: Result<Engine, String>,
    settings: Settings,
    since_snapshot: u64,
    last_snapshot: Instant,
    out: Vec<u8>,
}

/// Reads the settings from the first of `dirs` that has the file.
fn load_settings(dirs: &[PathBuf]) -> Result<(Settings, Option<PathBuf>), String> {
    for dir in dirs {
        let path = dir.join(SETTINGS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let settings =
                    serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
                return Ok((settings, Some(path)));
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Ok((Settings::default(), None))
}

fn build_engine(settings: &Settings) -> Result<Engine, String> {
    let cfg = match &settings.pumpguard {
        Some(raw) => Config::from_json(raw.get().as_bytes()).map_err(|e| e.to_string())?,
        None => Config::default(),
    };
    Engine::new(cfg).map_err(|e| e.to_string())
}

impl Filter {
    /// Never fails: a bad settings file or configuration leaves the filter passing every record
    /// through with a `config_error` tag (and a line on stderr, which Fluent Bit shows).
    pub fn new(dirs: &[PathBuf]) -> Filter {
        let (settings, engine) = match load_settings(dirs) {
            Ok((settings, _)) => {
                let engine = build_engine(&settings);
                (settings, engine)
            }
            Err(e) => (Settings::default(), Err(e)),
        };
        let mut engine = engine;
        match &mut engine {
            Err(e) => eprintln!("pumpguard: configuration refused, records pass unscored: {e}"),
            Ok(engine) => {
                if let Some(path) = &settings.state_path {
                    restore(engine, path);
                }
            }
        }
        Filter {
            engine,
            settings,
            since_snapshot: 0,
            last_snapshot: Instant::now(),
            out: Vec::new(),
        }
    }

    /// Scores one record and says what to hand back. `record` is `None` when the host passed no
    /// bytes; `terminated` says that a NUL follows them, as `filter_wasm` writes one after its
    /// copy. `time` is Fluent Bit's event time (seconds, nanoseconds), used only when the record
    /// carries no time of its own.
    ///
    /// Fluent Bit encodes every record it passes as JSON itself, so a record whose bytes show it
    /// cannot be SMS-related is handed back as it came, without a parse or a copy
    /// (`Engine::passes_unread`): most records of a shared pipeline are such records.
    pub fn process(&mut self, record: Option<&[u8]>, terminated: bool, time: (u32, u32)) -> Answer<'_> {
        if let (Mode::PartitionKey, Some(r), Ok(engine)) = (self.settings.mode, record, &self.engine) {
            let Some(key) = engine.partition_key(r) else {
                let object = !pumpguard::profiles::may_have_profile(r) || json::Obj::parse(r).is_ok();
                if terminated && !r.contains(&0) && object {
                    return Answer::Record;
                }
                // Fluent Bit drops what is not one JSON object: kept whole, tagged, as when
                // scoring.
                self.out.clear();
                write_unscored(r, code::UNPARSED, "not a JSON object".into(), &mut self.out);
                self.out.push(0);
                return Answer::Buffer(&self.out);
            };
            // A keyed record parsed as one JSON object: it ends in `}` once trimmed.
            self.out.clear();
            self.out.extend_from_slice(r.trim_ascii_end());
            self.out.pop();
            if self.out.trim_ascii_end().last() != Some(&b'{') {
                self.out.push(b',');
            }
            json::write_str(&mut self.out, &self.settings.partition_field);
            self.out.push(b':');
            json::write_str(&mut self.out, &key);
            self.out.push(b'}');
            self.out.push(0);
            return Answer::Buffer(&self.out);
        }
        if let (Some(r), Ok(engine)) = (record, &mut self.engine) {
            // Ends in `}`: the buffer path drops trailing whitespace, and the answer is the same.
            if terminated && r.last() == Some(&b'}') && !r.contains(&0) && engine.passes_unread(r) {
                self.maybe_snapshot();
                return Answer::Record;
            }
        }
        Answer::Buffer(self.process_into_buffer(record, time))
    }

    fn process_into_buffer(&mut self, record: Option<&[u8]>, time: (u32, u32)) -> &[u8] {
        if self.out.capacity() > KEEP_OUTPUT_BYTES {
            self.out = Vec::new();
        }
        self.out.clear();
        let fallback = (time.0 != 0).then(|| i64::from(time.0) * 1000 + i64::from(time.1 / 1_000_000));
        let route = match (record, &mut self.engine) {
            (None, _) => {
                write_unscored(
                    b"{}",
                    code::NO_RECORD,
                    "the host passed no record bytes".into(),
                    &mut self.out,
                );
                Some("rejected")
            }
            (Some(r), Err(e)) => {
                write_unscored(r, code::CONFIG_ERROR, e.clone(), &mut self.out);
                Some("rejected")
            }
            (Some(r), Ok(engine)) => engine.process(r, fallback, &mut self.out).verdict().map(route),
        };
        // Fluent Bit reads up to the first NUL and drops anything that is not an object.
        let first = self.out.iter().find(|b| !b.is_ascii_whitespace());
        let route = if first != Some(&b'{') || self.out.last() != Some(&b'}') || self.out.contains(&0) {
            let original = record.unwrap_or_default().to_vec();
            self.out.clear();
            write_unscored(
                &original,
                code::UNPARSED,
                "not a JSON object".into(),
                &mut self.out,
            );
            Some("rejected")
        } else {
            route
        };
        if let (Some(route), Some(key)) = (route, &self.settings.route_key) {
            self.out.pop();
            self.out.push(b',');
            json::write_str(&mut self.out, key);
            self.out.push(b':');
            json::write_str(&mut self.out, route);
            self.out.push(b'}');
        }
        self.out.push(0);
        self.maybe_snapshot();
        &self.out
    }

    fn maybe_snapshot(&mut self) {
        let Some(path) = &self.settings.state_path else {
            return;
        };
        let Ok(engine) = &self.engine else {
            return;
        };
        self.since_snapshot += 1;
        let due = self.since_snapshot >= self.settings.snapshot_every_records
            || self.last_snapshot.elapsed() >= Duration::from_secs(self.settings.snapshot_every_secs);
        if due {
            if let Err(e) = write_snapshot(path, &engine.snapshot()) {
                eprintln!("pumpguard: state snapshot to {} failed: {e}", path.display());
            }
            self.since_snapshot = 0;
            self.last_snapshot = Instant::now();
        }
    }

    /// Writes a snapshot now (when `state_path` is set).
    pub fn snapshot_now(&mut self) -> Result<(), String> {
        match (&self.settings.state_path, &self.engine) {
            (Some(path), Ok(engine)) => write_snapshot(path, &engine.snapshot()).map_err(|e| e.to_string()),
            _ => Ok(()),
        }
    }
}

fn restore(engine: &mut Engine, path: &Path) {
    match std::fs::read(path) {
        Ok(bytes) => {
            if let Err(e) = engine.restore(&bytes) {
                eprintln!(
                    "pumpguard: state snapshot {} not restored ({e}); starting cold",
                    path.display()
                );
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => eprintln!(
            "pumpguard: state snapshot {} not read ({e}); starting cold",
            path.display()
        ),
    }
}

/// Written beside and renamed over, so a crash mid-write leaves the previous snapshot whole.
fn write_snapshot(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
