//! The look at a record's bytes that lets a record of no profile through without parsing it.

/// A look at a record's bytes before any parse: `false` when the record is a well-formed JSON
/// object none of whose top-level keys is one `detect` reads (`type`, `Type`, `sid`, `source`,
/// `MessageSid`, `SmsSid`, `notification`, `event`, `eventType`), so it has no profile and
/// `Obj::parse` would accept it. `true` otherwise, and whenever in doubt: a `\u` escape, nesting
/// deeper than 64, anything but the plainest JSON goes to the parse, which decides.
///
/// One pass that jumps through strings eight bytes at a time and keeps no members: in interpreted
/// wasm (Fluent Bit's default) a few times cheaper than the parse it saves.
pub fn may_have_profile(bytes: &[u8]) -> bool {
    !plain_object_of_no_profile(bytes).unwrap_or(false)
}

/// What the next token must be.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Expect {
    Value,
    ValueOrClose,
    Key,
    KeyOrClose,
    Colon,
    CommaOrClose,
}

/// `Some(true)`: a well-formed object with no key `detect` reads at the top level. `None` or
/// `Some(false)`: not known to be one.
pub(super) fn plain_object_of_no_profile(b: &[u8]) -> Option<bool> {
    const MAX_DEPTH: usize = 64;
    let mut objects = [false; MAX_DEPTH]; // per open container: an object (or an array)
    let mut depth = 0usize;
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut expect = Expect::Value;
    loop {
        i = skip_ws(b, i);
        let c = *b.get(i)?;
        let value_end = match expect {
            Expect::Value | Expect::ValueOrClose => match c {
                b']' if expect == Expect::ValueOrClose => None,
                b'{' | b'[' => {
                    if depth == MAX_DEPTH {
                        return None;
                    }
                    objects[depth] = c == b'{';
                    depth += 1;
                    i += 1;
                    expect = if c == b'{' {
                        Expect::KeyOrClose
                    } else {
                        Expect::ValueOrClose
                    };
                    continue;
                }
                b'"' => Some(skip_string(b, i)?),
                b't' => b[i..].starts_with(b"true").then_some(i + 4),
                b'f' => b[i..].starts_with(b"false").then_some(i + 5),
                b'n' => b[i..].starts_with(b"null").then_some(i + 4),
                b'-' | b'0'..=b'9' => Some(skip_number(b, i)?),
                _ => return None,
            },
            Expect::Key | Expect::KeyOrClose => match c {
                b'}' if expect == Expect::KeyOrClose => None,
                b'"' => {
                    let end = skip_string(b, i)?;
                    if depth == 1 && DETECT_KEYS.contains(&&b[i + 1..end - 1]) {
                        return Some(false);
                    }
                    i = end;
                    expect = Expect::Colon;
                    continue;
                }
                _ => return None,
            },
            Expect::Colon => {
                if c != b':' {
                    return None;
                }
                i += 1;
                expect = Expect::Value;
                continue;
            }
            Expect::CommaOrClose => {
                let object = objects[depth - 1];
                if c == b',' {
                    i += 1;
                    expect = if object { Expect::Key } else { Expect::Value };
                    continue;
                }
                if c != if object { b'}' } else { b']' } {
                    return None;
                }
                None
            }
        };
        match value_end {
            Some(end) => i = end,
            // A closing bracket or brace where one may stand.
            None => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some(skip_ws(b, i) == b.len());
                }
            }
        }
        expect = Expect::CommaOrClose;
    }
}

/// The top-level keys `detect` reads.
pub(super) const DETECT_KEYS: [&[u8]; 9] = [
    b"type",
    b"Type",
    b"sid",
    b"MessageSid",
    b"SmsSid",
    b"notification",
    b"eventType",
    b"source",
    b"event",
];

pub(super) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Past the string that opens at `b[at]`: the index after its closing quote. `None` for what
/// `Obj::parse` might refuse or read differently: a control character, a `\u` escape, an
/// unknown escape, invalid UTF-8, no end. (Outside strings the grammar admits ASCII only, so
/// this is the whole UTF-8 check.)
pub(super) fn skip_string(b: &[u8], at: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = at + 1;
    loop {
        // Eight bytes at a time to the next quote, backslash or control character. The lowest
        // flag of each test is exact, so the lowest of them all is the first such byte.
        while let Some(chunk) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let equal = |c: u8| {
                let x = w ^ (ONES * u64::from(c));
                x.wrapping_sub(ONES) & !x & HIGH
            };
            let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let found = equal(b'"') | equal(b'\\') | control | (w & HIGH);
            if found != 0 {
                i += (found.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => match *b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                _ => return None,
            },
            c if c < 0x20 => return None,
            c if c >= 0x80 => {
                let len = match c {
                    0xc2..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf4 => 4,
                    _ => return None,
                };
                std::str::from_utf8(b.get(i..i + len)?).ok()?;
                i += len;
            }
            _ => i += 1,
        }
    }
}

/// Past the JSON number at `b[at]`, by the grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
pub(super) fn skip_number(b: &[u8], at: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    };
    let mut i = at + usize::from(b[at] == b'-');
    i = match b.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i)?,
        _ => return None,
    };
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
}
