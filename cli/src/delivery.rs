//! The sidecar's delivery guarantees, apart from HTTP: every batch is journalled before it is
//! scored, scored once, and remembered until Vector's source has taken its output.
//!
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
use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bytes::Bytes;
use siphasher::sip128::{Hasher128, SipHasher13};

use crate::batch::{split_ndjson, Fail};
use crate::journal::{self, Journal};
use crate::scorer::Scorer;

/// Batches whose scored output is kept for a retry.
pub const RECENT_BATCHES: usize = 16;
/// How long a batch answered 503 waits for its retry before snapshots go on without it (the
/// shipped sink gives up retrying after 30 s).
const PENDING_FOR: Duration = Duration::from_secs(600);
/// ... and at most this many bytes of it.
pub const RECENT_BYTES: usize = 64 << 20;

/// The scored output of the last batches, by digest of the decoded body.
struct Recent {
    batches: VecDeque<(u128, Bytes)>,
    bytes: usize,
}

impl Recent {
    fn get(&self, digest: u128) -> Option<Bytes> {
        self.batches
            .iter()
            .find(|(d, _)| *d == digest)
            .map(|(_, o)| o.clone())
    }

    fn insert(&mut self, digest: u128, out: Bytes) {
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
pub struct Core {
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

/// Where the state lives and how often it is written (`pumpguard serve --state ...`).
pub struct Durability {
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

impl Core {
    /// A fresh `scorer` with the state file restored (a bad one means a cold start) and its
    /// journal's batches scored again.
    pub fn open(mut scorer: Scorer, opts: &Durability) -> Result<Core, String> {
        let mut recent = Recent {
            batches: VecDeque::new(),
            bytes: 0,
        };
        let durable = open_durable(&mut scorer, &mut recent, opts)?;
        Ok(Core {
            scorer,
            recent,
            pending: HashMap::new(),
            durable,
        })
    }

    /// The digest and scored output of `body`: remembered, or scored now (journaled first).
    pub fn score(&mut self, body: &[u8]) -> Result<(u128, Bytes), Fail> {
        let d = digest(body);
        if let Some(out) = self.recent.get(d) {
            return Ok((d, out));
        }
        if let Some(j) = &mut self.durable {
            j.journal.append(body).map_err(|e| {
                Fail(
                    503,
                    format!("journal {}: {e}; not scored, retry", j.journal.path().display()),
                )
            })?;
        }
        let records = split_ndjson(body);
        let out = Bytes::from(
            score_joined(&mut self.scorer, &records).map_err(|e| Fail(503, format!("scorer failed: {e}")))?,
        );
        if let Some(j) = &mut self.durable {
            j.since_records += records.len() as u64;
        }
        self.recent.insert(d, out.clone());
        self.pending.insert(d, Instant::now());
        Ok((d, out))
    }

    /// This instance's shared-state export (`Ok(Err(why))` when refused).
    pub fn export_shared(&mut self, instance: &str) -> Result<Result<Vec<u8>, String>, String> {
        self.scorer.export_shared(instance)
    }

    /// Imports a peer's export (`Ok(Err(why))` when refused). Imports are not journaled: after
    /// a crash the state has the peers of its last snapshot until the next exchange.
    pub fn import_shared(&mut self, bytes: &[u8]) -> Result<Result<String, String>, String> {
        self.scorer.import_shared(bytes)
    }

    /// The batch was delivered: a snapshot may now replace the journal.
    pub fn delivered(&mut self, body_digest: u128) {
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

    /// At shutdown: the snapshot, unless a batch still waits for its retry. Its retry may come
    /// to the next start: the journal (complete) restores the state and the batch's output, so
    /// it is delivered again, not scored again.
    pub fn close(&mut self) -> Result<(), String> {
        let Some(path) = self.durable.as_ref().map(|j| j.state.display().to_string()) else {
            return Ok(());
        };
        if self.pending.is_empty() {
            self.snapshot()?;
            eprintln!("pumpguard serve: state written to {path}");
        } else {
            eprintln!(
                "pumpguard serve: {} batch(es) not delivered yet; the state stays in {path} and its journal",
                self.pending.len()
            );
        }
        Ok(())
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

/// The records scored in order, as NDJSON.
fn score_joined(scorer: &mut Scorer, records: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let scored = scorer.score_batch(records)?;
    if scored.len() != records.len() {
        return Err("the scorer returned a different number of records".into());
    }
    let mut out = Vec::with_capacity(records.iter().map(|r| r.len() + 400).sum());
    for p in &scored {
        out.extend_from_slice(&p.output);
        out.push(b'\n');
    }
    Ok(out)
}

/// The journal beside `state`.
fn journal_path(state: &str) -> PathBuf {
    PathBuf::from(format!("{state}.journal"))
}

/// Restores the state file and replays its journal.
fn open_durable(
    scorer: &mut Scorer,
    recent: &mut Recent,
    opts: &Durability,
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
        let out = score_joined(scorer, &records)?;
        recent.insert(digest(body), Bytes::from(out));
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
