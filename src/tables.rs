//! Versioned data tables that change faster than code: high-risk prefixes and tariffs.
//! Embedded by default (`data/`), replaceable through `Config::data`.

use hashbrown::HashMap;

use crate::numbering::Country;

/// High-risk prefix table compiled into the binary.
pub const EMBEDDED_RISK: &str = include_str!("../data/risk_prefixes.tsv");
/// Tariff table compiled into the binary.
pub const EMBEDDED_TARIFFS: &str = include_str!("../data/tariffs.tsv");

/// One high-risk prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskEntry {
    /// Prefix digits (no `+`).
    pub prefix: String,
    /// Category (`satellite`, `premium`, `irsf_destination` …).
    pub category: String,
    /// Score points.
    pub weight: u32,
    /// What it is.
    pub note: String,
}

/// High-risk prefixes, longest match wins.
#[derive(Debug, Clone)]
pub struct RiskTable {
    version: String,
    by_prefix: HashMap<String, RiskEntry>,
    max_len: usize,
}

fn version_and_rows(text: &str) -> (String, Vec<(usize, Vec<&str>)>) {
    let mut version = String::new();
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0] == "version" {
            version = cols.get(1).copied().unwrap_or("").to_string();
        } else {
            rows.push((i + 1, cols));
        }
    }
    (version, rows)
}

impl RiskTable {
    /// Parses the TSV format of `data/risk_prefixes.tsv`.
    pub fn parse(text: &str) -> Result<RiskTable, String> {
        let (version, rows) = version_and_rows(text);
        if version.is_empty() {
            return Err("risk prefix table: missing `version` line".into());
        }
        let mut by_prefix = HashMap::new();
        let mut max_len = 0;
        for (n, cols) in rows {
            let bad = |m: &str| format!("risk prefix table line {n}: {m}");
            if cols.len() < 3 {
                return Err(bad("expected prefix, category, weight, note"));
            }
            let prefix = cols[0];
            if prefix.is_empty() || prefix.len() > 15 || !prefix.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad("prefix must be 1-15 digits"));
            }
            let weight: u32 = cols[2]
                .parse()
                .map_err(|_| bad("weight must be a whole number"))?;
            if weight > 100 {
                return Err(bad("weight above 100"));
            }
            max_len = max_len.max(prefix.len());
            by_prefix.insert(
                prefix.to_string(),
                RiskEntry {
                    prefix: prefix.to_string(),
                    category: cols[1].to_string(),
                    weight,
                    note: cols.get(3).copied().unwrap_or("").to_string(),
                },
            );
        }
        Ok(RiskTable {
            version,
            by_prefix,
            max_len,
        })
    }

    /// Version of the table (goes into every verdict's `model`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The longest prefix entry matching E.164 digits.
    pub fn lookup(&self, digits: &str) -> Option<&RiskEntry> {
        (1..=self.max_len.min(digits.len()))
            .rev()
            .find_map(|n| self.by_prefix.get(&digits[..n]))
    }
}

/// Estimated price per segment by destination country.
#[derive(Debug, Clone)]
pub struct Tariffs {
    version: String,
    by_country: HashMap<Country, f64>,
    default: f64,
}

impl Tariffs {
    /// Parses the TSV format of `data/tariffs.tsv`.
    pub fn parse(text: &str) -> Result<Tariffs, String> {
        let (version, rows) = version_and_rows(text);
        let mut by_country = HashMap::new();
        let mut default = None;
        for (n, cols) in rows {
            let bad = |m: &str| format!("tariff table line {n}: {m}");
            let price: f64 = cols
                .get(1)
                .and_then(|p| p.parse().ok())
                .filter(|p: &f64| p.is_finite() && *p >= 0.0 && *p < 100.0)
                .ok_or_else(|| bad("price must be a number from 0 to 100"))?;
            if cols[0] == "*" {
                default = Some(price);
            } else {
                let c =
                    Country::from_code(cols[0]).ok_or_else(|| bad("country must be a two-letter code"))?;
                by_country.insert(c, price);
            }
        }
        let default = default.ok_or("tariff table: missing `*` default row")?;
        Ok(Tariffs {
            version,
            by_country,
            default,
        })
    }

    /// Version of the table.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// USD per segment to `c`.
    pub fn price(&self, c: Country) -> f64 {
        self.by_country.get(&c).copied().unwrap_or(self.default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_parse() {
        let r = RiskTable::parse(EMBEDDED_RISK).expect("risk table");
        assert_eq!(r.version(), "rules.2026-11");
        assert_eq!(
            r.lookup("882000000001").map(|e| e.category.as_str()),
            Some("international_network")
        );
        assert_eq!(
            r.lookup("8816123456").map(|e| e.category.as_str()),
            Some("satellite")
        );
        assert!(r.lookup("447911123456").is_none());
        let t = Tariffs::parse(EMBEDDED_TARIFFS).expect("tariffs");
        assert!((t.price(Country(*b"US")) - 0.0083).abs() < 1e-9);
        assert!((t.price(Country(*b"ZZ")) - 0.08).abs() < 1e-9);
    }
}
