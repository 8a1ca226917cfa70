//! Mergeable cross-tenant state (issue 17): `Engine::export_shared` / `import_shared`.
//!
//! The merge is a join: importing any multiset of exports, in any order, gives the same state
//! (commutative, idempotent), also when the peer slots are full. Exports are checked before
//! anything is taken: another salt, another block width, a corrupt or truncated export, or
//! one over the limits is refused and the state is unchanged.

use pumpguard::partition::kafka_partition;
use pumpguard::{Config, Engine, SharedImport};
use pumpguard_sim::traffic::{simulate, Settings, Sweep};

use crate::rng::Rng;

fn engine(cfg: &Config) -> Engine {
    Engine::new(cfg.clone()).expect("config")
}

/// Exports of four instances that each scored one partition of a day of simulated traffic,
/// taken after each quarter of it (so each instance has several versions).
fn exports(cfg: &Config) -> Vec<Vec<u8>> {
    let lines = simulate(&Settings {
        seed: 7,
        days: 2,
        scale: 0.5,
        sweep: Sweep::default(),
    });
    let keyer = engine(cfg);
    let mut engines: Vec<Engine> = (0..4).map(|_| engine(cfg)).collect();
    let mut out = Vec::new();
    let quarter = lines.len() / 4;
    for (i, l) in lines.iter().enumerate() {
        let p = keyer
            .partition_key(l.text.as_bytes())
            .map_or(0, |k| kafka_partition(&k, 4));
        engines[p as usize].score(l.text.as_bytes(), None);
        if (i + 1) % quarter == 0 {
            for (j, e) in engines.iter_mut().enumerate() {
                out.push(e.export_shared(&format!("scorer-{j}")).expect("export"));
            }
        }
    }
    out
}

/// The observer's state after importing `order`.
fn after(cfg: &Config, base: &[u8], exports: &[Vec<u8>], order: &[usize]) -> Vec<u8> {
    let mut e = engine(cfg);
    e.restore(base).expect("restore");
    for &i in order {
        e.import_shared(&exports[i]).expect("import");
    }
    e.snapshot()
}

#[test]
fn importing_exports_in_any_order_any_number_of_times_gives_one_state() {
    for peers in [7, 2] {
        let mut cfg = Config::default();
        cfg.limits.shared_peers = peers;
        let ex = exports(&cfg);
        assert_eq!(ex.len(), 16);
        // The observer has state of its own (the fifth instance).
        let mut observer = engine(&cfg);
        observer.score(
            br#"{"event":"sms_sent","time":"2026-01-02T10:00:00Z","tenant":"zeta","to":"+447911123456"}"#,
            None,
        );
        observer.export_shared("observer").expect("export");
        let base = observer.snapshot();
        let all: Vec<usize> = (0..ex.len()).collect();
        let reference = after(&cfg, &base, &ex, &all);
        assert_ne!(reference, base, "the imports changed something");
        let mut rng = Rng(0x5EED_0017 + peers as u64);
        for trial in 0..24 {
            // Every export at least once, some twice or three times, shuffled.
            let mut order: Vec<usize> = all.clone();
            for _ in 0..rng.below(20) {
                order.push(rng.below(ex.len() as u64) as usize);
            }
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i as u64 + 1) as usize);
            }
            assert!(
                after(&cfg, &base, &ex, &order) == reference,
                "shared_peers {peers}, trial {trial}: order {order:?} gave another state"
            );
        }
        // Idempotent: everything again changes nothing.
        let twice: Vec<usize> = all.iter().chain(&all).copied().collect();
        assert!(after(&cfg, &base, &ex, &twice) == reference);
        // Full slots keep the newest exports.
        let mut e = engine(&cfg);
        e.restore(&reference).expect("restore");
        let held = e.shared_peers();
        assert_eq!(held.len(), peers.min(4), "{held:?}");
        if peers == 2 {
            let names: Vec<&str> = held.iter().map(|(n, _, _, _)| n.as_str()).collect();
            assert_eq!(names.len(), 2);
        }
    }
}

#[test]
fn an_instance_never_imports_its_own_export_and_a_peer_only_newer_ones() {
    let cfg = Config::default();
    let ex = exports(&cfg);
    let mut e = engine(&cfg);
    let own = e.export_shared("scorer-0").expect("export");
    assert_eq!(
        e.import_shared(&own).expect("import"),
        SharedImport::Own("scorer-0".into())
    );
    // scorer-0's exports from another engine are this engine's name too: skipped.
    assert!(matches!(e.import_shared(&ex[0]), Ok(SharedImport::Own(_))));
    // scorer-1's last export, then its first: the first is older.
    assert!(matches!(e.import_shared(&ex[13]), Ok(SharedImport::Taken { .. })));
    assert!(matches!(e.import_shared(&ex[1]), Ok(SharedImport::NotNewer(_))));
    assert!(matches!(e.import_shared(&ex[13]), Ok(SharedImport::NotNewer(_))));
    // A restart without state under a name whose export a peer slot holds: the slot stands
    // in until the instance exports again, then its own blocks speak for it.
    let mut fresh = engine(&cfg);
    assert!(matches!(
        fresh.import_shared(&ex[13]),
        Ok(SharedImport::Taken { .. })
    ));
    assert_eq!(fresh.shared_peers().len(), 1);
    fresh.export_shared("scorer-1").expect("export");
    assert!(fresh.shared_peers().is_empty());
}

#[test]
fn exports_that_cannot_match_are_refused_and_change_nothing() {
    let cfg = Config::default();
    let ex = exports(&cfg);
    let good = &ex[15];
    let mut e = engine(&cfg);
    let before = e.snapshot();
    let mut salted = Config::default();
    salted.privacy.enabled = true;
    salted.privacy.salt = "another-salt-of-enough-length".into();
    let mut other = engine(&salted);
    assert!(other
        .import_shared(good)
        .unwrap_err()
        .0
        .contains("another privacy salt"));
    let mut wide = Config::default();
    wide.block_digits += 1;
    assert!(engine(&wide)
        .import_shared(good)
        .unwrap_err()
        .0
        .contains("block_digits"));
    let mut flipped = good.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    for bad in [
        &flipped[..],
        &good[..good.len() - 3],
        &good[..20],
        b"PGSHARE\x07xxxxxxxxxxxxxxxx".as_slice(),
        b"not an export".as_slice(),
        &[],
    ] {
        assert!(e.import_shared(bad).is_err(), "{:?}", &bad[..bad.len().min(12)]);
    }
    let mut small = Config::default();
    small.limits.shared_blocks = 16;
    assert!(engine(&small)
        .import_shared(good)
        .unwrap_err()
        .0
        .contains("limits.shared_blocks"));
    assert!(e.snapshot() == before, "refused imports left the state as it was");
    for name in ["", "a b", "x/../y", &"n".repeat(200)] {
        assert!(e.export_shared(name).is_err(), "{name:?}");
    }
}

/// The peers' exports are state: a snapshot keeps them, within the bound.
#[test]
fn peers_survive_a_snapshot_and_stay_within_the_bound() {
    let cfg = Config::default();
    let ex = exports(&cfg);
    let mut e = engine(&cfg);
    for x in &ex {
        e.import_shared(x).expect("import");
    }
    let peers = e.shared_peers();
    assert_eq!(peers.len(), 4);
    assert!(peers.iter().all(|(_, _, blocks, _)| *blocks > 100), "{peers:?}");
    assert!(e.state_bytes() <= e.state_bytes_bound());
    let mut back = engine(&cfg);
    back.restore(&e.snapshot()).expect("restore");
    assert_eq!(back.shared_peers(), peers);
}
