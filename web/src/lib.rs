//! pumpguard for the browser and Node, built with wasm-bindgen (`wasm32-unknown-unknown`).
//!
//! [`Session`] is the whole of it and plain Rust: an engine, a streaming reader for NDJSON
//! (any input profile) or a provider's CSV export, and the [`analysis`] the playground draws.
//! The wasm-bindgen class `Scorer` (JS: `new Scorer(configJson)`) forwards to it and returns
//! JSON text, so the JS side needs no generated types. The analyst's file never leaves the page.

#![deny(unsafe_code)]

pub mod analysis;
pub mod csv;

use pumpguard::{Config, Engine};
use serde::Serialize;

use analysis::Analysis;

/// Input format, decided by the first byte that is not whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// One JSON record per line.
    Ndjson,
    /// A provider's CSV export: a header row, then one message per row.
    Csv,
}

/// Lines longer than this are not kept in memory: the engine would refuse them as too large
/// anyway, so they are counted and skipped to the next newline.
const MAX_LINE: usize = 4 << 20;

/// What `feed` and `finish` report.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    /// Input bytes consumed so far.
    pub bytes: u64,
    /// Records scored by this call.
    pub records: u64,
    /// Lines over 4 MiB, skipped.
    pub skipped_lines: u64,
    /// The format once known.
    pub format: Option<Format>,
    /// Set when the file cannot be read at all (a CSV without a destination column).
    pub error: Option<String>,
}

/// An engine, the input reader and the analysis.
pub struct Session {
    engine: Engine,
    analysis: Analysis,
    format: Option<Format>,
    header: Option<csv::Header>,
    pending: Vec<u8>,
    in_quotes: bool,
    skipping: bool,
    out: Vec<u8>,
    progress: Progress,
    /// Scored output lines are kept only when asked, up to this many bytes.
    keep_output: usize,
    output: Vec<u8>,
}

impl Session {
    /// A session with a JSON configuration (empty: the defaults).
    pub fn new(config_json: &str) -> Result<Session, String> {
        let cfg = if config_json.trim().is_empty() {
            Config::default()
        } else {
            Config::from_json(config_json.as_bytes()).map_err(|e| e.to_string())?
        };
        let analysis = Analysis::new(&cfg)?;
        let engine = Engine::new(cfg).map_err(|e| e.to_string())?;
        Ok(Session {
            engine,
            analysis,
            format: None,
            header: None,
            pending: Vec::new(),
            in_quotes: false,
            skipping: false,
            out: Vec::new(),
            progress: Progress::default(),
            keep_output: 0,
            output: Vec::new(),
        })
    }

    /// Keeps up to `bytes` of scored output (NDJSON) for download.
    pub fn keep_output(&mut self, bytes: usize) {
        self.keep_output = bytes;
    }

    /// Scores one record (one JSON object, or one CSV row once the header is known) and returns
    /// the output record.
    pub fn score(&mut self, record: &[u8]) -> Vec<u8> {
        self.out.clear();
        let outcome = self.engine.process(record, None, &mut self.out);
        self.analysis.observe(record, &outcome, self.engine.clock());
        self.progress.records += 1;
        if self.output.len() + self.out.len() < self.keep_output {
            self.output.extend_from_slice(&self.out);
            self.output.push(b'\n');
        }
        std::mem::take(&mut self.out)
    }

    fn line(&mut self, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        let format = *self.format.get_or_insert(Format::Ndjson);
        self.progress.format = Some(format);
        match format {
            Format::Ndjson => {
                let out = self.score(line);
                self.out = out;
            }
            Format::Csv => match &self.header {
                None => match csv::Header::parse(line) {
                    Some(h) => self.header = Some(h),
                    None => {
                        self.progress.error = Some(
                            "neither NDJSON nor a CSV export with a destination column (To, Destination, Phone Number …)"
                                .into(),
                        )
                    }
                },
                Some(h) => {
                    let record = csv::record(h, line);
                    let out = self.score(&record);
                    self.out = out;
                }
            },
        }
    }

    /// Reads the next chunk of the file: every complete record in it is scored; a partial last
    /// line waits for the next chunk. Quoted newlines in CSV stay inside their row.
    pub fn feed(&mut self, chunk: &[u8]) -> Progress {
        self.progress.records = 0;
        self.progress.bytes += chunk.len() as u64;
        if self.progress.error.is_some() {
            return self.progress.clone();
        }
        if self.format.is_none() {
            self.format = match chunk.iter().find(|b| !b.is_ascii_whitespace()) {
                Some(b'{' | b'[') => Some(Format::Ndjson),
                Some(_) => Some(Format::Csv),
                None => None,
            };
        }
        // Quotes matter in CSV only (a quoted field may hold a newline); NDJSON lines never hold
        // a raw newline.
        let csv = self.format == Some(Format::Csv);
        let mut start = 0;
        for (i, b) in chunk.iter().enumerate() {
            match b {
                b'"' if csv => self.in_quotes = !self.in_quotes,
                b'\n' if !self.in_quotes => {
                    let part = &chunk[start..i];
                    if self.skipping {
                        self.skipping = false;
                    } else if self.pending.is_empty() {
                        self.line(part);
                    } else {
                        let mut line = std::mem::take(&mut self.pending);
                        line.extend_from_slice(part);
                        self.line(&line);
                    }
                    self.in_quotes = false;
                    start = i + 1;
                }
                _ => {}
            }
        }
        let rest = &chunk[start..];
        if !self.skipping {
            if self.pending.len() + rest.len() > MAX_LINE {
                self.pending = Vec::new();
                self.skipping = true;
                self.progress.skipped_lines += 1;
            } else {
                self.pending.extend_from_slice(rest);
            }
        }
        self.progress.clone()
    }

    /// Ends the file: a last line without a newline is scored.
    pub fn finish(&mut self) -> Progress {
        self.progress.records = 0;
        let last = std::mem::take(&mut self.pending);
        if !self.skipping && !last.is_empty() {
            self.line(&last);
        }
        self.skipping = false;
        self.in_quotes = false;
        self.progress.clone()
    }

    /// Everything the page draws, as one JSON object: totals, incidents, the `top_countries`
    /// series, the `top_blocks` riskiest blocks, and the coverage report.
    pub fn report(&self, top_countries: usize, top_blocks: usize) -> String {
        let c = self.engine.coverage();
        serde_json::json!({
            "model": self.engine.model(),
            "format": self.format,
            "totals": self.analysis.totals,
            "skipped_lines": self.progress.skipped_lines,
            "incidents": self.engine.incidents(),
            "series": self.analysis.series(top_countries),
            "blocks": self.analysis.blocks(top_blocks),
            "coverage": {
                "profiles": c.report(),
                "unparsed_records": c.unparsed,
                "other_records": c.other,
            },
            "state_bytes": self.engine.state_bytes(),
        })
        .to_string()
    }

    /// The scored output kept so far (see `keep_output`).
    pub fn output(&self) -> &[u8] {
        &self.output
    }
}

#[cfg(target_family = "wasm")]
mod js {
    use wasm_bindgen::prelude::*;

    use crate::Session;

    /// `new Scorer(configJson)`: one engine and its analysis.
    #[wasm_bindgen]
    pub struct Scorer(Session);

    #[wasm_bindgen]
    impl Scorer {
        /// Builds a scorer; `configJson` as `pumpguard config --defaults` prints it, or "".
        #[wasm_bindgen(constructor)]
        pub fn new(config_json: &str) -> Result<Scorer, JsError> {
            Session::new(config_json)
                .map(Scorer)
                .map_err(|e| JsError::new(&e))
        }

        /// Scores one record; returns the output record (JSON text).
        pub fn score(&mut self, record: &str) -> String {
            String::from_utf8_lossy(&self.0.score(record.as_bytes())).into_owned()
        }

        /// Feeds the next bytes of a file; returns progress as JSON.
        pub fn feed(&mut self, chunk: &[u8]) -> String {
            serde_json::to_string(&self.0.feed(chunk)).unwrap_or_default()
        }

        /// Ends the file; returns progress as JSON.
        pub fn finish(&mut self) -> String {
            serde_json::to_string(&self.0.finish()).unwrap_or_default()
        }

        /// Totals, incidents, per-country series, riskiest blocks, coverage (JSON).
        pub fn report(&self, top_countries: u32, top_blocks: u32) -> String {
            self.0.report(top_countries as usize, top_blocks as usize)
        }

        /// Sends per destination country over time with each country's baseline, the top
        /// `top` countries (JSON: `{bucket_ms, countries: [{country, sends, points}]}`).
        pub fn series(&self, top: u32) -> String {
            serde_json::to_string(&self.0.analysis.series(top as usize)).unwrap_or_default()
        }

        /// The riskiest number blocks (JSON array).
        pub fn blocks(&self, top: u32) -> String {
            serde_json::to_string(&self.0.analysis.blocks(top as usize)).unwrap_or_default()
        }

        /// Incidents (JSON array).
        pub fn incidents(&self) -> String {
            serde_json::to_string(&self.0.engine.incidents()).unwrap_or_default()
        }

        /// Keeps up to `bytes` of scored NDJSON for download.
        #[wasm_bindgen(js_name = keepOutput)]
        pub fn keep_output(&mut self, bytes: u32) {
            self.0.keep_output(bytes as usize);
        }

        /// The scored NDJSON kept so far.
        pub fn output(&self) -> Vec<u8> {
            self.0.output().to_vec()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(s: &Session) -> serde_json::Value {
        serde_json::from_str(&s.report(6, 10)).expect("report JSON")
    }

    #[test]
    fn chunks_split_anywhere_give_the_same_result_as_one_chunk() {
        let demo =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../samples/demo.ndjson")).expect("demo");
        let mut whole = Session::new("").expect("session");
        whole.feed(&demo);
        whole.finish();
        let mut parts = Session::new("").expect("session");
        for c in demo.chunks(997) {
            parts.feed(c);
        }
        parts.finish();
        let (a, b) = (report(&whole), report(&parts));
        assert_eq!(a, b);
        assert_eq!(a["totals"]["records"], 5851);
        let blocks: Vec<&str> = a["blocks"]
            .as_array()
            .expect("blocks")
            .iter()
            .filter_map(|b| b["block"].as_str())
            .collect();
        assert!(blocks[..2].contains(&"+9965551"), "{blocks:?}");
        assert_eq!(a["incidents"].as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn a_csv_export_with_quoted_newlines_is_read_row_by_row() {
        let mut csv = b"Sid,To,Body,Status,SentDate,AccountSid,Price\r\n".to_vec();
        for i in 0..60 {
            csv.extend_from_slice(
                format!(
                    "SM{i},+9965551{:05},\"Your code\nis {i}\",sent,2026-01-07 14:{:02}:00,AC1,-0.30\r\n",
                    10_000 + i,
                    i % 60
                )
                .as_bytes(),
            );
        }
        let mut s = Session::new("").expect("session");
        for c in csv.chunks(13) {
            s.feed(c);
        }
        s.finish();
        let r = report(&s);
        assert_eq!(r["format"], "csv");
        assert_eq!(r["totals"]["scored"], 60);
        assert_eq!(r["blocks"][0]["block"], "+9965551");
        assert_eq!(r["blocks"][0]["cost_usd"], 18.0);
    }

    #[test]
    fn a_file_that_is_neither_says_so_and_huge_lines_are_skipped() {
        let mut s = Session::new("").expect("session");
        let p = s.feed(b"name,email\nbob,bob@example.com\n");
        assert!(p.error.is_some());
        let mut s = Session::new("").expect("session");
        s.feed(b"{\"event\":\"sms_sent\",\"to\":\"+447400123456\"}\n");
        for _ in 0..10 {
            s.feed(&vec![b'x'; 1 << 20]);
        }
        s.feed(b"\n{\"event\":\"sms_sent\",\"to\":\"+447400123457\"}");
        let p = s.finish();
        assert_eq!(p.skipped_lines, 1);
        assert_eq!(report(&s)["totals"]["scored"], 2);
    }
}
