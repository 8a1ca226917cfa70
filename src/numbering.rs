//! Phone-number normalisation with libphonenumber's numbering-plan data.
//!
//! `data/numbering_plan.tsv` is generated from libphonenumber metadata by
//! `tools/gen_numbering_plan.py`: every calling code, the regions that share it (resolved by
//! national-number prefix, e.g. +1 204 → CA, +44 7797 → JE), and each region's valid national
//! number lengths. It is embedded at build time and can be replaced in configuration.

use std::fmt;

use hashbrown::HashMap;
use serde::{Deserialize, Serialize};

/// The numbering plan compiled into the binary.
pub const EMBEDDED_PLAN: &str = include_str!("../data/numbering_plan.tsv");
/// ISO 3166-1 alpha-2 codes and names, for requester countries given as names (Okta).
pub const EMBEDDED_COUNTRIES: &str = include_str!("../data/countries.tsv");

/// An ISO 3166-1 alpha-2 code; `XX` for non-geographic calling codes (+800, +870, +881, +882 …).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
pub struct Country(pub [u8; 2]);

impl Country {
    /// Non-geographic numbering (satellite, international networks, freephone …).
    pub const NON_GEO: Country = Country(*b"XX");

    /// Parses a two-letter code (case-insensitive).
    pub fn from_code(s: &str) -> Option<Country> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Some(Country([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => None,
        }
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// A compact integer id.
    pub fn id(&self) -> u16 {
        u16::from(self.0[0]) << 8 | u16::from(self.0[1])
    }
}

impl fmt::Debug for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone)]
struct Region {
    country: Country,
    /// Bit `n` set: a national number of `n` digits is possible.
    lengths: u32,
    national_prefix: Option<Box<str>>,
}

#[derive(Debug, Clone)]
struct CallingCode {
    default: Region,
    /// Other regions by national-number prefix, longest prefix first.
    by_prefix: Vec<(Box<str>, Region)>,
    /// `by_prefix` indexed by (prefix length, prefix digits as a number): the longest match is
    /// one look-up per distinct length instead of a scan (+1 alone has about 400 prefixes).
    index: HashMap<(u8, u64), usize>,
    /// The distinct prefix lengths of `by_prefix`, longest first.
    lengths: Vec<u8>,
}

/// Digits as a number (at most 18 of them, which the plan's parser checks).
fn digits_value(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |a, c| a * 10 + u64::from(c - b'0'))
}

/// Why a destination could not be normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberError {
    /// No digits at all.
    Empty,
    /// Characters that do not belong in a phone number.
    NotANumber,
    /// No calling code of the numbering plan matches.
    UnknownCallingCode,
    /// The national number has a length its region never uses.
    BadLength,
}

impl NumberError {
    /// Stable text for reason details.
    pub fn as_str(&self) -> &'static str {
        match self {
            NumberError::Empty => "empty",
            NumberError::NotANumber => "not a phone number",
            NumberError::UnknownCallingCode => "unknown calling code",
            NumberError::BadLength => "impossible length for its country",
        }
    }
}

/// A destination in E.164 form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Number {
    digits: [u8; 15],
    len: u8,
    cc_len: u8,
    /// The destination's country (`XX` for non-geographic numbering).
    pub country: Country,
}

impl Number {
    /// All digits, calling code first, without `+`.
    pub fn digits(&self) -> &str {
        std::str::from_utf8(&self.digits[..self.len as usize]).unwrap_or("")
    }

    /// The calling code digits.
    pub fn calling_code(&self) -> &str {
        &self.digits()[..self.cc_len as usize]
    }

    /// The national significant number.
    pub fn national(&self) -> &str {
        &self.digits()[self.cc_len as usize..]
    }

    /// The number block: calling code plus the first `n` national digits, keeping at least three
    /// digits hidden. Returned without `+`.
    pub fn block(&self, n: usize) -> &str {
        let nat = self.len as usize - self.cc_len as usize;
        let keep = n.min(nat.saturating_sub(3));
        &self.digits()[..self.cc_len as usize + keep]
    }

    /// The number with its last `n` digits removed (the adjacency range), or `None` when the
    /// national number is too short for that to mean anything.
    pub fn range(&self, n: usize) -> Option<&str> {
        let nat = self.len as usize - self.cc_len as usize;
        (nat > n + 1).then(|| &self.digits()[..self.len as usize - n])
    }

    /// The last `n` digits as an integer.
    pub fn suffix(&self, n: usize) -> u32 {
        self.digits()[self.len as usize - n.min(self.len as usize)..]
            .bytes()
            .fold(0u32, |a, c| a * 10 + u32::from(c - b'0'))
    }
}

impl fmt::Debug for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{} ({})", self.digits(), self.country)
    }
}

/// The numbering plan: calling codes, regions, national number lengths.
#[derive(Debug, Clone)]
pub struct NumberingPlan {
    version: String,
    codes: HashMap<u16, CallingCode>,
    names: HashMap<String, Country>,
    known: hashbrown::HashSet<Country>,
}

impl NumberingPlan {
    /// The plan compiled into the binary.
    pub fn embedded() -> Result<Self, String> {
        Self::parse(EMBEDDED_PLAN, EMBEDDED_COUNTRIES)
    }

    /// Parses a plan in the TSV format of `data/numbering_plan.tsv` and a country-name table.
    pub fn parse(plan: &str, countries: &str) -> Result<Self, String> {
        let mut version = String::new();
        let mut codes: HashMap<u16, CallingCode> = HashMap::new();
        let mut others: Vec<(u16, Box<str>, Region)> = Vec::new();
        let mut known = hashbrown::HashSet::new();
        for (n, line) in plan.lines().enumerate() {
            let line = line.trim_end_matches('\r');
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            if cols[0] == "version" {
                version = cols.get(1).unwrap_or(&"").to_string();
                continue;
            }
            let bad = |what: &str| format!("numbering plan line {}: {what}", n + 1);
            if cols.len() != 6 {
                return Err(bad("expected 6 tab-separated columns"));
            }
            let cc: u16 = cols[0].parse().map_err(|_| bad("bad calling code"))?;
            if cc == 0 || cc > 999 {
                return Err(bad("calling code out of range"));
            }
            let country = if cols[1] == "001" {
                Country::NON_GEO
            } else {
                Country::from_code(cols[1]).ok_or_else(|| bad("bad region"))?
            };
            known.insert(country);
            let mut lengths = 0u32;
            for l in cols[2].split(',').filter(|s| !s.is_empty()) {
                let l: u32 = l.parse().map_err(|_| bad("bad length"))?;
                if !(2..=17).contains(&l) {
                    return Err(bad("length out of range"));
                }
                lengths |= 1 << l;
            }
            if lengths == 0 {
                return Err(bad("no national lengths"));
            }
            let region = Region {
                country,
                lengths,
                national_prefix: (!cols[4].is_empty()).then(|| cols[4].into()),
            };
            if cols[5] == "*" {
                if codes.contains_key(&cc) {
                    return Err(bad("two default regions for one calling code"));
                }
                codes.insert(
                    cc,
                    CallingCode {
                        default: region,
                        by_prefix: Vec::new(),
                        index: HashMap::new(),
                        lengths: Vec::new(),
                    },
                );
            } else {
                for p in cols[5].split(',').filter(|s| !s.is_empty()) {
                    if !p.bytes().all(|c| c.is_ascii_digit()) || p.len() > 18 {
                        return Err(bad("bad prefix"));
                    }
                    others.push((cc, p.into(), region.clone()));
                }
            }
        }
        for (cc, p, region) in others {
            let entry = codes
                .get_mut(&cc)
                .ok_or_else(|| format!("numbering plan: calling code {cc} has no default region"))?;
            entry.by_prefix.push((p, region));
        }
        for c in codes.values_mut() {
            c.by_prefix
                .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
            for (i, (p, _)) in c.by_prefix.iter().enumerate() {
                let key = (p.len() as u8, digits_value(p.as_bytes()));
                // Sorted, so the first of two equal prefixes keeps the place, as the scan did.
                c.index.entry(key).or_insert(i);
                if !c.lengths.contains(&key.0) {
                    c.lengths.push(key.0);
                }
            }
        }
        if codes.is_empty() {
            return Err("numbering plan is empty".into());
        }
        let mut names = HashMap::new();
        for line in countries.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut cols = line.split('\t');
            let (Some(code), Some(list)) = (cols.next(), cols.next()) else {
                continue;
            };
            if let Some(c) = Country::from_code(code) {
                for name in list.split('|') {
                    names.insert(name.to_lowercase(), c);
                }
                known.insert(c);
            }
        }
        Ok(NumberingPlan {
            version,
            codes,
            names,
            known,
        })
    }

    /// Version of the underlying data (e.g. `libphonenumber-9.0.43`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A country from an ISO code or an English name (`"GB"`, `"United Kingdom"`).
    pub fn country(&self, s: &str) -> Option<Country> {
        let s = s.trim();
        if let Some(c) = Country::from_code(s) {
            return self.known.contains(&c).then_some(c);
        }
        if s.len() > 64 {
            return None;
        }
        self.names.get(&s.to_lowercase()).copied()
    }

    fn region_of(&self, cc: u16, national: &[u8]) -> Option<&Region> {
        let entry = self.codes.get(&cc)?;
        for &len in &entry.lengths {
            let Some(head) = national.get(..usize::from(len)) else {
                continue;
            };
            if let Some(&i) = entry.index.get(&(len, digits_value(head))) {
                return Some(&entry.by_prefix[i].1);
            }
        }
        Some(&entry.default)
    }

    /// Normalises a destination to E.164. `home` is the country to assume for numbers written in
    /// national form (a leading national prefix such as `0`), when the record names one.
    pub fn normalize(&self, raw: &str, home: Option<Country>) -> Result<Number, NumberError> {
        let mut buf = [0u8; 20];
        let mut n = 0usize;
        let mut plus = false;
        let raw = raw.trim();
        let raw = raw
            .strip_prefix("tel:")
            .or_else(|| raw.strip_prefix("sms:"))
            .unwrap_or(raw);
        for (i, c) in raw.bytes().enumerate() {
            match c {
                b'0'..=b'9' => {
                    if n == buf.len() {
                        return Err(NumberError::BadLength);
                    }
                    buf[n] = c;
                    n += 1;
                }
                b'+' if i == 0 => plus = true,
                b' ' | b'-' | b'(' | b')' | b'.' | b'/' => {}
                _ => return Err(NumberError::NotANumber),
            }
        }
        if n == 0 {
            return Err(NumberError::Empty);
        }
        let mut digits = &buf[..n];
        if !plus {
            if let Some(rest) = digits.strip_prefix(b"00") {
                digits = rest;
            } else if let Some(home) = home.filter(|_| digits.first() == Some(&b'0')) {
                return self.national_form(digits, home);
            }
        }
        self.international(digits)
    }

    fn national_form(&self, digits: &[u8], home: Country) -> Result<Number, NumberError> {
        for (cc, entry) in &self.codes {
            let regions = std::iter::once(&entry.default).chain(entry.by_prefix.iter().map(|(_, r)| r));
            for r in regions {
                if r.country != home {
                    continue;
                }
                let national = match &r.national_prefix {
                    Some(p) => digits.strip_prefix(p.as_bytes()).unwrap_or(digits),
                    None => digits,
                };
                let mut full = [0u8; 20];
                let ccs = cc.to_string();
                let total = ccs.len() + national.len();
                if total > 15 {
                    return Err(NumberError::BadLength);
                }
                full[..ccs.len()].copy_from_slice(ccs.as_bytes());
                full[ccs.len()..total].copy_from_slice(national);
                return self.international(&full[..total]);
            }
        }
        Err(NumberError::UnknownCallingCode)
    }

    fn international(&self, digits: &[u8]) -> Result<Number, NumberError> {
        // ITU-T E.164 calling codes are prefix-free: at most one of the 1-3 digit prefixes matches.
        for cc_len in 1..=3usize {
            if digits.len() <= cc_len {
                break;
            }
            let cc = digits[..cc_len]
                .iter()
                .fold(0u16, |a, c| a * 10 + u16::from(c - b'0'));
            if digits[0] == b'0' {
                break;
            }
            let Some(region) = self.region_of(cc, &digits[cc_len..]) else {
                continue;
            };
            let nat = digits.len() - cc_len;
            if digits.len() > 15 || nat > 17 || region.lengths & (1 << nat) == 0 {
                return Err(NumberError::BadLength);
            }
            let mut out = [0u8; 15];
            out[..digits.len()].copy_from_slice(digits);
            return Ok(Number {
                digits: out,
                len: digits.len() as u8,
                cc_len: cc_len as u8,
                country: region.country,
            });
        }
        Err(NumberError::UnknownCallingCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> NumberingPlan {
        NumberingPlan::embedded().expect("embedded plan parses")
    }

    #[test]
    fn countries_of_shared_codes() {
        let p = plan();
        let c = |s: &str| p.normalize(s, None).map(|n| n.country.to_string());
        assert_eq!(c("+14155550123"), Ok("US".into()));
        assert_eq!(c("+1 (416) 555-0123"), Ok("CA".into()));
        assert_eq!(c("+18765550123"), Ok("JM".into()));
        assert_eq!(c("+447781123456"), Ok("GG".into()));
        assert_eq!(c("+447700900123"), Ok("JE".into()));
        assert_eq!(c("+447400123456"), Ok("GB".into()));
        assert_eq!(c("+447911123456"), Ok("GG".into())); // 79111 is Guernsey in libphonenumber
        assert_eq!(c("+77011234567"), Ok("KZ".into()));
        assert_eq!(c("+79161234567"), Ok("RU".into()));
        assert_eq!(c("+882000000001"), Ok("XX".into()));
        assert_eq!(c("00491701234567"), Ok("DE".into()));
        assert_eq!(c("491701234567"), Ok("DE".into()));
    }

    /// The indexed look-up against the scan it replaced: the first prefix of `by_prefix`
    /// (longest first) that the national number starts with, for every prefix of the plan with
    /// digits after it, and for pseudo-random national numbers of every calling code.
    #[test]
    fn indexed_region_lookup_agrees_with_a_scan_of_the_prefixes() {
        let p = plan();
        let scan = |cc: u16, national: &[u8]| -> Option<Country> {
            let entry = p.codes.get(&cc)?;
            let hit = entry
                .by_prefix
                .iter()
                .find(|(pre, _)| national.starts_with(pre.as_bytes()));
            Some(hit.map_or(entry.default.country, |(_, r)| r.country))
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut checked = 0;
        for (&cc, entry) in &p.codes {
            let mut nationals: Vec<Vec<u8>> = Vec::new();
            for (pre, _) in &entry.by_prefix {
                for tail in ["", "0", "5", "99", "1234567"] {
                    nationals.push(format!("{pre}{tail}").into_bytes());
                }
                nationals.push(pre.as_bytes()[..pre.len() - 1].to_vec());
            }
            for _ in 0..200 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                nationals.push(format!("{:010}", x % 10_000_000_000).into_bytes());
            }
            for n in &nationals {
                assert_eq!(p.region_of(cc, n).map(|r| r.country), scan(cc, n), "+{cc} {n:?}");
                checked += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
    }

    #[test]
    fn national_form_with_home_country() {
        let p = plan();
        let n = p
            .normalize("07911 123456", Country::from_code("GB"))
            .expect("valid");
        assert_eq!(n.digits(), "447911123456");
        assert_eq!(n.block(4), "447911");
        assert_eq!(n.range(4), Some("44791112"));
        assert_eq!(n.suffix(4), 3456);
    }

    #[test]
    fn rejects() {
        let p = plan();
        assert_eq!(p.normalize("", None), Err(NumberError::Empty));
        assert_eq!(p.normalize("+44 abc", None), Err(NumberError::NotANumber));
        assert_eq!(
            p.normalize("+4479111234567890", None),
            Err(NumberError::BadLength)
        );
        assert_eq!(p.normalize("+44791", None), Err(NumberError::BadLength));
        assert_eq!(
            p.normalize("+999123456", None),
            Err(NumberError::UnknownCallingCode)
        );
        assert_eq!(
            p.normalize("+44\u{0}7911123456", None),
            Err(NumberError::NotANumber)
        );
        assert_eq!(
            p.normalize("99999999999999999999999999", None),
            Err(NumberError::BadLength)
        );
    }

    #[test]
    fn country_names() {
        let p = plan();
        assert_eq!(p.country("United Kingdom"), Country::from_code("GB"));
        assert_eq!(p.country("united states"), Country::from_code("US"));
        assert_eq!(p.country("de"), Country::from_code("DE"));
        assert_eq!(p.country("Exampleland"), None);
    }
}
