//! A borrowed, allocation-light view of one JSON object.
//!
//! Records are parsed once into a list of top-level `(key, raw value)` pairs; nested objects are
//! parsed only when a profile asks for a path inside them. Values are never copied unless they
//! contain escapes. Deep nesting is skipped by serde_json without recursion, so hostile depth costs
//! time linear in the input and no stack.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Text borrowed from the record where possible.
pub type Text<'a> = Cow<'a, str>;

/// One JSON object: its members in input order, values left raw.
#[derive(Debug, Default)]
pub struct Obj<'a> {
    fields: Vec<(Text<'a>, &'a RawValue)>,
}

impl<'a> Obj<'a> {
    /// Parses `bytes` as one JSON object. Any other JSON value, or invalid JSON, is an error.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, serde_json::Error> {
        // Valid UTF-8 is checked once for the whole record: from a `&str` serde_json neither
        // checks each string again nor each raw value it hands out. Invalid UTF-8 goes the slow
        // way, for serde_json's own message with its position.
        match std::str::from_utf8(bytes) {
            Ok(s) => serde_json::from_str(s),
            Err(_) => serde_json::from_slice(bytes),
        }
    }

    fn parse_raw(raw: &'a RawValue) -> Option<Self> {
        let s = raw.get();
        if !s.starts_with('{') {
            return None;
        }
        serde_json::from_str(s).ok()
    }

    /// The raw value of a top-level member. With duplicate keys the last one wins, as in most
    /// JSON readers downstream.
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        self.fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// Whether a top-level member exists (with any value, `null` included).
    pub fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    /// The nested object at `key`, if it is an object.
    pub fn obj(&self, key: &str) -> Option<Obj<'a>> {
        self.raw(key).and_then(Obj::parse_raw)
    }

    /// Follows a dotted path of object keys and returns the raw value at its end.
    pub fn path<S: AsRef<str>>(&self, path: &[S]) -> Option<&'a RawValue> {
        let (last, parents) = path.split_last()?;
        if parents.is_empty() {
            return self.raw(last.as_ref());
        }
        let mut cur = self.obj(parents[0].as_ref())?;
        for p in &parents[1..] {
            cur = cur.obj(p.as_ref())?;
        }
        cur.raw(last.as_ref())
    }

    /// Text at a path: a JSON string, or the literal of a number (numbers-as-strings both ways).
    pub fn text(&self, path: &[&str]) -> Option<Text<'a>> {
        self.path(path).and_then(raw_text)
    }

    /// Text of a top-level member.
    pub fn str(&self, key: &str) -> Option<Text<'a>> {
        self.raw(key).and_then(raw_text)
    }

    /// A finite number at a path: a JSON number or a string holding one.
    pub fn num(&self, path: &[&str]) -> Option<f64> {
        self.path(path).and_then(raw_num)
    }

    /// A boolean at a path (`true`/`false`, or the strings "true"/"false").
    pub fn boolean(&self, path: &[&str]) -> Option<bool> {
        let raw = self.path(path)?;
        match raw.get() {
            "true" => Some(true),
            "false" => Some(false),
            _ => match raw_text(raw)?.as_ref() {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
        }
    }

    /// Members in input order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &'a RawValue)> + '_ {
        self.fields.iter().map(|(k, v)| (k.as_ref(), *v))
    }

    /// Number of top-level members.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the object has no members.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }
}

/// Text of a raw value: a string's content, or a number's literal. `null`, objects, arrays and
/// booleans give `None`.
pub fn raw_text(raw: &RawValue) -> Option<Text<'_>> {
    let s = raw.get();
    match s.as_bytes().first()? {
        b'"' => match serde_json::from_str::<&str>(s) {
            Ok(b) => Some(Cow::Borrowed(b)),
            Err(_) => serde_json::from_str::<String>(s).ok().map(Cow::Owned),
        },
        b'-' | b'0'..=b'9' => Some(Cow::Borrowed(s)),
        _ => None,
    }
}

/// A finite number from a raw value that is a number or a string holding one.
pub fn raw_num(raw: &RawValue) -> Option<f64> {
    let t = raw_text(raw)?;
    let v: f64 = t.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

/// The elements of a raw JSON array (empty for anything else).
pub fn raw_array(raw: &RawValue) -> Vec<&RawValue> {
    if !raw.get().starts_with('[') {
        return Vec::new();
    }
    serde_json::from_str::<Vec<&RawValue>>(raw.get()).unwrap_or_default()
}

/// The object inside a raw value, if it is one.
pub fn raw_obj(raw: &RawValue) -> Option<Obj<'_>> {
    Obj::parse_raw(raw)
}

struct Key<'a>(Text<'a>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Obj<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ObjVisitor;
        impl<'de> Visitor<'de> for ObjVisitor {
            type Value = Obj<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(16).min(64));
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    let v: &'de RawValue = map.next_value()?;
                    fields.push((k, v));
                }
                Ok(Obj { fields })
            }
        }
        d.deserialize_map(ObjVisitor)
    }
}

/// Appends `s` to `out` as a JSON string literal (quotes included).
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f | 0x7f => b"",
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(esc);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}
