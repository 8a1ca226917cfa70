//! Bad input: every record comes out, none is lost, nothing panics, the tag says why.

use serde_json::Value;

use crate::support::*;

/// Processes `rec` and checks the output is a JSON object that keeps the input recoverable.
fn check(rec: &[u8]) -> Value {
    let mut e = engine();
    let mut o = Vec::new();
    e.process(rec, None, &mut o);
    let v: Value = serde_json::from_slice(&o).unwrap_or_else(|err| {
        panic!(
            "output is not JSON ({err}) for {:?}",
            String::from_utf8_lossy(&rec[..rec.len().min(80)])
        )
    });
    assert!(v.is_object());
    v
}

fn code(v: &Value) -> &str {
    v["pumpguard"]["reasons"][0]["code"].as_str().unwrap_or("")
}

#[test]
fn malformed_and_truncated_json_is_wrapped_losslessly() {
    for rec in [
        r#"{"event":"sms_sent","to":"+4474"#,
        "{",
        "}",
        "not json at all",
        r#"{"a":1} trailing"#,
        r#"[{"event":"sms_sent"}]"#,
        "42",
        r#""a string""#,
        "null",
        r#"{"a":NaN}"#,
        r#"{"a":Infinity}"#,
        "{\"a\":\"\u{1}\"}",
    ] {
        let v = check(rec.as_bytes());
        assert_eq!(v["pumpguard"]["level"], "unknown", "{rec}");
        assert_eq!(code(&v), "unparsed", "{rec}");
        assert_eq!(v["message"], rec, "content kept");
    }
}

#[test]
fn invalid_utf8_is_kept_as_base64() {
    let rec = b"{\"event\":\"sms_sent\",\"to\":\"+44\xff\xfe\"}";
    let v = check(rec);
    assert_eq!(code(&v), "unparsed");
    let b64 = v["message_base64"].as_str().expect("base64 kept");
    assert_eq!(decode_b64(b64), rec.to_vec());
}

fn decode_b64(s: &str) -> Vec<u8> {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let vals: Vec<u32> = chunk
            .iter()
            .filter(|c| **c != b'=')
            .map(|c| A.iter().position(|a| a == c).expect("b64") as u32)
            .collect();
        let n = vals
            .iter()
            .enumerate()
            .fold(0u32, |a, (i, v)| a | v << (18 - 6 * i));
        for i in 0..vals.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

#[test]
fn large_records() {
    // Under the limit: scored normally.
    let pad = "x".repeat(900 * 1024);
    let rec = format!(
        r#"{{"event":"sms_sent","time":"{}","to":"+447400123456","pad":"{pad}"}}"#,
        at(0)
    );
    let v = check(rec.as_bytes());
    assert_eq!(v["pumpguard"]["keys"]["country"], "GB");
    // Over the limit (1 MiB and 16 MiB): not parsed, tagged, content kept.
    for size in [1 << 20, 16 << 20] {
        let pad = "y".repeat(size);
        let rec = format!(r#"{{"event":"sms_sent","to":"+447400123456","pad":"{pad}"}}"#);
        let v = check(rec.as_bytes());
        assert_eq!(code(&v), "too_large");
        assert_eq!(v["pad"].as_str().map(str::len), Some(size));
    }
    // Over the limit and not valid JSON: wrapped.
    let rec = format!("{{\"pad\":\"{}", "z".repeat(2 << 20));
    let v = check(rec.as_bytes());
    assert_eq!(code(&v), "too_large");
    assert_eq!(v["message"].as_str().map(str::len), Some(rec.len()));
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    for depth in [200usize, 100_000] {
        let rec = format!(
            r#"{{"event":"sms_sent","time":"{}","to":"+447400123456","deep":{}{}}}"#,
            at(0),
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let mut e = engine();
        let mut o = Vec::new();
        e.process(rec.as_bytes(), None, &mut o);
        assert!(o.starts_with(&rec.as_bytes()[..rec.len() - 1]) || o.starts_with(b"{\"message\""));
        assert!(o.ends_with(b"}"));
    }
}

#[test]
fn invalid_numbers_and_missing_fields_are_tagged() {
    let cases = [
        (sms(0, "a", "+44 abc", ""), "invalid_destination"),
        (sms(0, "a", "+4412", ""), "invalid_destination"),
        (sms(0, "a", "+99912345678", ""), "invalid_destination"),
        (sms(0, "a", "+4474001\\u000723456", ""), "invalid_destination"),
        (sms(0, "a", &"9".repeat(5000), ""), "invalid_destination"),
        (sms(0, "a", "", ""), "no_destination"),
        (
            format!(r#"{{"event":"sms_sent","time":"{}"}}"#, at(0)),
            "no_destination",
        ),
        (r#"{"event":"sms_sent","to":null}"#.to_string(), "no_destination"),
        (
            r#"{"event":"sms_sent","to":{"nested":"+447400123456"}}"#.to_string(),
            "no_destination",
        ),
        (
            r#"{"event":"sms_sent","to":["+447400123456"]}"#.to_string(),
            "no_destination",
        ),
    ];
    for (rec, expected) in cases {
        let v = check(rec.as_bytes());
        assert_eq!(v["pumpguard"]["level"], "unknown", "{rec}");
        assert_eq!(code(&v), expected, "{rec}");
    }
}

#[test]
fn odd_but_valid_values_are_read() {
    // Numbers as strings and strings as numbers, duplicate keys (last wins), huge integers,
    // absurd times and prices.
    let mut e = engine();
    for (rec, country) in [
        (
            r#"{"event":"sms_sent","to":447400123456,"time":1767571200}"#,
            "GB",
        ),
        (
            r#"{"event":"sms_sent","to":"+15550000000","to":"+447400123456"}"#,
            "GB",
        ),
        (
            r#"{"event":"sms_sent","to":"+447400123456","price_usd":1e308,"segments":123456789012345678901234567890}"#,
            "GB",
        ),
        (
            r#"{"event":"sms_sent","to":"+447400123456","time":"9999-12-31T00:00:00Z"}"#,
            "GB",
        ),
        (r#"{"event":"sms_sent","to":"+447400123456","time":-5}"#, "GB"),
        (r#"{"event":"sms_sent","to":"\u002b447400123456"}"#, "GB"),
    ] {
        let v = verdict(&mut e, rec);
        assert_eq!(v.keys.country.as_deref(), Some(country), "{rec}");
    }
    let v = verdict(
        &mut e,
        r#"{"event":"sms_sent","to":"+447400123456","time":"9999-12-31T00:00:00Z"}"#,
    );
    assert!(v.reasons.iter().any(|r| r.code == "no_timestamp"));
}

#[test]
fn many_hostile_records_in_a_row_leave_the_engine_working() {
    let mut e = engine();
    let mut r = Rng(99);
    let mut o = Vec::new();
    for i in 0..5_000 {
        let len = r.below(200) as usize;
        let junk: Vec<u8> = (0..len).map(|_| r.below(256) as u8).collect();
        o.clear();
        e.process(&junk, None, &mut o);
        assert!(!o.is_empty());
        let _ = i;
    }
    let v = verdict(&mut e, &sms(0, "acme", "+447400123456", ""));
    assert_eq!(v.keys.country.as_deref(), Some("GB"));
}

#[test]
fn one_far_future_record_does_not_move_the_clock() {
    let mut e = engine();
    let mut r = Rng(31);
    verdict(&mut e, &sms(0, "acme", &us_number(&mut r), ""));
    let start = e.clock();
    // A forged record dated 2099: scored, but at the current time.
    let forged = r#"{"event":"sms_sent","tenant":"acme","to":"+447400123456","time":"2099-01-01T00:00:00Z"}"#;
    let v = verdict(&mut e, forged);
    assert_eq!(v.keys.country.as_deref(), Some("GB"));
    assert_eq!(e.clock(), start, "one far-future record moved the clock");
    verdict(&mut e, &sms(60, "acme", &us_number(&mut r), ""));
    assert_eq!(e.clock(), start + 60_000);
    // A real gap in a replay: the second record of the new period confirms the jump.
    let later = 30 * 86_400;
    verdict(&mut e, &sms(later, "acme", &us_number(&mut r), ""));
    assert_eq!(e.clock(), start + 60_000);
    verdict(&mut e, &sms(later + 5, "acme", &us_number(&mut r), ""));
    assert_eq!(e.clock(), (T0 + later + 5) * 1000);
}
