//! Output: the record written back with the verdict (or the tag saying why it was not
//! scored), its bytes kept as they came.

use super::*;

pub(super) fn trim_end(b: &[u8]) -> &[u8] {
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    &b[..end]
}

pub(super) fn first_non_ws(b: &[u8]) -> Option<u8> {
    b.iter().copied().find(|c| !c.is_ascii_whitespace())
}

pub(super) fn is_object(b: &[u8]) -> bool {
    serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok() && first_non_ws(b) == Some(b'{')
}

pub(super) fn base64(data: &[u8], out: &mut Vec<u8>) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
}

/// The record with `verdict` spliced in before its final `}` (or wrapped when it is not an
/// object), as every host emits it.
pub(super) fn write_enriched(
    record: &[u8],
    outcome: &Outcome,
    output_key: &str,
    model: &str,
    ecs: bool,
    out: &mut Vec<u8>,
) {
    let Some(verdict) = outcome.verdict() else {
        out.extend_from_slice(trim_end(record));
        return;
    };
    let body = trim_end(record);
    let object_end = match (first_non_ws(body), body.last()) {
        (Some(b'{'), Some(b'}')) => Some(body.len() - 1),
        _ => None,
    };
    let spliceable = object_end.is_some()
        && match outcome {
            Outcome::Scored(_) => true,
            // Not parsed (too large, or a host's code): splice only into a valid object,
            // checked without building it. Unparsed records are wrapped.
            _ => verdict.reasons.first().is_some_and(|r| r.code != code::UNPARSED) && is_object(body),
        };
    if let (true, Some(end)) = (spliceable, object_end) {
        out.extend_from_slice(&body[..end]);
        let empty = body[..end].iter().rev().find(|c| !c.is_ascii_whitespace()) == Some(&b'{');
        if !empty {
            out.push(b',');
        }
    } else {
        // Not an object: wrap it, keeping every byte.
        out.push(b'{');
        match std::str::from_utf8(body) {
            Ok(s) => {
                out.extend_from_slice(b"\"message\":");
                write_str(out, s);
            }
            Err(_) => {
                out.extend_from_slice(b"\"message_base64\":\"");
                base64(body, out);
                out.push(b'"');
            }
        }
        out.push(b',');
    }
    write_str(out, output_key);
    out.push(b':');
    verdict.write_json(model, out);
    if ecs && matches!(outcome, Outcome::Scored(_)) {
        verdict.write_ecs(out);
    }
    out.push(b'}');
}

/// For a host that has no engine to score with (its configuration was refused, or the host
/// handed over no record): the record kept byte for byte, tagged `level: unknown` with `code`
/// and `detail`, under the default output key. Never fails.
pub fn write_unscored(record: &[u8], code: &'static str, detail: String, out: &mut Vec<u8>) {
    let verdict = Verdict::unscored(code, detail, Action::Monitor);
    let model = format!("pumpguard/{VERSION}");
    write_enriched(
        record,
        &Outcome::Unscored(verdict),
        &Config::default().output_key,
        &model,
        false,
        out,
    );
}

impl Engine {
    pub(super) fn write_output(&self, record: &[u8], outcome: &Outcome, out: &mut Vec<u8>) {
        write_enriched(
            record,
            outcome,
            &self.cfg.output_key,
            &self.model,
            self.cfg.ecs,
            out,
        );
    }
}
