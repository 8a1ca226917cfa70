//! Snapshot and restore: a restart mid-stream gives the same verdicts as no restart.

use crate::support::*;

fn stream() -> Vec<String> {
    let mut r = Rng(21);
    let mut v = Vec::new();
    for i in 0..1500 {
        let t = i * 120;
        let to = us_number(&mut r);
        v.push(sms(
            t,
            "acme",
            &to,
            &format!(r#","ip":"198.51.100.{}","workflow":"login""#, r.below(50)),
        ));
        if r.below(10) < 8 {
            v.push(verified(t + 40, "acme", &to));
        }
    }
    for i in 0..120 {
        v.push(sms(
            1500 * 120 + i * 10,
            "acme",
            &format!("+99655510{:04}", i),
            r#","ip":"185.220.101.1""#,
        ));
    }
    v
}

#[test]
fn restart_mid_stream_gives_the_same_verdicts() {
    let records = stream();
    let mut whole = engine();
    let expected: Vec<_> = records.iter().map(|r| whole.score(r.as_bytes(), None)).collect();
    let mut first = engine();
    let cut = records.len() * 2 / 3;
    let mut got: Vec<_> = records[..cut]
        .iter()
        .map(|r| first.score(r.as_bytes(), None))
        .collect();
    let snap = first.snapshot();
    drop(first);
    let mut second = engine();
    second.restore(&snap).expect("restores");
    got.extend(records[cut..].iter().map(|r| second.score(r.as_bytes(), None)));
    assert_eq!(got, expected);
    assert_eq!(second.incidents(), whole.incidents());
    assert!(!second.incidents().is_empty(), "the stream has an attack");
}

/// A default engine's snapshot after the first 500 records of [`stream`].
fn snapshot_of_500() -> Vec<u8> {
    let mut e = engine();
    for r in &stream()[..500] {
        e.score(r.as_bytes(), None);
    }
    e.snapshot()
}

#[test]
fn corrupt_truncated_and_foreign_snapshots_are_refused_without_harm() {
    let snap = snapshot_of_500();
    let mut target = engine();
    let before = target.snapshot();
    let mut flipped = snap.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0xff;
    for bad in [
        Vec::new(),
        b"garbage".to_vec(),
        snap[..snap.len() / 2].to_vec(),
        snap[..9].to_vec(),
        [b"PGSNAP\0\x01".as_slice(), &snap[8..]].concat(),
    ] {
        assert!(target.restore(&bad).is_err());
        assert_eq!(
            target.snapshot(),
            before,
            "a failed restore leaves the state alone"
        );
    }
    // A flipped byte fails the checksum.
    let err = target.restore(&flipped).expect_err("flipped byte");
    assert!(err.to_string().contains("checksum"), "{err}");
    assert_eq!(target.snapshot(), before);
    // An older format says so.
    let err = target
        .restore(&[b"PGSNAP\0\x03".as_slice(), &snap[8..]].concat())
        .expect_err("old format");
    assert!(err.to_string().contains("format 3"), "{err}");
    let v = verdict(&mut target, &sms(0, "acme", "+447400123456", ""));
    assert_eq!(v.keys.country.as_deref(), Some("GB"));
}

#[test]
fn snapshot_larger_than_the_new_capacity_is_refused() {
    let mut e = engine();
    let mut r = Rng(5);
    for i in 0..100 {
        e.score(sms(i, &format!("t{i}"), &us_number(&mut r), "").as_bytes(), None);
    }
    let snap = e.snapshot();
    let mut small = engine_with(r#"{"limits": {"tenants": 16}}"#);
    assert!(small.restore(&snap).is_err());
}

/// The known recipients are fingerprints placed by their hash: a snapshot's set cannot be
/// re-placed into a set of another size, so it is refused with the reason, and the engine keeps
/// its state.
#[test]
fn a_snapshot_of_known_numbers_of_another_size_is_refused() {
    let snap = snapshot_of_500();
    let mut other = engine_with(r#"{"limits": {"known_numbers": 1024}}"#);
    let before = other.snapshot();
    let err = other.restore(&snap).expect_err("another size");
    assert!(err.to_string().contains("known set of 262144 slots"), "{err}");
    assert_eq!(other.snapshot(), before);
    let mut same = engine();
    same.restore(&snap).expect("same size");
}

#[test]
fn a_snapshot_from_another_salt_is_refused() {
    let salted = r#"{"privacy": {"enabled": true, "salt": "first-salt-0123456789"}}"#;
    let mut a = engine_with(salted);
    a.score(sms(0, "acme", "+447400123456", "").as_bytes(), None);
    let snap = a.snapshot();
    let mut same = engine_with(salted);
    assert!(same.restore(&snap).is_ok());
    let mut other = engine_with(r#"{"privacy": {"enabled": true, "salt": "second-salt-0123456789"}}"#);
    let err = other.restore(&snap).expect_err("other salt");
    assert!(err.to_string().contains("salt"), "{err}");
    let mut plain = engine();
    assert!(plain.restore(&snap).is_err());
}
