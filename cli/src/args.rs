//! The command line, declared once with clap: parsing, `--help` per subcommand, the shell
//! completions (`pumpguard completions SHELL`) and the man page (`pumpguard man`) all come from
//! these definitions.

use clap::{Args, Parser, Subcommand, ValueHint};
use pumpguard_sim::traffic as sim;

/// Detect SMS pumping (SMS toll fraud, ATT&CK T1496.003, DET0156) in SaaS SMS logs.
///
/// Every SMS-related record of an NDJSON stream is enriched with a score, a level, an action,
/// the reasons and an alert flag on the record that opens an incident; every other line passes
/// through unchanged.
#[derive(Parser, Debug)]
#[command(
    name = "pumpguard",
    version,
    arg_required_else_help = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// Versions, data tables, the component's path and the scorer in use (as `pumpguard version`).
    #[arg(short = 'V', long = "version")]
    pub version: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Score NDJSON: every line to stdout, in order, enriched where it is SMS-related.
    ///
    /// One output line per input line. The incident summary goes to stderr, or to --report FILE
    /// (JSON if FILE ends in .json). Records are scored by the WebAssembly component
    /// (wasm32-wasip2, hosted by wasmtime; its path is in `pumpguard version`, override it with
    /// $PUMPGUARD_COMPONENT); --native scores with the core linked into this binary.
    Scan(Scan),
    /// The Vector sidecar: score NDJSON batches from Vector's http sink and forward them.
    ///
    /// Accepts batches (optionally gzip) on --listen, scores them in order, POSTs them to
    /// Vector's http_server source at --forward, and answers the sink only after that POST
    /// returned 2xx (503 otherwise, so Vector retries). GET/HEAD /healthz answers 200. A batch
    /// that comes again (a retry) is delivered from its first scoring, not scored again. With
    /// --state, each batch is appended to FILE.journal before it is scored, and FILE is rewritten
    /// every --snapshot-every-records records or --snapshot-every-secs seconds: a restart after a
    /// crash or SIGKILL restores FILE and replays the journal. SIGTERM/SIGINT finish the batches
    /// in flight and write --state.
    #[cfg(feature = "sidecar")]
    Serve(Serve),
    /// Which DET0156 telemetry the logs carry, per profile, and which signals cannot run.
    Coverage(Coverage),
    /// Print the default configuration, or check a file and list every problem.
    Config(ConfigCmd),
    /// Versions, data tables, the component's path, and the scorer in use.
    Version(VersionCmd),
    /// Write seeded, labelled traffic: DIR/traffic.ndjson and DIR/labels.ndjson.
    ///
    /// Eight tenants in every input profile, legitimate surprises, ten kinds of pumping attack;
    /// one label per line, in the same order. Every scenario's size, duration, start and
    /// conversion are drawn per seed from ranges; --sweep multiplies families of them.
    Simulate(Simulate),
    /// Detection quality of pumpguard and two baseline rules on the same labelled stream.
    ///
    /// The baselines are a static count threshold and Authgear's conversion rule. The stream is
    /// simulated in memory from the seed unless files are given. Reports per attack detection,
    /// time to detect, share flagged and alerts per incident; false positives per legitimate
    /// scenario; the quality targets. Markdown on stdout (--json for JSON).
    Evaluate(Evaluate),
    /// The partition key of every line, for key-affinity scale-out (Kafka `key_field`).
    ///
    /// One output line per input line: the record's tenant, or for a record without one its
    /// profile and source identity (`aws_sns/111122223333`); an empty line for a record that
    /// is not SMS-related (it may go to any partition). Records with one key must be scored by
    /// one instance. --partitions N prints the partition librdkafka's default partitioner
    /// (`consistent_random`: CRC-32 of the key modulo N) puts it in instead; --field NAME
    /// writes each record with the key added as NAME.
    Key(Key),
    /// Cross-tenant state shared by a fleet of instances: export-shared, import-shared.
    #[command(subcommand)]
    State(StateCmd),
    /// Print shell completions for SHELL to stdout.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) to stdout, e.g. `pumpguard man > pumpguard.1`.
    Man,
}

/// Where the configuration comes from, shared by the commands that score.
#[derive(Args, Debug, Clone, Default)]
pub struct ConfigSource {
    /// Configuration file (JSON; `pumpguard config --defaults` prints every field).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<String>,
    /// Read every record as this input profile instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
}

/// `pumpguard key`.
#[derive(Args, Debug)]
pub struct Key {
    /// NDJSON input; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub input: Option<String>,
    #[command(flatten)]
    pub config: ConfigSource,
    /// Print the partition (0..N) instead of the key; `-` for a record without a key.
    #[arg(long, value_name = "N", conflicts_with = "field", value_parser = clap::value_parser!(u32).range(1..))]
    pub partitions: Option<u32>,
    /// Write each record with its key added as the top-level field NAME (records without a
    /// key unchanged).
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
}

/// `pumpguard scan`.
#[derive(Args, Debug)]
pub struct Scan {
    /// NDJSON input; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub input: Option<String>,
    #[command(flatten)]
    pub config: ConfigSource,
    /// Monitor-only mode: every action becomes `monitor` (levels and reasons as usual).
    #[arg(long)]
    pub monitor_only: bool,
    /// Score with the core linked into this binary instead of the WebAssembly component.
    #[arg(long)]
    pub native: bool,
    /// Write the incident summary to FILE (JSON if FILE ends in .json) instead of stderr.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub report: Option<String>,
    /// Restore state from FILE if it exists and save it there at the end.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub state: Option<String>,
    /// Write an OCSF Detection Finding (class 2004) per alert to FILE, as NDJSON.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub ocsf: Option<String>,
    /// No progress line on a terminal.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `pumpguard serve`.
#[cfg(feature = "sidecar")]
#[derive(Args, Debug)]
pub struct Serve {
    /// Vector's http_server source: http://HOST:PORT/PATH.
    #[arg(long, value_name = "URL")]
    pub forward: String,
    /// Address the sidecar listens on for Vector's http sink.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8687")]
    pub listen: String,
    #[command(flatten)]
    pub config: ConfigSource,
    /// State file: restored at start, journalled per batch, rewritten periodically.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub state: Option<String>,
    /// Score with the core linked into this binary instead of the WebAssembly component.
    #[arg(long)]
    pub native: bool,
    /// Largest request body accepted (bytes, after gzip).
    #[arg(long, value_name = "BYTES", default_value_t = 32 << 20)]
    pub max_body: usize,
    /// Batches scored and forwarded at the same time.
    #[arg(long, value_name = "N", default_value_t = 2,
          value_parser = clap::value_parser!(u8).range(1..=64))]
    pub concurrency: u8,
    /// Rewrite the state file after this many records.
    #[arg(long, value_name = "N", default_value_t = 100_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub snapshot_every_records: u64,
    /// Rewrite the state file after this many seconds.
    #[arg(long, value_name = "S", default_value_t = 300)]
    pub snapshot_every_secs: u64,
    /// Flush the journal to disk per batch (survives power loss).
    #[arg(long)]
    pub sync: bool,
    /// This instance's name in a fleet (stable across restarts, unique in the fleet): names its
    /// shared-state export. Enables GET /shared (this instance's export) and PUT /shared (a
    /// peer's export to import).
    #[arg(long, value_name = "NAME")]
    pub instance: Option<String>,
    /// Exchange cross-tenant state through DIR, a directory every instance of the fleet
    /// mounts: every --shared-every-secs the sidecar writes DIR/NAME.pgshared and imports
    /// every other *.pgshared there. Needs --instance.
    #[arg(long, value_name = "DIR", requires = "instance", value_hint = ValueHint::DirPath)]
    pub shared_dir: Option<String>,
    /// Seconds between exchanges through --shared-dir.
    #[arg(long, value_name = "S", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub shared_every_secs: u64,
}

/// `pumpguard state`.
#[derive(Subcommand, Debug)]
pub enum StateCmd {
    /// Write this state's contribution to the cross-tenant view (for peers' import-shared).
    ///
    /// Reads --state (a `scan --state` file or a stopped sidecar's), writes the export to --out
    /// (or stdout), and saves --state (it now knows its instance name and never imports its own
    /// export back). Not for the file of a running sidecar: use its --shared-dir or GET /shared.
    ExportShared {
        /// The state file.
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        state: String,
        /// This instance's name (stable, unique in the fleet; A-Z a-z 0-9 - _ .).
        #[arg(long, value_name = "NAME")]
        instance: String,
        /// Where the export goes (stdout if not given).
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        out: Option<String>,
        #[command(flatten)]
        config: ConfigSource,
        /// Use the core linked into this binary instead of the WebAssembly component.
        #[arg(long)]
        native: bool,
    },
    /// Import peers' exports into a state file: each peer's newest export is kept (in any
    /// order, any number of times: the same state).
    ImportShared {
        /// The state file (created if missing).
        #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
        state: String,
        /// Exports (`pumpguard state export-shared`, `*.pgshared`).
        #[arg(value_name = "EXPORT", required = true, value_hint = ValueHint::FilePath)]
        exports: Vec<String>,
        #[command(flatten)]
        config: ConfigSource,
        /// Use the core linked into this binary instead of the WebAssembly component.
        #[arg(long)]
        native: bool,
    },
}

/// `pumpguard coverage`.
#[derive(Args, Debug)]
pub struct Coverage {
    /// NDJSON input; `-` or nothing reads stdin.
    #[arg(value_name = "FILE|-", value_hint = ValueHint::FilePath)]
    pub input: Option<String>,
    #[command(flatten)]
    pub config: ConfigSource,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `pumpguard config`.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct ConfigCmd {
    /// Print the default configuration (every field).
    #[arg(long)]
    pub defaults: bool,
    /// Check FILE and list every problem (exit 2 if there is one).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub check: Option<String>,
}

/// `pumpguard version`.
#[derive(Args, Debug)]
pub struct VersionCmd {
    /// Report the core linked into this binary as the scorer.
    #[arg(long)]
    pub native: bool,
}

/// The traffic to simulate, shared by `simulate` and `evaluate`.
#[derive(Args, Debug, Clone)]
pub struct SimSettings {
    /// Seed: the same seed, days, scale and sweep give byte-identical traffic.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Days of traffic.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub days: u32,
    /// Factor on every tenant's volume and every attack's size.
    #[arg(long, default_value_t = 1.0, value_parser = scale)]
    pub scale: f64,
    /// Multiply families of scenario parameters, e.g. `rate=0.5` or `volume=2,conversion=0.5`
    /// (families: rate, volume, conversion, duration).
    #[arg(long, value_name = "NAME=F,…", value_parser = sim::Sweep::parse)]
    pub sweep: Option<sim::Sweep>,
}

impl SimSettings {
    /// The simulator's settings.
    pub fn settings(&self) -> sim::Settings {
        sim::Settings {
            seed: self.seed,
            days: self.days,
            scale: self.scale,
            sweep: self.sweep.unwrap_or_default(),
        }
    }
}

fn scale(s: &str) -> Result<f64, String> {
    s.parse()
        .ok()
        .filter(|x: &f64| (0.01..=100.0).contains(x))
        .ok_or_else(|| "takes 0.01 to 100".to_string())
}

/// `pumpguard simulate`.
#[derive(Args, Debug)]
pub struct Simulate {
    #[command(flatten)]
    pub sim: SimSettings,
    /// Directory the traffic and labels are written to.
    #[arg(long, value_name = "DIR", default_value = "sim", value_hint = ValueHint::DirPath)]
    pub out: String,
}

/// `pumpguard evaluate`.
#[derive(Args, Debug)]
pub struct Evaluate {
    #[command(flatten)]
    pub sim: SimSettings,
    /// Labelled traffic from files instead of simulating (with --labels).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "labels")]
    pub traffic: Option<String>,
    /// The labels of --traffic, one per line.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, requires = "traffic")]
    pub labels: Option<String>,
    /// Configuration file (JSON).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub config: Option<String>,
    /// JSON instead of Markdown.
    #[arg(long)]
    pub json: bool,
    /// Exit 1 if a quality target is missed.
    #[arg(long)]
    pub check: bool,
    /// Score with N independent engines sharing the stream as --split says (a fleet).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=64))]
    pub instances: u32,
    /// How the fleet shares the stream: `key` (a Kafka topic keyed by `pumpguard key`: each
    /// instance owns a set of tenants) or `round-robin` (a load balancer in front of Envoy
    /// instances that share nothing).
    #[arg(long, value_enum, default_value = "key")]
    pub split: FleetSplit,
    /// The fleet exchanges its cross-tenant state (`pumpguard state export-shared` /
    /// `import-shared`) every SECS seconds of event time.
    #[arg(long, value_name = "SECS", requires = "instances", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub exchange_secs: Option<u64>,
}

/// `evaluate --split`.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetSplit {
    /// By partition key.
    Key,
    /// Round robin, line by line.
    RoundRobin,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
