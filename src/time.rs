//! Event-time parsing. pumpguard never reads a clock: every time comes from the record.
//!
//! Accepted forms: RFC 3339 / ISO 8601 (`2026-01-01T10:00:00.1234567Z`, `+00:00` offsets, a space
//! instead of `T`, no zone = UTC), RFC 2822 as the Twilio REST API writes it
//! (`Thu, 01 Jan 2026 10:00:00 +0000`), and Unix epoch seconds or milliseconds as a number or a
//! string. Times outside 2000-01-01 ..= 2100-01-01 are rejected as absurd.

use serde_json::value::RawValue;

use crate::json::raw_text;

/// Milliseconds since the Unix epoch, UTC.
pub type Millis = i64;

/// 2000-01-01T00:00:00Z.
pub const MIN_TIME: Millis = 946_684_800_000;
/// 2100-01-01T00:00:00Z.
pub const MAX_TIME: Millis = 4_102_444_800_000;

const SECOND: Millis = 1000;
const DAY: Millis = 86_400 * SECOND;

fn plausible(t: Millis) -> Option<Millis> {
    (MIN_TIME..=MAX_TIME).contains(&t).then_some(t)
}

/// Parses a time from a raw JSON value (string or number).
pub fn parse_raw(raw: &RawValue) -> Option<Millis> {
    parse(raw_text(raw)?.as_ref())
}

/// Parses a time from text in any of the accepted forms.
pub fn parse(s: &str) -> Option<Millis> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return None;
    }
    if b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        return epoch(s);
    }
    if b[0].is_ascii_digit() {
        return rfc3339(b);
    }
    rfc2822(s)
}

fn epoch(s: &str) -> Option<Millis> {
    let v: f64 = s.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    // Seconds until the year 2100 are below 4.2e9; anything larger is milliseconds.
    let ms = if v < 1e11 { v * 1000.0 } else { v };
    plausible(ms as Millis)
}

fn digits(b: &[u8], at: usize, n: usize) -> Option<i64> {
    let part = b.get(at..at + n)?;
    let mut v = 0i64;
    for c in part {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(c - b'0');
    }
    Some(v)
}

fn rfc3339(b: &[u8]) -> Option<Millis> {
    let year = digits(b, 0, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let month = digits(b, 5, 2)?;
    let day = digits(b, 8, 2)?;
    let mut ms = civil_days(year, month, day)? * DAY;
    let mut i = 10;
    if i < b.len() && (b[i] == b'T' || b[i] == b't' || b[i] == b' ') {
        let h = digits(b, i + 1, 2)?;
        let m = digits(b, i + 4, 2)?;
        if b.get(i + 3) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        let mut sec = 0;
        i += 6;
        if b.get(i) == Some(&b':') {
            sec = digits(b, i + 1, 2)?;
            if sec > 60 {
                return None;
            }
            i += 3;
        }
        ms += ((h * 60 + m) * 60 + sec) * SECOND;
        if matches!(b.get(i), Some(b'.') | Some(b',')) {
            i += 1;
            let mut frac = 0i64;
            let mut n = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                if n < 3 {
                    frac = frac * 10 + i64::from(b[i] - b'0');
                    n += 1;
                }
                i += 1;
            }
            while n < 3 {
                frac *= 10;
                n += 1;
            }
            ms += frac;
        }
        ms -= zone(&b[i..])?;
    } else if i != b.len() {
        return None;
    }
    plausible(ms)
}

/// Offset of a zone designator in milliseconds (`Z`, `+hh:mm`, `+hhmm`, `+hh`, ` UTC`, none).
fn zone(b: &[u8]) -> Option<Millis> {
    let b = trim_ascii(b);
    match b {
        [] | [b'Z'] | [b'z'] | b"UTC" | b"GMT" => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let h = digits(rest, 0, 2)?;
            let m = match rest.len() {
                2 => 0,
                4 => digits(rest, 2, 2)?,
                5 if rest[2] == b':' => digits(rest, 3, 2)?,
                _ => return None,
            };
            if h > 23 || m > 59 {
                return None;
            }
            let off = (h * 60 + m) * 60 * SECOND;
            Some(if *sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

fn trim_ascii(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b {
        if first.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = b {
        if last.is_ascii_whitespace() {
            b = rest;
        } else {
            break;
        }
    }
    b
}

/// `Thu, 01 Jan 2026 10:00:00 +0000` (the weekday is optional and not checked).
fn rfc2822(s: &str) -> Option<Millis> {
    let s = match s.find(',') {
        Some(i) => &s[i + 1..],
        None => s,
    };
    let mut it = s.split_ascii_whitespace();
    let day: i64 = it.next()?.parse().ok()?;
    let month = month_number(it.next()?)?;
    let year: i64 = it.next()?.parse().ok()?;
    let hms = it.next()?.as_bytes();
    let h = digits(hms, 0, 2)?;
    let m = digits(hms, 3, 2)?;
    let sec = if hms.len() >= 8 { digits(hms, 6, 2)? } else { 0 };
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let off = zone(it.next().unwrap_or("").as_bytes())?;
    let ms = civil_days(year, month, day)? * DAY + ((h * 60 + m) * 60 + sec) * SECOND - off;
    plausible(ms)
}

fn month_number(m: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = m.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|x| *x == m).map(|i| i as i64 + 1)
}

/// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_days(y: i64, m: i64, d: i64) -> Option<i64> {
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1900..=2200).contains(&y) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// Hour of day (0–23, UTC) of a time.
pub fn hour_of_day(t: Millis) -> usize {
    (t.div_euclid(3_600_000).rem_euclid(24)) as usize
}

/// Day of week (0 = Monday … 6 = Sunday, UTC) of a time.
pub fn day_of_week(t: Millis) -> usize {
    // 1970-01-01 was a Thursday (3 with Monday = 0).
    ((t.div_euclid(DAY) + 3).rem_euclid(7)) as usize
}

/// Whole days since the epoch (UTC day number).
pub fn day_number(t: Millis) -> i64 {
    t.div_euclid(DAY)
}

/// `2026-01-01T10:00:00Z` for a time (second precision).
pub fn format(t: Millis) -> String {
    let days = t.div_euclid(DAY);
    let secs = t.rem_euclid(DAY) / SECOND;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Millis = 1_767_261_600_000; // 2026-01-01T10:00:00Z

    #[test]
    fn forms() {
        assert_eq!(parse("2026-01-01T10:00:00Z"), Some(T));
        assert_eq!(parse("2026-01-01T10:00:00.000Z"), Some(T));
        assert_eq!(parse("2026-01-01T10:00:00.1234567Z"), Some(T + 123));
        assert_eq!(parse("2026-01-01 10:00:00.123"), Some(T + 123));
        assert_eq!(parse("2026-01-01 10:00:00+00:00"), Some(T));
        assert_eq!(parse("2026-01-01T12:00:00+02:00"), Some(T));
        assert_eq!(parse("2026-01-01T05:00:00-0500"), Some(T));
        assert_eq!(parse("Thu, 01 Jan 2026 10:00:00 +0000"), Some(T));
        assert_eq!(parse("1767261600000"), Some(T));
        assert_eq!(parse("1767261600"), Some(T));
        assert_eq!(format(T), "2026-01-01T10:00:00Z");
        assert_eq!(day_of_week(T), 3); // Thursday
        assert_eq!(hour_of_day(T), 10);
    }

    #[test]
    fn absurd() {
        for bad in [
            "",
            "9999-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-01-01T25:00:00Z",
            "NaN",
            "1e400",
            "2026-01-01T10:00:00+99:00",
            "-5",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
