//! Cross-worker event sharing. Envoy runs one VM per worker thread, so each worker's engine
//! would see only the requests its thread served: an attack spread over N workers would look
//! N times smaller. Every worker therefore publishes the events it scores to a ring in Envoy's
//! shared data, and before scoring replays the events other workers published since it last
//! looked. Each engine then sees the whole stream.
//!
//! Layout, all keys fixed and pre-created (shared-data keys never expire, so the key set is
//! bounded by `ring_slots + 2`):
//! - `pumpguard.seq`: the last sequence number handed out (u64 LE), advanced by compare-and-swap;
//! - `pumpguard.workers`: a counter giving each VM its id (u32 LE);
//! - `pumpguard.ring.<seq % ring_slots>`: `seq` (u64 LE), publisher id (u32 LE), event bytes.
//!
//! A reader stops at a slot whose writer has taken the number but not written it yet, and takes
//! it on its next request; a slot already overwritten by a later lap is skipped and counted. A
//! new VM (a new worker, or one reloaded after a failure) starts `ring_slots` events back, so it
//! warms up from the ring instead of starting cold.

/// Envoy's shared data, or an in-memory stand-in for tests.
pub trait SharedStore {
    /// The value and its compare-and-swap token.
    fn get(&self, key: &str) -> (Option<Vec<u8>>, Option<u32>);
    /// Writes `value` if `cas` still matches (or always when `None`); false on a mismatch.
    fn set(&self, key: &str, value: &[u8], cas: Option<u32>) -> bool;
}

const SEQ: &str = "pumpguard.seq";
const WORKERS: &str = "pumpguard.workers";
/// Compare-and-swap attempts before giving up on one publish (contention of this order means
/// something is badly wrong; the event is then scored locally only).
const CAS_ATTEMPTS: usize = 64;

fn slot_key(slot: u64) -> String {
    format!("pumpguard.ring.{slot}")
}

fn read_u64(v: Option<&[u8]>) -> u64 {
    v.and_then(|b| b.get(..8))
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .unwrap_or(0)
}

/// What one catch-up did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CatchUp {
    /// Other workers' events applied.
    pub replayed: u64,
    /// Events lost to a lap of the ring (this worker was more than `ring_slots` behind).
    pub skipped: u64,
}

/// One worker's view of the ring.
#[derive(Debug)]
pub struct Ring {
    slots: u64,
    max_catch_up: u64,
    /// This VM's id.
    pub worker: u32,
    /// The next sequence number to read.
    next: u64,
}

impl Ring {
    /// Joins the ring: takes a worker id and pre-creates the counters. `salt` (any per-VM
    /// value, e.g. the start time's nanoseconds) keeps ids apart even if two VMs created the
    /// counter at once, which compare-and-swap cannot guard for a key that does not exist yet.
    pub fn join(store: &dyn SharedStore, slots: u32, max_catch_up: u32, salt: u32) -> Ring {
        let slots = u64::from(slots.max(1));
        if store.get(SEQ).0.is_none() {
            store.set(SEQ, &0u64.to_le_bytes(), None);
        }
        let mut worker = 0;
        for _ in 0..CAS_ATTEMPTS {
            let (v, cas) = store.get(WORKERS);
            let n = v
                .as_deref()
                .and_then(|b| b.get(..4))
                .and_then(|b| b.try_into().ok())
                .map(u32::from_le_bytes)
                .unwrap_or(0);
            if store.set(WORKERS, &(n.wrapping_add(1)).to_le_bytes(), cas) {
                worker = (salt << 16) | (n.wrapping_add(1) & 0xffff);
                break;
            }
        }
        let head = read_u64(store.get(SEQ).0.as_deref());
        Ring {
            slots,
            max_catch_up: u64::from(max_catch_up.max(1)),
            worker,
            next: head.saturating_sub(slots - 1).max(1),
        }
    }

    /// Publishes one event; returns its sequence number, or `None` if the counter could not be
    /// advanced.
    pub fn publish(&mut self, store: &dyn SharedStore, event: &[u8]) -> Option<u64> {
        let mut seq = None;
        for _ in 0..CAS_ATTEMPTS {
            let (v, cas) = store.get(SEQ);
            let s = read_u64(v.as_deref()).wrapping_add(1);
            if store.set(SEQ, &s.to_le_bytes(), cas) {
                seq = Some(s);
                break;
            }
        }
        let seq = seq?;
        let mut slot = Vec::with_capacity(12 + event.len());
        slot.extend_from_slice(&seq.to_le_bytes());
        slot.extend_from_slice(&self.worker.to_le_bytes());
        slot.extend_from_slice(event);
        store.set(&slot_key(seq % self.slots), &slot, None);
        Some(seq)
    }

    /// Applies, in order, the events other workers published since the last call (at most
    /// `max_catch_up` of them).
    pub fn catch_up(&mut self, store: &dyn SharedStore, mut apply: impl FnMut(&[u8])) -> CatchUp {
        let mut done = CatchUp::default();
        let head = read_u64(store.get(SEQ).0.as_deref());
        if head >= self.next.saturating_add(self.slots) {
            let oldest = head - self.slots + 1;
            done.skipped += oldest - self.next;
            self.next = oldest;
        }
        let mut looked = 0;
        while self.next <= head && looked < self.max_catch_up {
            looked += 1;
            let value = store.get(&slot_key(self.next % self.slots)).0;
            let value = value.unwrap_or_default();
            let seq = read_u64(Some(&value));
            if seq == self.next && value.len() >= 12 {
                let worker = u32::from_le_bytes([value[8], value[9], value[10], value[11]]);
                if worker != self.worker {
                    apply(&value[12..]);
                    done.replayed += 1;
                }
                self.next += 1;
            } else if seq > self.next {
                // Overwritten by a later lap.
                done.skipped += 1;
                self.next += 1;
            } else if head - self.next >= self.slots / 2 {
                // Taken but never written (its VM failed between the two steps): skip it.
                done.skipped += 1;
                self.next += 1;
            } else {
                // Taken but not written yet: take it next time.
                break;
            }
        }
        done
    }

    /// Marks everything up to and including `seq` as seen (after publishing and applying one's
    /// own event, when nothing else is pending).
    pub fn seen(&mut self, seq: u64) {
        if self.next == seq {
            self.next = seq + 1;
        }
    }
}

/// Envoy's shared-data semantics in memory (a compare-and-swap token per key, bumped on every
/// write), for the unit tests and the fuzzer.
#[derive(Default)]
pub struct MemStore(pub std::cell::RefCell<std::collections::HashMap<String, (Vec<u8>, u32)>>);

impl SharedStore for MemStore {
    fn get(&self, key: &str) -> (Option<Vec<u8>>, Option<u32>) {
        match self.0.borrow().get(key) {
            Some((v, c)) => (Some(v.clone()), Some(*c)),
            None => (None, None),
        }
    }
    fn set(&self, key: &str, value: &[u8], cas: Option<u32>) -> bool {
        let mut m = self.0.borrow_mut();
        let cur = m.get(key).map(|e| e.1);
        if let (Some(want), Some(have)) = (cas, cur) {
            if want != have {
                return false;
            }
        }
        let next = cur.unwrap_or(0).wrapping_add(1);
        m.insert(key.to_owned(), (value.to_vec(), next));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Mem = MemStore;

    #[test]
    fn two_workers_each_see_the_others_events_once_in_order() {
        let store = Mem::default();
        let mut a = Ring::join(&store, 64, 1000, 0);
        let mut b = Ring::join(&store, 64, 1000, 0);
        assert_ne!(a.worker, b.worker);
        let (mut seen_a, mut seen_b) = (Vec::new(), Vec::new());
        for i in 0..40u32 {
            let (me, other, seen) = if i % 3 == 0 {
                (&mut b, "b", &mut seen_b)
            } else {
                (&mut a, "a", &mut seen_a)
            };
            me.catch_up(&store, |e| seen.push(String::from_utf8_lossy(e).into_owned()));
            me.publish(&store, format!("{other}{i}").as_bytes());
        }
        a.catch_up(&store, |e| seen_a.push(String::from_utf8_lossy(e).into_owned()));
        b.catch_up(&store, |e| seen_b.push(String::from_utf8_lossy(e).into_owned()));
        let want_a: Vec<String> = (0..40).filter(|i| i % 3 == 0).map(|i| format!("b{i}")).collect();
        let want_b: Vec<String> = (0..40).filter(|i| i % 3 != 0).map(|i| format!("a{i}")).collect();
        assert_eq!(seen_a, want_a);
        assert_eq!(seen_b, want_b);
        assert_eq!(store.0.borrow().len(), 2 + 40, "keys stay bounded by the ring");
    }

    #[test]
    fn a_worker_lapped_by_the_ring_skips_ahead_and_counts_what_it_lost() {
        let store = Mem::default();
        let mut a = Ring::join(&store, 16, 1000, 0);
        let mut b = Ring::join(&store, 16, 1000, 0);
        for i in 0..50u32 {
            a.publish(&store, &i.to_le_bytes());
        }
        let mut got = Vec::new();
        let c = b.catch_up(&store, |e| got.push(u32::from_le_bytes(e.try_into().unwrap())));
        assert_eq!(got, (34..50).collect::<Vec<_>>());
        assert_eq!(
            c,
            CatchUp {
                replayed: 16,
                skipped: 34
            }
        );
        assert!(store.0.borrow().len() <= 2 + 16);
    }

    #[test]
    fn a_reserved_but_unwritten_slot_is_waited_for_then_skipped_when_stale() {
        let store = Mem::default();
        let mut a = Ring::join(&store, 64, 1000, 0);
        let mut b = Ring::join(&store, 64, 1000, 0);
        a.publish(&store, b"one");
        // A writer takes number 2 and fails before writing its slot.
        store.set(SEQ, &2u64.to_le_bytes(), None);
        let mut got = Vec::new();
        b.catch_up(&store, |e| got.push(e.to_vec()));
        assert_eq!(got, vec![b"one".to_vec()]);
        a.publish(&store, b"three");
        b.catch_up(&store, |e| got.push(e.to_vec()));
        assert_eq!(got.len(), 1, "waits for number 2");
        for _ in 0..40 {
            a.publish(&store, b"more");
        }
        let c = b.catch_up(&store, |e| got.push(e.to_vec()));
        assert_eq!(c.skipped, 1);
        assert_eq!(got.len(), 42);
    }

    #[test]
    fn a_new_vm_warms_up_from_the_ring_and_catch_up_is_bounded_per_call() {
        let store = Mem::default();
        let mut a = Ring::join(&store, 64, 1000, 0);
        for i in 0..100u32 {
            a.publish(&store, &i.to_le_bytes());
        }
        let mut fresh = Ring::join(&store, 64, 10, 0);
        let mut got = 0;
        assert_eq!(fresh.catch_up(&store, |_| got += 1).replayed, 10);
        while fresh.catch_up(&store, |_| got += 1).replayed > 0 {}
        assert_eq!(got, 64, "the whole ring is history");
    }
}
