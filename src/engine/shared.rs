//! The cross-tenant view shared between instances: an instance exports what its own records
//! contributed (block counts and block evidence, no numbers or names in clear), and imports
//! its peers' exports.
//!
//! Merging is a join: each peer keeps one slot holding its newest export (by the peer's clock,
//! then its export count, then the body's checksum), and at most `limits.shared_peers` slots
//! are kept, the newest. So importing exports in any order, any number of times, gives the same
//! state (commutative, idempotent), and an export never carries what its instance imported, so
//! nothing is counted twice however instances exchange (a shared directory, a compacted topic
//! keyed by instance, HTTP). The signal reads its own counts plus every peer's.

use super::*;
use crate::state::{check_peer, BlockCount, BlockSets, Peer, MAX_INSTANCE};

/// Export format: this magic (its last byte is the format version), the keyer's fingerprint
/// (u64 LE), a keyed checksum of the body (u64 LE), then the postcard body.
pub(super) const SHARED_MAGIC: &[u8; 8] = b"PGSHARE\x01";
/// Domain of the export's checksum.
const SHARED_CHECKSUM: u8 = 0xfd;

/// The body of an export.
#[derive(serde::Serialize, serde::Deserialize)]
struct Body {
    /// `block_digits` of the exporter: block keys of another width never match.
    block_digits: u8,
    /// `signals.shared_block.window_secs` of the exporter.
    window_secs: u64,
    instance: String,
    clock: Millis,
    seq: u64,
    counts: Vec<(u64, BlockCount)>,
    sets: Vec<(u64, BlockSets)>,
}

/// A shared-state export or import that could not be made; the engine's state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedError(pub String);

impl std::fmt::Display for SharedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shared state: {}", self.0)
    }
}

impl std::error::Error for SharedError {}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SharedImport {
    /// The peer's slot now holds this export.
    Taken {
        /// The peer.
        instance: String,
        /// Blocks counted.
        blocks: usize,
        /// Blocks with cross-tenant evidence.
        evidence: usize,
    },
    /// The slot already held this export or a newer one of the peer: nothing changed.
    NotNewer(String),
    /// This instance's own export: never counted twice.
    Own(String),
    /// Every peer slot holds a newer export than this one (`limits.shared_peers`).
    NoSlot(String),
}

impl std::fmt::Display for SharedImport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SharedImport::Taken {
                instance,
                blocks,
                evidence,
            } => write!(f, "{instance}: taken ({blocks} blocks, {evidence} with evidence)"),
            SharedImport::NotNewer(i) => write!(f, "{i}: already held (same or newer)"),
            SharedImport::Own(i) => write!(f, "{i}: this instance's own export, skipped"),
            SharedImport::NoSlot(i) => write!(
                f,
                "{i}: skipped, every peer slot holds a newer export (limits.shared_peers)"
            ),
        }
    }
}

impl Engine {
    /// This instance's contribution to the cross-tenant view, as bytes for its peers'
    /// [`Engine::import_shared`]. `instance` names this instance (stable across restarts, unique
    /// in the fleet); its own export is never imported back.
    pub fn export_shared(&mut self, instance: &str) -> Result<Vec<u8>, SharedError> {
        check_instance(instance)?;
        let shared = &mut self.state.shared;
        if shared.me.as_deref() != Some(instance) {
            // A slot holding this instance's export (from before a restart without state)
            // stood in for its lost blocks; from now on its own blocks speak for it.
            shared.peers.retain(|p| p.instance != instance);
            shared.me = Some(instance.to_string());
        }
        shared.seq += 1;
        let mut counts: Vec<(u64, BlockCount)> = shared.counts.iter().map(|(k, v)| (k, *v)).collect();
        counts.sort_unstable_by_key(|(k, _)| *k);
        let mut sets: Vec<(u64, BlockSets)> = shared.sets.iter().map(|(k, v)| (k, *v)).collect();
        sets.sort_unstable_by_key(|(k, _)| *k);
        let body = Body {
            block_digits: self.cfg.block_digits as u8,
            window_secs: self.cfg.signals.shared_block.window_secs,
            instance: instance.to_string(),
            clock: self.state.clock,
            seq: shared.seq,
            counts,
            sets,
        };
        let body = postcard::to_allocvec(&body).map_err(|e| SharedError(e.to_string()))?;
        Ok(snapshot::frame(&self.keyer, SHARED_MAGIC, SHARED_CHECKSUM, &body))
    }

    /// Takes a peer's [`Engine::export_shared`] into its slot when it is newer than the one
    /// held. On error the state is unchanged.
    pub fn import_shared(&mut self, bytes: &[u8]) -> Result<SharedImport, SharedError> {
        let peer = self.decode_shared(bytes)?;
        let limits = &self.cfg.limits;
        let shared = &mut self.state.shared;
        if shared.me.as_deref() == Some(peer.instance.as_str()) {
            return Ok(SharedImport::Own(peer.instance));
        }
        let taken = SharedImport::Taken {
            instance: peer.instance.clone(),
            blocks: peer.counts.len(),
            evidence: peer.sets.len(),
        };
        match shared
            .peers
            .binary_search_by(|p| p.instance.as_str().cmp(&peer.instance))
        {
            Ok(i) => {
                if shared.peers[i].version() >= peer.version() {
                    return Ok(SharedImport::NotNewer(peer.instance));
                }
                shared.peers[i] = peer;
            }
            Err(_) => {
                if shared.peers.len() >= limits.shared_peers {
                    // Full: the oldest export gives way to a newer one (so which peers are
                    // kept does not depend on the order they came in).
                    let oldest = shared
                        .peers
                        .iter()
                        .enumerate()
                        .min_by(|a, b| rank(a.1).cmp(&rank(b.1)))
                        .map(|(j, p)| (j, rank(p)));
                    match oldest {
                        Some((j, r)) if r < rank(&peer) => {
                            shared.peers.remove(j);
                        }
                        _ => return Ok(SharedImport::NoSlot(peer.instance)),
                    }
                }
                let at = shared.peers.partition_point(|p| p.instance < peer.instance);
                shared.peers.insert(at, peer);
            }
        }
        Ok(taken)
    }

    /// The peers whose exports are held: name, clock at export, blocks, blocks with evidence.
    pub fn shared_peers(&self) -> Vec<(String, Millis, usize, usize)> {
        self.state
            .shared
            .peers
            .iter()
            .map(|p| (p.instance.clone(), p.clock, p.counts.len(), p.sets.len()))
            .collect()
    }

    fn decode_shared(&self, bytes: &[u8]) -> Result<Peer, SharedError> {
        let (body, digest) = snapshot::unframe(
            &self.keyer,
            SHARED_MAGIC,
            SHARED_CHECKSUM,
            bytes,
            ("shared-state export", ""),
        )
        .map_err(SharedError)?;
        let b: Body =
            postcard::from_bytes(body).map_err(|e| SharedError(format!("corrupt or truncated: {e}")))?;
        if usize::from(b.block_digits) != self.cfg.block_digits {
            return Err(SharedError(format!(
                "exported with block_digits {}, this engine uses {}",
                b.block_digits, self.cfg.block_digits
            )));
        }
        if b.window_secs != self.cfg.signals.shared_block.window_secs {
            return Err(SharedError(format!(
                "exported with signals.shared_block.window_secs {}, this engine uses {}",
                b.window_secs, self.cfg.signals.shared_block.window_secs
            )));
        }
        check_instance(&b.instance)?;
        let peer = Peer {
            instance: b.instance,
            clock: b.clock,
            seq: b.seq,
            digest,
            counts: b.counts,
            sets: b.sets,
        };
        check_peer(&peer, &self.cfg.limits).map_err(SharedError)?;
        Ok(peer)
    }
}

/// Which export gives way when the slots are full: the oldest clock (then name, so the choice
/// is a total order).
fn rank(p: &Peer) -> (Millis, &str, u64, u64) {
    (p.clock, p.instance.as_str(), p.seq, p.digest)
}

fn check_instance(instance: &str) -> Result<(), SharedError> {
    if instance.is_empty()
        || instance.len() > MAX_INSTANCE
        || !instance
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(SharedError(format!(
            "instance name {instance:?}: 1 to {MAX_INSTANCE} characters of A-Z a-z 0-9 - _ ."
        )));
    }
    Ok(())
}
