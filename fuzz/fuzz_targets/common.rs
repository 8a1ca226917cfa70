//! Checks shared by the fuzz targets: the output contract every host relies on.
#![allow(dead_code)]

use std::sync::OnceLock;

use pumpguard::{Config, Engine};
use serde::de::IgnoredAny;
use serde_json::Value;

/// An engine with the default configuration, built once (building parses the data tables);
/// targets clone it per input.
pub fn template() -> &'static Engine {
    static T: OnceLock<Engine> = OnceLock::new();
    T.get_or_init(|| Engine::new(Config::default()).expect("default configuration"))
}

/// Trailing whitespace removed (hosts strip the line ending; so does the core).
pub fn trim_end(b: &[u8]) -> &[u8] {
    // JSON's whitespace, not Rust's `is_ascii_whitespace` (which has form feed too).
    let end = b
        .iter()
        .rposition(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
        .map_or(0, |i| i + 1);
    &b[..end]
}

/// Whether `b` is valid JSON by serde_json's syntax (no depth limit, any number size).
pub fn valid_json(b: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(b).is_ok()
}

/// The first byte that is not JSON whitespace.
fn first_byte(b: &[u8]) -> Option<u8> {
    b.iter()
        .copied()
        .find(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            s.push(if i <= chunk.len() {
                A[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

/// One output record against its input.
///
/// - Without a verdict (not SMS, or evidence) the output is the input, byte for byte.
/// - With one, the output is valid JSON, and either the input object with the verdict spliced
///   in (every other member unchanged), or a wrapper whose `message` / `message_base64` gives
///   the input back exactly. A valid object is never wrapped.
pub fn check_output(record: &[u8], out: &[u8], has_verdict: bool, key: &str) {
    let trimmed = trim_end(record);
    if !has_verdict {
        assert_eq!(out, trimmed, "a record without a verdict must pass unchanged");
        return;
    }
    // Leading whitespace of the input is kept (bytes are never rewritten): look past it.
    assert!(
        first_byte(out) == Some(b'{') && out.last() == Some(&b'}'),
        "not an object"
    );
    assert!(
        valid_json(out),
        "output is not valid JSON: {}",
        String::from_utf8_lossy(out)
    );
    // Spliced: the input up to its closing brace, then `,"<key>":` (or `"<key>":` for `{}`).
    let spliced = trimmed.last() == Some(&b'}') && {
        let head = &trimmed[..trimmed.len() - 1];
        let member = format!("\"{key}\":");
        out.starts_with(head)
            && (out[head.len()..].starts_with(member.as_bytes())
                || out[head.len()..].starts_with(format!(",{member}").as_bytes()))
    };
    let input_is_object = first_byte(trimmed) == Some(b'{') && valid_json(trimmed);
    let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(out) else {
        // Nested deeper than serde_json's Value limit, or numbers beyond f64: syntax checked.
        return;
    };
    let verdict = o.get(key).and_then(Value::as_object).expect("verdict object");
    let level = verdict.get("level").and_then(Value::as_str).expect("level");
    assert!(
        ["unknown", "none", "low", "medium", "high", "critical"].contains(&level),
        "level {level}"
    );
    if let Some(score) = verdict.get("score") {
        let s = score.as_u64().expect("integer score");
        assert!(s <= 100, "score {s}");
    }
    if spliced {
        assert!(input_is_object, "spliced into something that is not an object");
        if let Ok(Value::Object(i)) = serde_json::from_slice::<Value>(trimmed) {
            for (k, v) in &i {
                if k != key {
                    assert_eq!(o.get(k), Some(v), "member {k} changed");
                }
            }
        }
    } else {
        match (o.get("message"), o.get("message_base64")) {
            (Some(Value::String(m)), _) => assert_eq!(m.as_bytes(), trimmed, "message"),
            (_, Some(Value::String(m))) => assert_eq!(*m, b64(trimmed), "message_base64"),
            _ => panic!("wrapped without the original"),
        }
        if input_is_object {
            let code = verdict["reasons"][0]["code"].as_str().unwrap_or("");
            assert!(
                code == "unparsed" || code == "too_large",
                "a valid object was wrapped ({code})"
            );
        }
    }
}

/// Splits fuzz input into records the way hosts do (lines).
pub fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|b| *b == b'\n')
}
