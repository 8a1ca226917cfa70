//! Snapshots: the state as bytes (versioned, keyed to the salt, checksummed) and back.

use super::*;

/// Snapshot format: this magic (its last byte is the format version), the keyer's fingerprint
/// (u64 LE), a keyed checksum of the body (u64 LE), then the postcard body.
pub(super) const SNAPSHOT_MAGIC: &[u8; 8] = b"PGSNAP\0\x12";
/// Domain of the body checksum.
const SNAPSHOT_CHECKSUM: u8 = 0xfe;

impl Engine {
    /// Serialises the state (versioned; tied to nothing but the capacities it was made with).
    pub fn snapshot(&self) -> Vec<u8> {
        match postcard::to_allocvec(&(&self.state, &self.coverage)) {
            Ok(body) => frame(&self.keyer, SNAPSHOT_MAGIC, SNAPSHOT_CHECKSUM, &body),
            Err(_) => Vec::new(),
        }
    }

    /// Restores state from [`Engine::snapshot`] bytes. On any error the engine keeps its state.
    pub fn restore(&mut self, bytes: &[u8]) -> Result<(), SnapshotError> {
        let (body, _) = unframe(
            &self.keyer,
            SNAPSHOT_MAGIC,
            SNAPSHOT_CHECKSUM,
            bytes,
            ("snapshot", ": state is relearned"),
        )
        .map_err(SnapshotError)?;
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

/// `magic`, the keyer's fingerprint, a keyed checksum (`domain`) of `body`, then `body`: the
/// framing of snapshots and shared-state exports.
pub(super) fn frame(keyer: &Keyer, magic: &[u8; 8], domain: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(24 + body.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&keyer.fingerprint().to_le_bytes());
    out.extend_from_slice(&keyer.hash(domain, body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// The body of [`frame`]d bytes and its checksum, or why they are refused: another kind or
/// format version (`what`: the kind's name and what a refused old version means), another salt,
/// a truncated header, a checksum mismatch. The fuzzer (`cfg(fuzzing)`) skips the checksum to
/// reach the decoder and the checks behind it, which guard edited bodies.
pub(super) fn unframe<'a>(
    keyer: &Keyer,
    magic: &[u8; 8],
    domain: u8,
    bytes: &'a [u8],
    what: (&str, &str),
) -> Result<(&'a [u8], u64), String> {
    let (family, version) = magic.split_at(7);
    let rest = match bytes.strip_prefix(family) {
        None => return Err(format!("not a pumpguard {}", what.0)),
        Some([v, ..]) if v != &version[0] => {
            return Err(format!(
                "{} format {v}, this engine reads format {}{}",
                what.0, version[0], what.1
            ));
        }
        Some(rest) => rest.get(1..).unwrap_or_default(),
    };
    let (fp, rest) = rest
        .split_first_chunk::<8>()
        .ok_or_else(|| "truncated header".to_string())?;
    if u64::from_le_bytes(*fp) != keyer.fingerprint() {
        return Err("made with another privacy salt: its keys cannot match this engine's".into());
    }
    let (sum, body) = rest
        .split_first_chunk::<8>()
        .ok_or_else(|| "truncated header".to_string())?;
    let digest = keyer.hash(domain, body);
    if u64::from_le_bytes(*sum) != digest && !cfg!(fuzzing) {
        return Err("corrupt or truncated: checksum mismatch".into());
    }
    Ok((body, digest))
}
