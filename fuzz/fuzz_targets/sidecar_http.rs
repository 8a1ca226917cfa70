//! The sidecar's request parser (`cli/src/http.rs`, compiled in here as it is): a byte stream from a
//! client → requests with bounded heads and bodies → the decoded (gzip) body → NDJSON records.
//! Nothing may panic, and nothing may allocate past the limits, whatever the sizes claim.
#![no_main]

#[path = "../../cli/src/http.rs"]
#[allow(dead_code)]
mod http;

use std::io::{BufReader, Cursor};

use libfuzzer_sys::fuzz_target;

const MAX_BODY: usize = 64 << 10;

fuzz_target!(|data: &[u8]| {
    let mut r = BufReader::new(Cursor::new(data));
    for _ in 0..8 {
        let req = match http::read_request(&mut r, MAX_BODY) {
            Ok(Some(req)) => req,
            Ok(None) => return,
            Err(http::Fail(code, msg)) => {
                assert!((400..600).contains(&code) && !msg.is_empty());
                let mut w = Vec::new();
                http::respond(&mut w, code, &msg, false, false).expect("write to memory");
                return;
            }
        };
        assert!(req.body.len() <= MAX_BODY, "body past --max-body");
        match http::decode_body(&req, MAX_BODY) {
            Ok(body) => {
                assert!(body.len() <= MAX_BODY, "decoded body past --max-body");
                let records = http::split_ndjson(&body);
                let total: usize = records.iter().map(Vec::len).sum();
                assert!(total <= body.len());
            }
            Err(http::Fail(code, _)) => assert!((400..600).contains(&code)),
        }
        if !req.keep_alive {
            return;
        }
    }
});
