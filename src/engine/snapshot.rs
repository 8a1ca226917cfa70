//! Snapshots: the state as bytes (versioned, keyed to the salt, checksummed) and back.

use super::*;

/// Snapshot format magic and version. The header is followed by an 8-byte fingerprint of the
/// hashing key (the privacy salt), then the postcard-encoded state.
/// Snapshot format: this magic (its last byte is the format version), the keyer's fingerprint
/// (u64 LE), a keyed checksum of the body (u64 LE), then the postcard body.
pub(super) const SNAPSHOT_MAGIC: &[u8; 8] = b"PGSNAP\0\x09";
/// Domain of the body checksum.
const SNAPSHOT_CHECKSUM: u8 = 0xfe;

impl Engine {
    /// Serialises the state (versioned; tied to nothing but the capacities it was made with).
    pub fn snapshot(&self) -> Vec<u8> {
        let mut out = SNAPSHOT_MAGIC.to_vec();
        out.extend_from_slice(&self.keyer.fingerprint().to_le_bytes());
        match postcard::to_allocvec(&(&self.state, &self.coverage)) {
            Ok(body) => {
                out.extend_from_slice(&self.keyer.hash(SNAPSHOT_CHECKSUM, &body).to_le_bytes());
                out.extend_from_slice(&body);
            }
            Err(_) => out.clear(),
        }
        out
    }

    /// Restores state from [`Engine::snapshot`] bytes. On any error the engine keeps its state.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let (family, version) = SNAPSHOT_MAGIC.split_at(7);
        let body = match bytes.strip_prefix(family) {
            None => return Err(SnapshotError("not a pumpguard snapshot".into())),
            Some([v, ..]) if v != &version[0] => {
                return Err(SnapshotError(format!(
                    "snapshot format {v}, this engine reads format {}: state is relearned",
                    version[0]
                )));
            }
            Some(rest) => rest.get(1..).unwrap_or_default(),
        };
        let (fp, body) = body
            .split_first_chunk::<8>()
            .ok_or_else(|| SnapshotError("truncated header".into()))?;
        if u64::from_le_bytes(*fp) != self.keyer.fingerprint() {
            return Err(SnapshotError(
                "made with another privacy salt: its keys cannot match this engine's".into(),
            ));
        }
        let (sum, body) = body
            .split_first_chunk::<8>()
            .ok_or_else(|| SnapshotError("truncated header".into()))?;
        // The fuzzer (`cfg(fuzzing)`) skips the checksum to reach the decoder and the checks
        // behind it, which guard edited snapshots.
        if u64::from_le_bytes(*sum) != self.keyer.hash(SNAPSHOT_CHECKSUM, body) && !cfg!(fuzzing) {
            return Err(SnapshotError("corrupt or truncated: checksum mismatch".into()));
        }
        let (mut state, coverage): (State, Coverage) =
            postcard::from_bytes(body).map_err(|e| SnapshotError(format!("corrupt or truncated: {e}")))?;
        state.rebuild(&self.cfg.limits).map_err(SnapshotError)?;
        // A body that passes the checksum but was edited: every incident must sit under its
        // own id's key, or lookups by id miss it (found by fuzzing before the checksum).
        if let Some((_, i)) = state
            .incidents
            .iter()
            .find(|(k, i)| *k != self.keyer.hash(dom::INCIDENT, i.id.as_bytes()))
        {
            return Err(SnapshotError(format!(
                "inconsistent: incident {:?} is not under its key",
                i.id
            )));
        }
        self.state = state;
        self.coverage = coverage;
        Ok(())
    }
}
