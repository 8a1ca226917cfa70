//! What the sidecar does with a batch's bytes once hyper has read them: undo its
//! `Content-Encoding` with a bounded output, then split the NDJSON into records. HTTP itself
//! (request heads, `Content-Length` and chunked bodies, keep-alive) is hyper's, in `serve.rs`.
//! Self-contained (std and flate2 only) so the fuzzer compiles it alone
//! (`fuzz/fuzz_targets/sidecar_batch.rs`).

use std::io::Read;

/// An HTTP error answer: status and message.
#[derive(Debug)]
pub struct Fail(pub u16, pub String);

/// The body after its `Content-Encoding` (`None`: no header), at most `max_body` bytes.
pub fn decode(encoding: Option<&str>, body: &[u8], max_body: usize) -> Result<Vec<u8>, Fail> {
    if body.len() > max_body {
        return Err(Fail(
            413,
            format!("batch of {} bytes is over --max-body ({max_body})", body.len()),
        ));
    }
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("" | "identity") => Ok(body.to_vec()),
        Some("gzip" | "x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(body)
                .take(max_body as u64 + 1)
                .read_to_end(&mut out)
                .map_err(|e| Fail(400, format!("malformed gzip body: {e}")))?;
            if out.len() > max_body {
                return Err(Fail(
                    413,
                    format!("decompressed batch is over --max-body ({max_body})"),
                ));
            }
            Ok(out)
        }
        Some(other) => Err(Fail(
            415,
            format!("unsupported Content-Encoding {other:?} (use gzip or none)"),
        )),
    }
}

/// The body without the newline that ends its last record.
fn records_part(body: &[u8]) -> &[u8] {
    body.strip_suffix(b"\n").unwrap_or(body)
}

/// How many records `split_ndjson` finds, without copying them.
pub fn record_count(body: &[u8]) -> usize {
    let body = records_part(body);
    if body.is_empty() {
        return 0;
    }
    body.iter().filter(|&&b| b == b'\n').count() + 1
}

/// Splits an NDJSON body into records (a final newline ends the last record; CRLF allowed).
pub fn split_ndjson(body: &[u8]) -> Vec<Vec<u8>> {
    let body = records_part(body);
    if body.is_empty() {
        return Vec::new();
    }
    body.split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_split_on_newlines_with_or_without_a_final_one() {
        assert!(split_ndjson(b"").is_empty());
        assert!(split_ndjson(b"\n").is_empty());
        assert_eq!(split_ndjson(b"a\r\nb\n"), [b"a".to_vec(), b"b".to_vec()]);
        assert_eq!(split_ndjson(b"a\n\nb"), [b"a".to_vec(), vec![], b"b".to_vec()]);
        for body in [&b""[..], b"\n", b"a", b"a\n", b"a\r\nb\n", b"a\n\nb", b"\n\n"] {
            assert_eq!(record_count(body), split_ndjson(body).len(), "{body:?}");
        }
    }

    #[test]
    fn encodings_are_undone_within_the_limit() {
        assert_eq!(decode(Some("Identity"), b"abc", 3).map(|b| b.len()).ok(), Some(3));
        assert!(matches!(decode(None, b"abcd", 3), Err(Fail(413, _))));
        assert!(matches!(decode(Some("br"), b"x", 3), Err(Fail(415, _))));
        assert!(matches!(decode(Some("gzip"), b"not gzip", 99), Err(Fail(400, _))));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, &[b'x'; 1000]).expect("memory");
        let gz = gz.finish().expect("memory");
        assert_eq!(decode(Some("GZIP"), &gz, 1000).map(|b| b.len()).ok(), Some(1000));
        assert!(matches!(decode(Some("x-gzip"), &gz, 999), Err(Fail(413, _))));
    }
}
