//! Bounded state. Every map has a capacity from [`Limits`] and evicts the least recently seen of
//! a few sampled entries when full, so memory has a hard upper bound ([`State::bytes_bound`])
//! whatever an attacker sprays. Eviction is deterministic (seeded), so replays give identical
//! verdicts. All keys are 64-bit keyed hashes: no phone number, IP or name is stored as text.

use std::hash::{BuildHasher, Hasher};
use std::mem::size_of;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

use crate::time::Millis;

/// Capacities. Every piece of state is a map with a capacity here and least-recently-seen
/// eviction, so memory stays under `max_state_bytes` whatever the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Records larger than this are not parsed (tagged `too_large`).
    pub max_record_bytes: usize,
    /// Upper bound of all state; the capacities below must fit in it.
    pub max_state_bytes: usize,
    /// Tenants tracked.
    pub tenants: usize,
    /// Volume keys (tenant, tenant × workflow, tenant × country).
    pub volume_keys: usize,
    /// Conversion keys (tenant × country, tenant × block).
    pub conversion_keys: usize,
    /// Adjacency ranges (tenant × number range).
    pub ranges: usize,
    /// Sources (tenant × IP / user agent / user / session).
    pub sources: usize,
    /// Recent sends kept to attribute late conversions.
    pub recent_sends: usize,
    /// Message ids kept to count each message once across its status events.
    pub messages: usize,
    /// Requesters' networks and users that verified a code (`known_requester`), as
    /// fingerprints in buckets of eight. At 32,768 slots busy buckets overflowed and forgot
    /// marks that the bounded map of 32,768 it replaces had kept (seed 2's week then differed
    /// between one engine and two); at 65,536 it keeps them. Not as large as `known_numbers`:
    /// a network (/24, /48) is a weak identity, and the more of a country's residential
    /// networks are known, the more of an attacker's residential proxies are too.
    pub known_requesters: usize,
    /// Numbers that verified a code of their tenant (`known_recipient`), remembered apart from
    /// the recent sends so that a user who verified days ago is still known.
    pub known_numbers: usize,
    /// Open incidents.
    pub incidents: usize,
    /// Annotations (configured plus received as records).
    pub annotations: usize,
    /// Blocks whose platform-wide send counts `shared_block` keeps (per instance, and per peer
    /// whose export was imported).
    pub shared_blocks: usize,
    /// Blocks with cross-tenant evidence (the numbers and tenants new to them), likewise.
    pub shared_evidence: usize,
    /// Peers whose shared-state exports are kept (`Engine::import_shared`); a fleet of N
    /// instances needs N − 1.
    pub shared_peers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 1 << 20,
            max_state_bytes: 64 << 20,
            tenants: 8_192,
            volume_keys: 32_768,
            conversion_keys: 32_768,
            ranges: 32_768,
            sources: 32_768,
            recent_sends: 65_536,
            messages: 131_072,
            known_requesters: 65_536,
            known_numbers: 262_144,
            incidents: 4_096,
            annotations: 1_024,
            shared_blocks: 16_384,
            shared_evidence: 2_048,
            shared_peers: 7,
        }
    }
}

/// Something that knows when it was last touched.
pub trait Aged {
    /// Time of the last update.
    fn last_seen(&self) -> Millis;
    /// Heap bytes the value may own beyond its inline size.
    const HEAP_BOUND: usize = 0;
}

#[derive(Default, Clone, Copy)]
struct Identity(u64);

impl Hasher for Identity {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[derive(Default, Clone, Copy)]
struct BuildIdentity;

impl BuildHasher for BuildIdentity {
    type Hasher = Identity;
    fn build_hasher(&self) -> Identity {
        Identity(0)
    }
}

/// A map from 64-bit hashed keys with a fixed capacity.
#[derive(Clone, Serialize, Deserialize)]
pub struct BoundedMap<V> {
    cap: usize,
    keys: Vec<u64>,
    vals: Vec<V>,
    rng: u64,
    hand: u32,
    #[serde(skip)]
    index: HashMap<u64, u32, BuildIdentity>,
}

const EVICTION_SAMPLES: usize = 8;

impl<V: Aged> BoundedMap<V> {
    /// An empty map holding at most `cap` entries.
    pub fn new(cap: usize) -> Self {
        BoundedMap {
            cap: cap.max(1),
            keys: Vec::new(),
            vals: Vec::new(),
            rng: 0x9E37_79B9_7F4A_7C15 ^ cap as u64,
            hand: 0,
            index: HashMap::with_hasher(BuildIdentity),
        }
    }

    /// Upper bound of the bytes a map of `cap` entries may use.
    pub fn bytes_bound(cap: usize) -> usize {
        // Entry vectors grow by doubling up to the next power of two; the index holds up to 7/8
        // of its buckets, each a key, a position and a control byte.
        let entry = size_of::<u64>() + size_of::<V>() + V::HEAP_BOUND;
        let buckets = (cap * 8 / 7 + 1).next_power_of_two();
        cap.next_power_of_two() * entry
            + buckets * (size_of::<u64>() + size_of::<u32>() + 1)
            + size_of::<Self>()
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Bytes in use now (allocated capacity, not just length).
    pub fn bytes_used(&self) -> usize {
        self.keys.capacity() * size_of::<u64>()
            + self.vals.capacity() * (size_of::<V>() + V::HEAP_BOUND)
            + self.index.capacity() * (size_of::<u64>() + size_of::<u32>() + 1)
    }

    /// The value at `key`.
    pub fn get(&self, key: u64) -> Option<&V> {
        self.index.get(&key).map(|&i| &self.vals[i as usize])
    }

    /// The value at `key`, mutable.
    pub fn get_mut(&mut self, key: u64) -> Option<&mut V> {
        match self.index.get(&key) {
            Some(&i) => Some(&mut self.vals[i as usize]),
            None => None,
        }
    }

    /// The value at `key`, inserted with `make` when absent (evicting if full).
    pub fn entry(&mut self, key: u64, make: impl FnOnce() -> V) -> &mut V {
        if let Some(&i) = self.index.get(&key) {
            return &mut self.vals[i as usize];
        }
        if self.keys.len() >= self.cap {
            self.evict();
        }
        let i = self.keys.len();
        self.keys.push(key);
        self.vals.push(make());
        self.index.insert(key, i as u32);
        &mut self.vals[i]
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: u64) -> Option<V> {
        let i = self.index.remove(&key)? as usize;
        self.keys.swap_remove(i);
        let v = self.vals.swap_remove(i);
        if i < self.keys.len() {
            self.index.insert(self.keys[i], i as u32);
        }
        Some(v)
    }

    fn next_rand(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn evict(&mut self) {
        let n = self.keys.len();
        if n == 0 {
            return;
        }
        // A clock hand: the least recently seen of the next few consecutive slots. Consecutive
        // slots share cache lines, so eviction costs one or two misses, not one per sample.
        // The hand starts at a random slot after a full turn so that no region is favoured.
        let start = self.hand as usize % n;
        let mut victim = start;
        for k in 1..EVICTION_SAMPLES.min(n) {
            let j = (start + k) % n;
            if self.vals[j].last_seen() < self.vals[victim].last_seen() {
                victim = j;
            }
        }
        self.hand = if start + EVICTION_SAMPLES >= n {
            (self.next_rand() % n as u64) as u32
        } else {
            (start + EVICTION_SAMPLES) as u32
        };
        let key = self.keys[victim];
        self.remove(key);
    }

    /// Entries in storage order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &V)> {
        self.keys.iter().copied().zip(self.vals.iter())
    }

    /// Rebuilds the index after deserialisation; checks the capacity.
    pub fn rebuild(&mut self, cap: usize) -> Result<(), String> {
        if self.keys.len() != self.vals.len() || self.keys.len() > cap {
            return Err("map larger than its capacity".into());
        }
        self.cap = cap.max(1);
        self.index = HashMap::with_capacity_and_hasher(self.keys.len(), BuildIdentity);
        for (i, k) in self.keys.iter().enumerate() {
            if self.index.insert(*k, i as u32).is_some() {
                return Err("duplicate key".into());
            }
        }
        Ok(())
    }
}

/// An exponentially decayed count: each unit loses half its weight every `half_life`.
#[derive(Clone, Copy, Default, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decayed {
    v: f32,
    t: Millis,
}

impl Decayed {
    pub(crate) fn decay(v: f32, dt: Millis, half_life: Millis) -> f32 {
        if dt <= 0 {
            return v;
        }
        (f64::from(v) * (-(dt as f64) / half_life as f64 * std::f64::consts::LN_2).exp()) as f32
    }

    /// Adds `x` at time `now` (a time before the last update counts at the last update).
    pub fn add(&mut self, now: Millis, x: f32, half_life: Millis) {
        if now > self.t {
            self.v = Self::decay(self.v, now - self.t, half_life);
            self.t = now;
        }
        self.v += x;
    }

    /// The value at `now`.
    pub fn get(&self, now: Millis, half_life: Millis) -> f32 {
        Self::decay(self.v, now - self.t, half_life)
    }

    /// Time of the last update.
    pub fn at(&self) -> Millis {
        self.t
    }
}

/// A small set of `(value, time)` slots: distinct values seen inside a window.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recent<const N: usize> {
    #[serde(with = "serde_slots")]
    slots: [(u32, u32); N],
}

impl<const N: usize> Default for Recent<N> {
    fn default() -> Self {
        Recent { slots: [(0, 0); N] }
    }
}

impl<const N: usize> Recent<N> {
    /// Records `value` seen at `secs` (seconds; 0 is "empty").
    pub fn see(&mut self, value: u32, secs: u32) {
        let mut oldest = 0;
        for i in 0..N {
            let (v, t) = self.slots[i];
            if t != 0 && v == value {
                self.slots[i].1 = t.max(secs);
                return;
            }
            if t < self.slots[oldest].1 {
                oldest = i;
            }
        }
        if secs >= self.slots[oldest].1 {
            self.slots[oldest] = (value, secs);
        }
    }

    /// Values seen at or after `since` (seconds).
    pub fn values_since(&self, since: u32) -> impl Iterator<Item = u32> + '_ {
        self.slots
            .iter()
            .filter(move |(_, t)| *t != 0 && *t >= since)
            .map(|(v, _)| *v)
    }

    /// Distinct values seen at or after `since`.
    pub fn count_since(&self, since: u32) -> u32 {
        self.values_since(since).count() as u32
    }
}

mod serde_slots {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, const N: usize>(v: &[(u32, u32); N], s: S) -> Result<S::Ok, S::Error> {
        v.as_slice().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[(u32, u32); N], D::Error> {
        let v: Vec<(u32, u32)> = Vec::deserialize(d)?;
        v.try_into()
            .map_err(|_| serde::de::Error::custom("wrong slot count"))
    }
}

/// Per tenant × {all, workflow, country} volume and its hour-of-day baseline.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Volume {
    /// Last update.
    pub last: Millis,
    /// Decayed count with the time window as half-life.
    pub window: Decayed,
    /// Hour (since epoch) being counted.
    pub hour: i64,
    /// Sends in that hour.
    pub hour_count: u32,
    /// Hours of history folded into the baseline.
    pub hours_seen: u32,
    /// Smoothed sends per hour, by hour of day (UTC).
    pub hod: [f32; 24],
}

impl Aged for Volume {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

/// Conversion buckets for tenant × country and tenant × block.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Conv {
    /// Last update.
    pub last: Millis,
    /// Bucket number of `sends[0]`'s… newest bucket.
    pub head: i64,
    /// Sends per bucket (ring, newest at `head % N`).
    pub sends: [u16; CONV_BUCKETS],
    /// Verified sends per bucket (by the bucket of the send).
    pub verified: [u16; CONV_BUCKETS],
    /// Long-run verified sends (decayed sum).
    pub rate_num: f32,
    /// Long-run sends (decayed sum).
    pub rate_den: f32,
    /// Sends per bucket over the key's life, for its usual volume: a decayed sum by time
    /// (empty buckets decay it too), attack-like buckets at 5 %.
    pub vol: f32,
    /// The buckets `vol` spans (the same decayed sum of one per bucket since the key's first
    /// send): `vol / span` is the key's usual sends per bucket, for a young key too.
    pub span: f32,
    /// Provider blocks (decayed, half-life = time window).
    pub blocks: Decayed,
    /// Start of the key's current day (24 hours from its first send, or from the previous
    /// day's end while sends keep coming).
    pub day_start: Millis,
    /// Sends in the current day.
    pub day_sends: u16,
    /// Of those, verified.
    pub day_verified: u16,
    /// Sends in the day before the current one (0 when it was not the key's last day): the
    /// last 24 hours are the current day and the part of the previous day they still cover
    /// ([`crate::signals::day_counts`]), so a day-long attack does not vanish at its 24th hour.
    pub prev_sends: u16,
    /// Of those, verified.
    pub prev_verified: u16,
    /// Minutes from the current day's start to its last send.
    pub day_last_min: u16,
    /// Minutes from the previous day's start to its last send: its sends are assumed even up
    /// to there, so a burst early in the previous day is not spread into the last 24 hours.
    pub prev_last_min: u16,
    /// What the key's first day folded at full weight (sends, verified): held apart until that
    /// day is over, and taken back to 5 % if a later fold of the day turns out attack-like (a
    /// new key's first attack sends cannot be told apart yet, and would teach its baseline).
    pub young_n: f32,
    /// Of those, verified.
    pub young_v: f32,
    /// Accumulated evidence (nats) that the key's sends on top of its usual ones are not
    /// verified: Page's CUSUM of the matured buckets' log-likelihood ratios, never below 0.
    pub cusum: f32,
    /// The newest bucket counted in `cusum`.
    pub cusum_at: i64,
    /// The bucket in which the key's window was last added to its flow × country's key of
    /// sends into blocks that fell short (`KEY_SHORT_BLOCK_CONV`; 0: never).
    pub short_at: i64,
}

/// Buckets of a conversion ring.
pub const CONV_BUCKETS: usize = 16;

impl Conv {
    /// A key with no sends yet.
    pub fn new() -> Conv {
        Conv {
            last: 0,
            head: 0,
            sends: [0; CONV_BUCKETS],
            verified: [0; CONV_BUCKETS],
            rate_num: 0.0,
            rate_den: 0.0,
            vol: 0.0,
            span: 0.0,
            blocks: Default::default(),
            day_start: 0,
            day_sends: 0,
            day_verified: 0,
            prev_sends: 0,
            prev_verified: 0,
            day_last_min: 0,
            prev_last_min: 0,
            young_n: 0.0,
            young_v: 0.0,
            cusum: 0.0,
            cusum_at: 0,
            short_at: 0,
        }
    }
}

impl Default for Conv {
    fn default() -> Conv {
        Conv::new()
    }
}

impl Aged for Conv {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

/// Distinct numbers of one adjacency range (tenant × number without its last digits).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Range {
    /// Last update.
    pub last: Millis,
    /// Suffixes (or their salted hashes in privacy mode) and when they were seen.
    pub seen: Recent<16>,
}

impl Aged for Range {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

/// One block's sends across all tenants, decayed over hours (`recent`) and over days
/// (`long_run`): a block whose long-run count is mostly recent is new to the platform. Sums
/// of two instances' counts are the counts of their union.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockCount {
    /// Last update (both counts are decayed to it).
    pub t: Millis,
    /// Sends, decayed with the fast half-life.
    pub recent: f32,
    /// Sends, decayed with the slow half-life.
    pub long_run: f32,
}

impl BlockCount {
    /// Counts one send at `now` (a time before the last update counts at the last update).
    pub fn add(&mut self, now: Millis, fast: Millis, slow: Millis) {
        if now > self.t {
            self.recent = Decayed::decay(self.recent, now - self.t, fast);
            self.long_run = Decayed::decay(self.long_run, now - self.t, slow);
            self.t = now;
        }
        self.recent += 1.0;
        self.long_run += 1.0;
    }

    /// `(recent, long_run)` at `now`.
    pub fn get(&self, now: Millis, fast: Millis, slow: Millis) -> (f32, f32) {
        (
            Decayed::decay(self.recent, now - self.t, fast),
            Decayed::decay(self.long_run, now - self.t, slow),
        )
    }
}

impl Aged for BlockCount {
    fn last_seen(&self) -> Millis {
        self.t
    }
}

/// One block's cross-tenant evidence: the numbers reached and the tenants reaching them, from
/// sends of tenants new to the block. The union of two instances' sets (each value at its
/// newest time) is the set of their union.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BlockSets {
    /// Last update.
    pub last: Millis,
    /// Numbers (salted hashes).
    pub numbers: Recent<16>,
    /// Tenants (salted hashes).
    pub tenants: Recent<16>,
}

impl Aged for BlockSets {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

/// What a peer instance contributed to the cross-tenant view, as of its latest export that
/// was imported: its own blocks only, sorted by key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// The peer's instance name.
    pub instance: String,
    /// The peer's clock (newest event time) when it exported.
    pub clock: Millis,
    /// The peer's export count.
    pub seq: u64,
    /// Checksum of the export's body (orders two exports with the same clock and count).
    pub digest: u64,
    /// Block counts, sorted by block key.
    pub counts: Vec<(u64, BlockCount)>,
    /// Block evidence, sorted by block key.
    pub sets: Vec<(u64, BlockSets)>,
}

impl Peer {
    /// Which of two exports of one instance wins: the newer.
    pub fn version(&self) -> (Millis, u64, u64) {
        (self.clock, self.seq, self.digest)
    }

    /// The peer's counts of `block`.
    pub fn count(&self, block: u64) -> Option<&BlockCount> {
        self.counts
            .binary_search_by_key(&block, |(k, _)| *k)
            .ok()
            .map(|i| &self.counts[i].1)
    }

    /// The peer's evidence of `block`.
    pub fn block_sets(&self, block: u64) -> Option<&BlockSets> {
        self.sets
            .binary_search_by_key(&block, |(k, _)| *k)
            .ok()
            .map(|i| &self.sets[i].1)
    }

    /// Upper bound of a peer's bytes under `l`.
    pub fn bytes_bound(l: &Limits) -> usize {
        size_of::<Peer>()
            + 64
            + l.shared_blocks * size_of::<(u64, BlockCount)>()
            + l.shared_evidence * size_of::<(u64, BlockSets)>()
    }
}

/// The cross-tenant view: this instance's blocks, and what its peers exported.
#[derive(Clone, Serialize, Deserialize)]
pub struct Shared {
    /// Block counts of this instance's sends.
    pub counts: BoundedMap<BlockCount>,
    /// Block evidence of this instance's sends.
    pub sets: BoundedMap<BlockSets>,
    /// Peers, sorted by instance name.
    pub peers: Vec<Peer>,
    /// The name this instance last exported under (its own export is never imported).
    pub me: Option<String>,
    /// Exports made.
    pub seq: u64,
}

impl Shared {
    fn new(l: &Limits) -> Shared {
        Shared {
            counts: BoundedMap::new(l.shared_blocks),
            sets: BoundedMap::new(l.shared_evidence),
            peers: Vec::new(),
            me: None,
            seq: 0,
        }
    }

    fn bytes_bound(l: &Limits) -> usize {
        BoundedMap::<BlockCount>::bytes_bound(l.shared_blocks)
            + BoundedMap::<BlockSets>::bytes_bound(l.shared_evidence)
            + l.shared_peers * (Peer::bytes_bound(l) + size_of::<Peer>())
    }

    fn bytes_used(&self) -> usize {
        self.counts.bytes_used()
            + self.sets.bytes_used()
            + self.peers.capacity() * size_of::<Peer>()
            + self
                .peers
                .iter()
                .map(|p| {
                    p.instance.capacity()
                        + p.counts.capacity() * size_of::<(u64, BlockCount)>()
                        + p.sets.capacity() * size_of::<(u64, BlockSets)>()
                })
                .sum::<usize>()
    }

    fn rebuild(&mut self, l: &Limits) -> Result<(), String> {
        self.counts.rebuild(l.shared_blocks)?;
        self.sets.rebuild(l.shared_evidence)?;
        if self.peers.len() > l.shared_peers {
            return Err("more peers than the limit".into());
        }
        for p in &self.peers {
            check_peer(p, l)?;
        }
        if !self.peers.windows(2).all(|w| w[0].instance < w[1].instance) {
            return Err("peers out of order".into());
        }
        Ok(())
    }
}

/// Checks a peer's contribution against the limits: sizes, key order, finite counts.
pub fn check_peer(p: &Peer, l: &Limits) -> Result<(), String> {
    if p.instance.is_empty() || p.instance.len() > MAX_INSTANCE {
        return Err(format!("instance name of 1 to {MAX_INSTANCE} bytes expected"));
    }
    if p.counts.len() > l.shared_blocks || p.sets.len() > l.shared_evidence {
        return Err(format!(
            "{} blocks and {} with evidence, over limits.shared_blocks ({}) or limits.shared_evidence ({})",
            p.counts.len(),
            p.sets.len(),
            l.shared_blocks,
            l.shared_evidence
        ));
    }
    if !p.counts.windows(2).all(|w| w[0].0 < w[1].0) || !p.sets.windows(2).all(|w| w[0].0 < w[1].0) {
        return Err("blocks not sorted by key".into());
    }
    let sane = |x: f32| x.is_finite() && x >= 0.0;
    if !p.counts.iter().all(|(_, c)| sane(c.recent) && sane(c.long_run)) {
        return Err("a count is negative or not finite".into());
    }
    let when = |t: Millis| (0..=crate::time::MAX_TIME).contains(&t);
    if !p.counts.iter().all(|(_, c)| when(c.t)) || !p.sets.iter().all(|(_, s)| when(s.last)) {
        return Err("a time outside 1970 to 2100".into());
    }
    Ok(())
}

/// Longest instance name.
pub const MAX_INSTANCE: usize = 128;

/// One requester (tenant × IP / user agent / user / session).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Source {
    /// Last update.
    pub last: Millis,
    /// Numbers reached (salted hashes).
    pub numbers: Recent<16>,
    /// Countries reached.
    pub countries: Recent<8>,
    /// Long-run sends (half-life `LONG_RUN`).
    pub long_run: Decayed,
    /// Provider / identity-platform blocks of this source (half-life = time window).
    pub blocks: Decayed,
}

impl Aged for Source {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

/// Half-life of long-run shares: three days.
pub const LONG_RUN: Millis = 3 * 86_400_000;

/// Countries tracked per tenant.
pub const TENANT_COUNTRIES: usize = 32;
/// Workflows tracked per tenant.
pub const TENANT_WORKFLOWS: usize = 8;

/// One of a tenant's workflows.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Flow {
    /// Workflow hash.
    pub hash: u64,
    /// Sends in the time window.
    pub window: Decayed,
    /// Long-run sends.
    pub long_run: Decayed,
    /// Long-run verified sends (the flow's own conversion baseline).
    pub verified: Decayed,
    /// First send (seconds).
    pub first: u32,
    /// UTC day of its latest send (days since 1970).
    pub day: u16,
    /// Days before `day` it sent on with none of its sends held at `high` (saturating).
    pub clean_days: u8,
    /// A send of `day` was held at `high`.
    pub held: bool,
}

/// One tenant.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tenant {
    /// Last update.
    pub last: Millis,
    /// First send seen.
    pub first: Millis,
    /// Sends seen.
    pub sends: u64,
    /// Conversions seen (0: the logs carry no conversion evidence for this tenant).
    pub conversions: u64,
    /// Long-run sends.
    pub long_run: Decayed,
    /// Sends in the time window.
    pub window: Decayed,
    /// Countries: id, long-run count, first send (seconds).
    pub countries: Vec<(u16, Decayed, u32)>,
    /// Workflows.
    pub workflows: Vec<Flow>,
    /// The tenant's sends and conversions over all its traffic (for the conversion-gap rule).
    pub conv: Conv,
    /// UTC day being counted for budgets and weekly seasonality.
    pub day: i64,
    /// Sends that day.
    pub day_count: u64,
    /// Spend that day (USD).
    pub day_spend: f64,
    /// Highest budget mark crossed that day (percent).
    pub day_mark: u32,
    /// Smoothed daily sends by day of week (Monday first).
    pub dow: [f32; 7],
    /// Days folded into `dow`.
    pub days_seen: u32,
    /// Long-run conversion of the tenant: verified (decayed).
    pub conv_num: f32,
    /// Long-run conversion of the tenant: sends (decayed).
    pub conv_den: f32,
    /// How long the tenant's verified codes took, send to conversion: a decayed histogram over
    /// [`DELAY_EDGES_SECS`] (the last bin is everything later). The learned grace period.
    pub delays: [f32; DELAY_BINS],
}

/// Upper edges (seconds) of the verification-delay bins of [`Tenant::delays`].
pub const DELAY_EDGES_SECS: [u32; DELAY_BINS - 1] = [15, 30, 60, 90, 120, 180, 240, 300, 420, 600];
/// Bins of [`Tenant::delays`]: one per edge, and one for later conversions.
pub const DELAY_BINS: usize = 11;

impl Tenant {
    /// The tracked workflow of hash `wh`.
    pub fn flow(&self, wh: u64) -> Option<&Flow> {
        self.workflows.iter().find(|w| w.hash == wh)
    }

    /// The tracked workflow of hash `wh`, to update.
    pub fn flow_mut(&mut self, wh: u64) -> Option<&mut Flow> {
        self.workflows.iter_mut().find(|w| w.hash == wh)
    }
}

impl Aged for Tenant {
    fn last_seen(&self) -> Millis {
        self.last
    }
    const HEAP_BOUND: usize = TENANT_COUNTRIES.next_power_of_two() * size_of::<(u16, Decayed, u32)>()
        + TENANT_WORKFLOWS.next_power_of_two() * size_of::<Flow>();
}

/// A send remembered to attribute its conversion.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct SentRef {
    /// Send time.
    pub at: Millis,
    /// Tenant key.
    pub tenant: u64,
    /// Tenant × country conversion key.
    pub country_key: u64,
    /// Tenant × block conversion key.
    pub block_key: u64,
    /// The flow's conversion key of the destination countries new to the tenant, taken together
    /// (0: the country was not new).
    pub rare_key: u64,
    /// Workflow hash of the send's flow (0: none), whose long-run conversion the send counts in.
    pub workflow: u64,
    /// Conversion keys of the send's requester (IP, else user, else session) and user agent
    /// (0: none).
    pub source_keys: [u64; 2],
    /// Already verified.
    pub verified: bool,
    /// The number had verified a code before this send (a known-good recipient).
    pub known_good: bool,
    /// The send's requester was known (`known_requester`): its verification counts in the
    /// flow × country's key of sends from known requesters too.
    pub known_requester: bool,
    /// Keys in `State::known` of the requester's network and user (0: none), marked when the
    /// send is verified.
    pub requester_marks: [u64; 2],
    /// The keyed hash of its user agent's product (0: none): its verification counts in the
    /// flow × country's key of that kind of client too.
    pub agent_class: u32,
    /// Key of its tenant × number in `State::known_numbers`, marked when the send is verified.
    pub number: u64,
    /// Its block's matured sends fell short at the time: its verification counts in the
    /// flow × country's key of such sends too.
    pub short_block: bool,
}

impl Aged for SentRef {
    fn last_seen(&self) -> Millis {
        self.at
    }
}

/// A message id seen (to count each message once).
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Seen(pub Millis);

impl Aged for Seen {
    fn last_seen(&self) -> Millis {
        self.0
    }
}

/// Slots per bucket of a [`KnownSet`].
const KNOWN_BUCKET: usize = 8;

/// A set of 64-bit keyed hashes kept as 16-bit fingerprints in buckets of eight, most recently
/// inserted first: two bytes per member, so it can remember far more numbers and requesters
/// than a map of recent sends. A full bucket forgets its least recently inserted member. A key
/// that was never inserted is taken for a member with probability about 8 in 65,535 (its
/// bucket's fingerprints), so pumping a fresh number is almost never mistaken for a known one.
/// The slots are allocated at the first insert.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KnownSet {
    buckets: usize,
    slots: Vec<u16>,
}

impl KnownSet {
    /// An empty set of at least `cap` slots (rounded up to a power of two of buckets).
    pub fn new(cap: usize) -> Self {
        KnownSet {
            buckets: Self::bucket_count(cap),
            slots: Vec::new(),
        }
    }

    fn bucket_count(cap: usize) -> usize {
        cap.div_ceil(KNOWN_BUCKET).max(1).next_power_of_two()
    }

    /// Upper bound of the bytes a set of `cap` slots may use.
    pub fn bytes_bound(cap: usize) -> usize {
        Self::bucket_count(cap) * KNOWN_BUCKET * size_of::<u16>() + size_of::<Self>()
    }

    /// Bytes in use now.
    pub fn bytes_used(&self) -> usize {
        self.slots.capacity() * size_of::<u16>() + size_of::<Self>()
    }

    /// The bucket (its first slot) and the fingerprint (never 0, the empty slot) of `key`.
    fn locate(&self, key: u64) -> (usize, u16) {
        let bucket = (key as usize) & (self.buckets - 1);
        (bucket * KNOWN_BUCKET, ((key >> 48) as u16).max(1))
    }

    /// Whether `key` was inserted (and not yet forgotten).
    pub fn contains(&self, key: u64) -> bool {
        if self.slots.is_empty() {
            return false;
        }
        let (at, fp) = self.locate(key);
        self.slots[at..at + KNOWN_BUCKET].contains(&fp)
    }

    /// Inserts `key` as its bucket's most recent member (forgetting the least recent of a full
    /// bucket).
    pub fn insert(&mut self, key: u64) {
        if self.slots.is_empty() {
            self.slots = vec![0; self.buckets * KNOWN_BUCKET];
        }
        let (at, fp) = self.locate(key);
        let bucket = &mut self.slots[at..at + KNOWN_BUCKET];
        let upto = bucket
            .iter()
            .position(|&x| x == fp || x == 0)
            .unwrap_or(KNOWN_BUCKET - 1);
        bucket[..=upto].rotate_right(1);
        bucket[0] = fp;
    }

    /// Checks a restored set against the capacity `cap`.
    pub fn rebuild(&mut self, cap: usize) -> Result<(), String> {
        if self.buckets != Self::bucket_count(cap)
            || !(self.slots.is_empty() || self.slots.len() == self.buckets * KNOWN_BUCKET)
        {
            return Err(format!(
                "a known set of {} slots, but the limit makes {}",
                self.buckets * KNOWN_BUCKET,
                Self::bucket_count(cap) * KNOWN_BUCKET
            ));
        }
        Ok(())
    }
}

/// Incident bookkeeping.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Incident {
    /// Incident id.
    pub id: String,
    /// Tenant.
    pub tenant: String,
    /// Country.
    pub country: String,
    /// Block of the opening record.
    pub block: String,
    /// Opened.
    pub first: Millis,
    /// Last record at alert level.
    pub last: Millis,
    /// Highest level so far (as an ordinal of `Level`).
    pub max_level: u8,
    /// Alerts raised (open + escalations).
    pub alerts: u32,
    /// Sends attributed (records at medium or above while open).
    pub sends: u64,
    /// Estimated cost of those sends (USD).
    pub cost: f64,
    /// The cost mark's alert was raised.
    pub cost_alerted: bool,
    /// Strongest reasons seen: code and highest weight.
    pub reasons: Vec<(String, i32)>,
    /// Whether it is still open.
    pub open: bool,
}

impl Aged for Incident {
    fn last_seen(&self) -> Millis {
        self.last
    }
    const HEAP_BOUND: usize = 4 * 64 + 6 * (size_of::<(String, i32)>() + 32);
}

/// An expected change in force.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActiveAnnotation {
    /// Tenant key.
    pub tenant: u64,
    /// Workflow key, if limited to one.
    pub workflow: Option<u64>,
    /// Country id, if limited to one.
    pub country: Option<u16>,
    /// Start.
    pub start: Millis,
    /// End.
    pub end: Millis,
    /// Label.
    pub label: String,
}

/// All mutable state of an engine.
#[derive(Clone, Serialize, Deserialize)]
pub struct State {
    /// Newest event time seen.
    pub clock: Millis,
    /// A far forward jump of the clock waiting for a second record to confirm it.
    pub pending_jump: Option<Millis>,
    /// Tenants.
    pub tenants: BoundedMap<Tenant>,
    /// Volume keys.
    pub volumes: BoundedMap<Volume>,
    /// Conversion keys.
    pub convs: BoundedMap<Conv>,
    /// Adjacency ranges.
    pub ranges: BoundedMap<Range>,
    /// Sources.
    pub sources: BoundedMap<Source>,
    /// Recent sends by reference and by number.
    pub sent: BoundedMap<SentRef>,
    /// Message ids.
    pub messages: BoundedMap<Seen>,
    /// Requesters' networks and users that verified a code of their tenant.
    pub known: KnownSet,
    /// Numbers that verified a code of their tenant (keyed by tenant × number).
    pub known_numbers: KnownSet,
    /// Incidents by id key.
    pub incidents: BoundedMap<Incident>,
    /// Open incident per tenant × country: incident id key.
    pub open: BoundedMap<OpenRef>,
    /// Annotations received in the stream.
    pub annotations: Vec<ActiveAnnotation>,
    /// The cross-tenant view (`shared_block`), mergeable across instances.
    pub shared: Shared,
}

/// Pointer from a tenant × country to its open incident.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct OpenRef {
    /// Incident key.
    pub incident: u64,
    /// Last alert-level record.
    pub last: Millis,
}

impl Aged for OpenRef {
    fn last_seen(&self) -> Millis {
        self.last
    }
}

impl State {
    /// Empty state with the capacities of `l`.
    pub fn new(l: &Limits) -> State {
        State {
            clock: 0,
            pending_jump: None,
            tenants: BoundedMap::new(l.tenants),
            volumes: BoundedMap::new(l.volume_keys),
            convs: BoundedMap::new(l.conversion_keys),
            ranges: BoundedMap::new(l.ranges),
            sources: BoundedMap::new(l.sources),
            sent: BoundedMap::new(l.recent_sends),
            messages: BoundedMap::new(l.messages),
            known: KnownSet::new(l.known_requesters),
            known_numbers: KnownSet::new(l.known_numbers),
            incidents: BoundedMap::new(l.incidents),
            open: BoundedMap::new(l.incidents),
            annotations: Vec::new(),
            shared: Shared::new(l),
        }
    }

    /// Upper bound of the bytes state with these capacities may use.
    pub fn bytes_bound(l: &Limits) -> usize {
        BoundedMap::<Tenant>::bytes_bound(l.tenants)
            + BoundedMap::<Volume>::bytes_bound(l.volume_keys)
            + BoundedMap::<Conv>::bytes_bound(l.conversion_keys)
            + BoundedMap::<Range>::bytes_bound(l.ranges)
            + BoundedMap::<Source>::bytes_bound(l.sources)
            + BoundedMap::<SentRef>::bytes_bound(l.recent_sends)
            + BoundedMap::<Seen>::bytes_bound(l.messages)
            + KnownSet::bytes_bound(l.known_requesters)
            + KnownSet::bytes_bound(l.known_numbers)
            + BoundedMap::<Incident>::bytes_bound(l.incidents)
            + BoundedMap::<OpenRef>::bytes_bound(l.incidents)
            + l.annotations * (size_of::<ActiveAnnotation>() + 128)
            + Shared::bytes_bound(l)
    }

    /// Bytes in use now.
    pub fn bytes_used(&self) -> usize {
        self.tenants.bytes_used()
            + self.volumes.bytes_used()
            + self.convs.bytes_used()
            + self.ranges.bytes_used()
            + self.sources.bytes_used()
            + self.sent.bytes_used()
            + self.messages.bytes_used()
            + self.known.bytes_used()
            + self.known_numbers.bytes_used()
            + self.incidents.bytes_used()
            + self.open.bytes_used()
            + self.annotations.capacity() * (size_of::<ActiveAnnotation>() + 128)
            + self.shared.bytes_used()
    }

    /// Rebuilds indexes after a restore and checks capacities.
    pub fn rebuild(&mut self, l: &Limits) -> Result<(), String> {
        self.tenants.rebuild(l.tenants)?;
        self.volumes.rebuild(l.volume_keys)?;
        self.convs.rebuild(l.conversion_keys)?;
        self.ranges.rebuild(l.ranges)?;
        self.sources.rebuild(l.sources)?;
        self.sent.rebuild(l.recent_sends)?;
        self.messages.rebuild(l.messages)?;
        self.known.rebuild(l.known_requesters)?;
        self.known_numbers.rebuild(l.known_numbers)?;
        self.incidents.rebuild(l.incidents)?;
        self.open.rebuild(l.incidents)?;
        if self.annotations.len() > l.annotations {
            return Err("more annotations than the limit".into());
        }
        self.shared.rebuild(l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Aged for Millis {
        fn last_seen(&self) -> Millis {
            *self
        }
    }

    #[test]
    fn bounded_map_never_exceeds_capacity_and_keeps_recent() {
        let mut m: BoundedMap<Millis> = BoundedMap::new(100);
        for i in 0..10_000u64 {
            *m.entry(i.wrapping_mul(0x9E37_79B9_7F4A_7C15), || 0) = i as Millis;
            assert!(m.len() <= 100);
        }
        // Sampled LRU keeps mostly recent entries.
        let recent = m.iter().filter(|(_, v)| **v >= 9_000).count();
        assert!(recent > 80, "{recent}");
        for (k, v) in m.iter() {
            assert_eq!(m.get(k), Some(v));
        }
    }

    #[test]
    fn known_set_keeps_the_most_recent_of_a_bucket_and_rarely_mistakes_a_stranger() {
        let mut k = KnownSet::new(1 << 12);
        assert_eq!(k.buckets, 1 << 9);
        assert!(!k.contains(42));
        assert_eq!(k.bytes_used(), size_of::<KnownSet>());
        // Nine keys of one bucket (same low bits, distinct fingerprints): the first is forgotten,
        // unless it was inserted again before the ninth.
        let key = |i: u64| (i + 1) << 48 | 7;
        for i in 0..8 {
            k.insert(key(i));
        }
        k.insert(key(0));
        k.insert(key(8));
        assert!(k.contains(key(0)));
        assert!(!k.contains(key(1)));
        assert!((2..9).all(|i| k.contains(key(i))));
        // A full set of random members; strangers taken for members about 8 in 65,535.
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let members: Vec<u64> = (0..4096).map(|_| next()).collect();
        for &m in &members {
            k.insert(m);
        }
        let kept = members.iter().filter(|&&m| k.contains(m)).count();
        assert!(kept > 3_000, "{kept}");
        let mistaken = (0..1_000_000).filter(|_| k.contains(next())).count();
        assert!(mistaken < 250, "{mistaken}");
        assert_eq!(k.bytes_used(), KnownSet::bytes_bound(1 << 12));
        assert!(k.rebuild(1 << 12).is_ok());
        assert!(k.rebuild(1 << 13).is_err());
    }

    #[test]
    fn decayed_halves() {
        let mut d = Decayed::default();
        d.add(1_000, 8.0, 1_000);
        assert!((d.get(2_000, 1_000) - 4.0).abs() < 1e-3);
        d.add(500, 1.0, 1_000); // out of order: counts at the last update
        assert!((d.get(1_000, 1_000) - 9.0).abs() < 1e-3);
    }

    #[test]
    fn recent_counts_distinct_in_window() {
        let mut r: Recent<4> = Recent::default();
        for (v, t) in [(1, 10), (2, 11), (1, 12), (3, 13), (4, 14), (5, 15)] {
            r.see(v, t);
        }
        assert_eq!(r.count_since(13), 3); // 3, 4, 5
        assert_eq!(r.count_since(0), 4);
    }
}

#[cfg(test)]
mod size_report {
    use super::*;

    #[test]
    fn default_bound_fits_64_mib() {
        let l = Limits::default();
        for (name, b) in [
            ("tenants", BoundedMap::<Tenant>::bytes_bound(l.tenants)),
            ("volumes", BoundedMap::<Volume>::bytes_bound(l.volume_keys)),
            ("convs", BoundedMap::<Conv>::bytes_bound(l.conversion_keys)),
            ("ranges", BoundedMap::<Range>::bytes_bound(l.ranges)),
            ("sources", BoundedMap::<Source>::bytes_bound(l.sources)),
            ("sent", BoundedMap::<SentRef>::bytes_bound(l.recent_sends)),
            ("messages", BoundedMap::<Seen>::bytes_bound(l.messages)),
            ("known", KnownSet::bytes_bound(l.known_requesters)),
            ("numbers", KnownSet::bytes_bound(l.known_numbers)),
            ("incidents", BoundedMap::<Incident>::bytes_bound(l.incidents)),
            ("shared", Shared::bytes_bound(&l)),
        ] {
            eprintln!("{name:10} {:>10}", b);
        }
        assert!(
            State::bytes_bound(&l) <= l.max_state_bytes,
            "{}",
            State::bytes_bound(&l)
        );
    }
}
