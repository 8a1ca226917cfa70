//! What the sidecar does with a batch once hyper has read it (`cli/src/batch.rs`, compiled in
//! here as it is): the body after its `Content-Encoding`, bounded by `--max-body` before and after
//! gzip, then split into NDJSON records. HTTP itself is hyper's.
//!
//! The first byte picks the `Content-Encoding` and the limit; the rest is the body, sent as it is
//! or gzipped here first (then it must come back byte for byte, or be refused as too large).
//! Nothing may panic or allocate past the limit.
#![no_main]

#[path = "../../cli/src/batch.rs"]
mod batch;

use std::io::Write;

use libfuzzer_sys::fuzz_target;

const ENCODINGS: [Option<&str>; 7] = [
    None,
    Some("identity"),
    Some("gzip"),
    Some("X-GZIP"),
    Some(" gzip "),
    Some("br"),
    Some("gzip, identity"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let encoding = ENCODINGS[usize::from(pick & 7) % ENCODINGS.len()];
    let max = if pick & 0x40 == 0 { 4096 } else { 64 };
    let wrap = pick & 0x80 != 0 && encoding.is_some_and(|e| e.to_ascii_lowercase().contains("gzip") && !e.contains(','));
    let sent = if wrap {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(body).expect("memory");
        gz.finish().expect("memory")
    } else {
        body.to_vec()
    };
    match batch::decode(encoding, &sent, max) {
        Ok(decoded) => {
            assert!(decoded.len() <= max, "decoded body past --max-body");
            if wrap {
                assert_eq!(decoded, body, "gzip did not round-trip");
            }
            let records = batch::split_ndjson(&decoded);
            let total: usize = records.iter().map(Vec::len).sum();
            assert!(total <= decoded.len());
            assert!(records.iter().all(|r| !r.contains(&b'\n')));
            assert_eq!(records.len(), batch::record_count(&decoded));
        }
        Err(batch::Fail(code, msg)) => {
            assert!(matches!(code, 400 | 413 | 415), "{code}");
            assert!(!msg.is_empty());
            if wrap && body.len() <= max && sent.len() <= max {
                panic!("a gzip of {} bytes within the limit was refused: {msg}", body.len());
            }
        }
    }
});
