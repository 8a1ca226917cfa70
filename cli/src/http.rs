//! The sidecar's HTTP/1.1 wire format: reading one request (head, `Content-Length` or chunked
//! body) with bounded memory, decoding a gzip body with a bounded output, splitting NDJSON,
//! writing an answer. Self-contained (std and flate2 only) so the fuzzer can compile it alone
//! (`fuzz/fuzz_targets/sidecar_http.rs`).

use std::io::{self, BufRead, Read, Write};

/// Longest request head (request line and headers).
pub const MAX_HEAD: usize = 64 << 10;

/// One request.
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub keep_alive: bool,
}

impl Request {
    /// A header's value, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP error answer.
pub struct Fail(pub u16, pub String);

fn read_line_limited(r: &mut impl BufRead, budget: &mut usize) -> Result<Option<String>, Fail> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)
        .map_err(|e| Fail(503, format!("read error, retry: {e}")))?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(Fail(431, "request head too large".into()));
    }
    *budget -= n;
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    String::from_utf8(line)
        .map(Some)
        .map_err(|_| Fail(400, "request head is not UTF-8".into()))
}

/// Reads one request; `Ok(None)` at a clean end of stream. The head is bounded by `MAX_HEAD`,
/// the body by `max_body`.
pub fn read_request(r: &mut impl BufRead, max_body: usize) -> Result<Option<Request>, Fail> {
    // A kept-alive connection that stays idle past the read timeout (or is closed) ends here,
    // without an answer: an answer written now could meet a request the client is sending at
    // that moment, which would take it for the answer to that request. (A 400 so taken made
    // Vector drop a whole batch as not retriable.)
    match r.fill_buf() {
        Ok([]) | Err(_) => return Ok(None),
        Ok(_) => {}
    }
    let mut budget = MAX_HEAD;
    let Some(start) = read_line_limited(r, &mut budget)? else {
        return Ok(None);
    };
    let mut parts = start.split_whitespace();
    let (Some(method), Some(path), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Fail(400, format!("bad request line {start:?}")));
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line_limited(r, &mut budget)?.ok_or_else(|| Fail(400, "truncated head".into()))?;
        if line.is_empty() {
            break;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| Fail(400, format!("bad header {line:?}")))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let mut req = Request {
        method: method.to_string(),
        path: path.to_string(),
        keep_alive: version == "HTTP/1.1",
        headers,
        body: Vec::new(),
    };
    if let Some(c) = req.header("connection") {
        req.keep_alive = !c.eq_ignore_ascii_case("close");
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|t| t.eq_ignore_ascii_case("chunked"))
    {
        req.body = read_chunked(r, max_body, &mut budget)?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len.parse().map_err(|_| Fail(400, "bad Content-Length".into()))?;
        if len > max_body {
            return Err(Fail(
                413,
                format!("batch of {len} bytes is over --max-body ({max_body})"),
            ));
        }
        req.body = vec![0; len];
        r.read_exact(&mut req.body)
            .map_err(|e| Fail(503, format!("body shorter than Content-Length ({e}), retry")))?;
    }
    Ok(Some(req))
}

fn read_chunked(r: &mut impl BufRead, max_body: usize, budget: &mut usize) -> Result<Vec<u8>, Fail> {
    let mut body = Vec::new();
    loop {
        let line = read_line_limited(r, budget)?.ok_or_else(|| Fail(400, "truncated chunk".into()))?;
        let size = usize::from_str_radix(line.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| Fail(400, "bad chunk size".into()))?;
        if size == 0 {
            while read_line_limited(r, budget)?.is_some_and(|l| !l.is_empty()) {}
            return Ok(body);
        }
        // Checked: a chunk size near usize::MAX would wrap the sum past the limit (found by
        // review while writing the fuzz target; the fuzzer had not reached it).
        if body.len().checked_add(size).is_none_or(|n| n > max_body) {
            return Err(Fail(413, format!("batch is over --max-body ({max_body})")));
        }
        let at = body.len();
        body.resize(at + size, 0);
        r.read_exact(&mut body[at..])
            .map_err(|_| Fail(400, "truncated chunk".into()))?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)
            .map_err(|_| Fail(400, "truncated chunk".into()))?;
    }
}

/// Writes an answer in one write.
pub fn respond(
    w: &mut impl Write,
    status: u16,
    body: &str,
    keep_alive: bool,
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        431 => "Request Header Fields Too Large",
        502 => "Bad Gateway",
        _ => "Service Unavailable",
    };
    // One write per answer: a head and a body written apart wait on Nagle + delayed ACK.
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    if !head_only {
        answer.push_str(body);
    }
    w.write_all(answer.as_bytes())?;
    w.flush()
}

/// The body after `Content-Encoding`, at most `max_body` bytes.
pub fn decode_body(req: &Request, max_body: usize) -> Result<Vec<u8>, Fail> {
    match req
        .header("content-encoding")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("identity") => Ok(req.body.clone()),
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&req.body[..])
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

/// Splits an NDJSON body into records (a final newline ends the last record; CRLF allowed).
pub fn split_ndjson(body: &[u8]) -> Vec<Vec<u8>> {
    let body = body.strip_suffix(b"\n").unwrap_or(body);
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

    fn read(raw: &[u8]) -> Result<Option<Request>, Fail> {
        read_request(&mut std::io::BufReader::new(raw), 1 << 10)
    }

    #[test]
    fn a_chunk_size_that_would_wrap_the_length_is_refused() {
        let raw = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\nffffffffffffffff\r\nb\r\n0\r\n\r\n";
        match read(raw) {
            Err(Fail(413, _)) => {}
            Err(Fail(code, m)) => panic!("{code} {m}"),
            Ok(_) => panic!("accepted"),
        }
    }

    /// A reader that gives `first`, then fails as a read timeout does.
    struct Stalls<'a>(&'a [u8]);

    impl std::io::Read for Stalls<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::ErrorKind::WouldBlock.into());
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn an_idle_connection_ends_without_an_answer_and_a_stalled_request_is_retriable() {
        // Idle past the timeout: no request, nothing to answer.
        let mut idle = std::io::BufReader::new(Stalls(b""));
        assert!(matches!(read_request(&mut idle, 1 << 10), Ok(None)));
        // Stalled mid-request: 503, which Vector retries (a 4xx makes it drop the batch).
        let mut head = std::io::BufReader::new(Stalls(b"POST / HTTP/1.1\r\nContent-Le"));
        assert!(matches!(read_request(&mut head, 1 << 10), Err(Fail(503, _))));
        let mut body = std::io::BufReader::new(Stalls(b"POST / HTTP/1.1\r\nContent-Length: 9\r\n\r\nabc"));
        assert!(matches!(read_request(&mut body, 1 << 10), Err(Fail(503, _))));
    }

    #[test]
    fn bodies_over_the_limit_are_refused_before_they_are_read() {
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n";
        assert!(matches!(read(raw), Err(Fail(413, _))));
        let raw = b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        assert_eq!(read(raw).ok().flatten().map(|r| r.body), Some(b"abc".to_vec()));
    }
}
