//! The sidecar's durability: a journal of the batches scored since the last state snapshot, and
//! the snapshot file that records which batch it includes.
//!
//! A batch is appended to the journal before it is scored (and so before it is answered); the
//! snapshot file holds the engine's snapshot and the sequence number of the last batch in it. At
//! start the sidecar restores the snapshot and scores again the journal's batches after that
//! number, in order: the engine is deterministic, so the state after a crash (SIGKILL included) is
//! the state of the uninterrupted run. Each entry carries a checksum; a torn entry at the end (the
//! process died mid-write) is cut off, and that batch was never answered, so Vector sends it again.
//!
//! Entry: `"PGJ1"`, sequence (u64 LE), length (u32 LE), SipHash-1-3 of sequence, length and
//! bytes (u64 LE), then the decoded NDJSON body. Written with one `write_all`; with `sync` the
//! file is also flushed to the disk (`fdatasync`), for power loss, at a cost per batch.

use std::fs::{File, OpenOptions};
use std::hash::Hasher;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use siphasher::sip::SipHasher13;

const ENTRY_MAGIC: &[u8; 4] = b"PGJ1";
const HEAD: usize = 4 + 8 + 4 + 8;
/// A state file the sidecar wrote: this, the sequence number, then the engine's snapshot. A file
/// without it is an engine snapshot alone (`pumpguard scan --state`), taken as sequence 0.
const STATE_MAGIC: &[u8; 8] = b"PGSTATE1";
/// Largest entry read back: the sidecar's own `--max-body` bounds what it writes.
const MAX_ENTRY: usize = 1 << 30;

fn checksum(seq: u64, body: &[u8]) -> u64 {
    let mut h = SipHasher13::new_with_keys(0x6a6f_7572_6e61_6c31, 0x7075_6d70_6775_6172);
    h.write_u64(seq);
    h.write_u32(body.len() as u32);
    h.write(body);
    h.finish()
}

/// The state file's bytes: `seq`, the last batch the snapshot includes, and the snapshot.
pub fn encode_state(seq: u64, snapshot: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + snapshot.len());
    out.extend_from_slice(STATE_MAGIC);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(snapshot);
    out
}

/// A state file's sequence number and engine snapshot.
pub fn decode_state(bytes: &[u8]) -> (u64, &[u8]) {
    match bytes.strip_prefix(STATE_MAGIC.as_slice()) {
        Some(rest) if rest.len() >= 8 => {
            let mut seq = [0u8; 8];
            seq.copy_from_slice(&rest[..8]);
            (u64::from_le_bytes(seq), &rest[8..])
        }
        _ => (0, bytes),
    }
}

/// Writes `bytes` beside `path` and renames it over, so a crash mid-write leaves the previous
/// file whole.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_data()?;
    drop(f);
    std::fs::rename(&tmp, path)
}

/// The journal file, open for appending.
pub struct Journal {
    file: File,
    path: PathBuf,
    next_seq: u64,
    sync: bool,
    bytes: u64,
}

/// What `Journal::open` found.
pub struct Opened {
    /// The journal, positioned after its last whole entry.
    pub journal: Journal,
    /// The batches after the snapshot's sequence number, oldest first.
    pub replay: Vec<(u64, Vec<u8>)>,
    /// Bytes of a torn or corrupt tail that were cut off.
    pub cut: u64,
}

impl Journal {
    /// Opens (or creates) the journal at `path` and reads back the entries after `snapshot_seq`.
    pub fn open(path: &Path, snapshot_seq: u64, sync: bool) -> io::Result<Opened> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let mut all = Vec::new();
        file.read_to_end(&mut all)?;
        let mut at = 0usize;
        let mut replay = Vec::new();
        let mut last_seq = snapshot_seq;
        while let Some((seq, body, len)) = entry(&all[at..]) {
            if seq > snapshot_seq {
                replay.push((seq, body.to_vec()));
            }
            last_seq = last_seq.max(seq);
            at += len;
        }
        let cut = (all.len() - at) as u64;
        if cut > 0 {
            file.set_len(at as u64)?;
        }
        file.seek(SeekFrom::Start(at as u64))?;
        Ok(Opened {
            journal: Journal {
                file,
                path: path.to_path_buf(),
                next_seq: last_seq + 1,
                sync,
                bytes: at as u64,
            },
            replay,
            cut,
        })
    }

    /// Appends one batch; returns its sequence number. On an error nothing may be scored: the
    /// caller answers 503 and the batch comes again.
    pub fn append(&mut self, body: &[u8]) -> io::Result<u64> {
        if body.len() > MAX_ENTRY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "batch too large for the journal",
            ));
        }
        let seq = self.next_seq;
        let mut e = Vec::with_capacity(HEAD + body.len());
        e.extend_from_slice(ENTRY_MAGIC);
        e.extend_from_slice(&seq.to_le_bytes());
        e.extend_from_slice(&(body.len() as u32).to_le_bytes());
        e.extend_from_slice(&checksum(seq, body).to_le_bytes());
        e.extend_from_slice(body);
        if let Err(err) = self.file.write_all(&e) {
            // A partial write must not stay in front of the next entry.
            let _ = self.file.set_len(self.bytes);
            let _ = self.file.seek(SeekFrom::Start(self.bytes));
            return Err(err);
        }
        if self.sync {
            self.file.sync_data()?;
        }
        self.bytes += e.len() as u64;
        self.next_seq += 1;
        Ok(seq)
    }

    /// The sequence number of the last batch appended (0 before any).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Empties the journal once a snapshot holds everything in it.
    pub fn clear(&mut self) -> io::Result<()> {
        self.file.set_len(0)?;
        self.file.seek(SeekFrom::Start(0))?;
        self.bytes = 0;
        Ok(())
    }

    /// Where the journal is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// One whole, valid entry at the start of `b`: (sequence, body, entry length).
fn entry(b: &[u8]) -> Option<(u64, &[u8], usize)> {
    if b.len() < HEAD || &b[..4] != ENTRY_MAGIC {
        return None;
    }
    let word = |r: std::ops::Range<usize>| {
        let mut w = [0u8; 8];
        w[..r.len()].copy_from_slice(&b[r]);
        u64::from_le_bytes(w)
    };
    let seq = word(4..12);
    let len = word(12..16) as usize;
    let sum = word(16..24);
    let body = b.get(HEAD..HEAD.checked_add(len)?)?;
    (checksum(seq, body) == sum).then_some((seq, body, HEAD + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let p = std::env::temp_dir().join(format!("pumpguard-journal-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&p);
        p
    }

    #[test]
    fn entries_come_back_in_order_after_the_snapshot_and_a_torn_tail_is_cut() {
        let p = tmp("torn");
        let mut j = Journal::open(&p, 0, false).expect("open").journal;
        for i in 1..=4u8 {
            assert_eq!(j.append(&[i; 10]).expect("append"), u64::from(i));
        }
        drop(j);
        // The process died in the middle of a fifth entry.
        let mut f = OpenOptions::new().append(true).open(&p).expect("reopen");
        f.write_all(b"PGJ1\x05\0\0\0\0\0\0\0\x0a\0\0\0half")
            .expect("torn");
        drop(f);
        let o = Journal::open(&p, 2, false).expect("open");
        assert_eq!(o.replay, vec![(3, vec![3u8; 10]), (4, vec![4u8; 10])]);
        assert_eq!(o.cut, 20);
        let mut j = o.journal;
        assert_eq!(j.append(b"next").expect("append"), 5);
        drop(j);
        let o = Journal::open(&p, 4, false).expect("open");
        assert_eq!(o.replay, vec![(5, b"next".to_vec())]);
        assert_eq!(o.cut, 0);
        let _ = std::fs::remove_file(&p);
    }

    #[test]
    fn a_flipped_byte_ends_the_journal_there() {
        let p = tmp("flip");
        let mut j = Journal::open(&p, 0, false).expect("open").journal;
        j.append(b"one").expect("append");
        j.append(b"two").expect("append");
        drop(j);
        let mut all = std::fs::read(&p).expect("read");
        let last = all.len() - 1;
        all[last] ^= 1;
        std::fs::write(&p, &all).expect("write");
        let o = Journal::open(&p, 0, false).expect("open");
        assert_eq!(o.replay, vec![(1, b"one".to_vec())]);
        assert_eq!(o.journal.last_seq(), 1);
        let _ = std::fs::remove_file(&p);
    }

    #[test]
    fn the_state_file_names_its_last_batch_and_a_bare_snapshot_is_sequence_zero() {
        let s = encode_state(42, b"engine");
        assert_eq!(decode_state(&s), (42, b"engine".as_slice()));
        assert_eq!(decode_state(b"PGSNAPSHOT..."), (0, b"PGSNAPSHOT...".as_slice()));
    }
}
