//! What the playground shows, built from the engine's verdicts as records stream through: sends
//! per destination country per hour against a baseline learned from that country's own past,
//! the riskiest number blocks (sends, conversion, cost, reasons), and the totals. Every map is
//! bounded, so a file of any size fits. Pure; tested natively.

use std::collections::{BTreeMap, HashMap};

use pumpguard::json::Obj;
use pumpguard::numbering::NumberingPlan;
use pumpguard::profiles::{self, Kind};
use pumpguard::tables::{EMBEDDED_TARIFFS, Tariffs};
use pumpguard::{Config, Level, Outcome};
use serde::Serialize;

const HOUR_MS: i64 = 3_600_000;
/// Hourly points kept over all countries; later hours of new points are counted as dropped.
const MAX_POINTS: usize = 200_000;
/// Number blocks followed; later new blocks are counted as dropped.
const MAX_BLOCKS: usize = 50_000;
/// Message and verification ids remembered, to credit a conversion to its block.
const MAX_REFS: usize = 200_000;
/// Points per series at most: longer files get wider buckets.
const MAX_SERIES_POINTS: i64 = 2_000;
/// Baseline half-life, in hours.
const BASELINE_HALF_LIFE_H: f64 = 24.0;

#[derive(Debug, Default, Clone)]
struct Block {
    country: String,
    tenant: String,
    sends: u64,
    verified: u64,
    cost_usd: f64,
    max_score: u32,
    max_level: Option<Level>,
    reasons: BTreeMap<&'static str, u64>,
    incident: Option<String>,
    first_ms: i64,
    last_ms: i64,
}

/// Totals of one run.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Totals {
    /// Records read.
    pub records: u64,
    /// SMS records scored.
    pub scored: u64,
    /// Records tagged as not scorable.
    pub unscored: u64,
    /// Evidence records (conversions, blocks, annotations).
    pub evidence: u64,
    /// Records that are not SMS-related.
    pub passed: u64,
    /// Alerts raised.
    pub alerts: u64,
    /// Conversions credited to a block.
    pub conversions_matched: u64,
    /// Conversions whose block could not be found.
    pub conversions_unmatched: u64,
    /// Points and blocks not kept because a bound was reached.
    pub dropped: u64,
    /// First and last event time seen (epoch ms).
    pub first_ms: Option<i64>,
    /// Last event time seen.
    pub last_ms: Option<i64>,
}

/// One row of the riskiest-blocks table.
#[derive(Debug, Clone, Serialize)]
pub struct BlockRow {
    /// Number block (`+9965551`).
    pub block: String,
    /// Destination country.
    pub country: String,
    /// Tenant that sent the most recent message to it.
    pub tenant: String,
    /// Sends.
    pub sends: u64,
    /// Conversions credited.
    pub verified: u64,
    /// verified / sends.
    pub conversion_rate: f64,
    /// Estimated cost: the record's price, else the tariff times segments.
    pub cost_usd: f64,
    /// Highest score.
    pub max_score: u32,
    /// Highest level.
    pub level: &'static str,
    /// Most frequent reason codes, most frequent first.
    pub reasons: Vec<&'static str>,
    /// The incident, if any.
    pub incident: Option<String>,
    /// First send (RFC 3339).
    pub first_seen: String,
    /// Last send.
    pub last_seen: String,
}

/// Countries over time.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// Width of each point's bucket (an hour, or more for long files).
    pub bucket_ms: i64,
    /// The top countries, all on the same buckets.
    pub countries: Vec<CountrySeries>,
}

/// One country's series.
#[derive(Debug, Clone, Serialize)]
pub struct CountrySeries {
    /// ISO country code.
    pub country: String,
    /// Sends in all.
    pub sends: u64,
    /// `[bucket start (epoch ms), sends in it, baseline]`.
    pub points: Vec<(i64, u32, f64)>,
}

/// The streaming analysis.
pub struct Analysis {
    plan: NumberingPlan,
    tariffs: Tariffs,
    block_digits: usize,
    profile: Option<profiles::Profile>,
    hours: HashMap<String, BTreeMap<i64, u32>>,
    points: usize,
    blocks: HashMap<String, Block>,
    refs: HashMap<String, String>,
    /// Totals so far.
    pub totals: Totals,
}

impl Analysis {
    /// An analysis for an engine built from `cfg`.
    pub fn new(cfg: &Config) -> Result<Analysis, String> {
        Ok(Analysis {
            plan: NumberingPlan::embedded()?,
            tariffs: Tariffs::parse(EMBEDDED_TARIFFS)?,
            block_digits: cfg.block_digits,
            profile: cfg.profile,
            hours: HashMap::new(),
            points: 0,
            blocks: HashMap::new(),
            refs: HashMap::new(),
            totals: Totals::default(),
        })
    }

    fn remember(&mut self, id: Option<&str>, block: &str) {
        let Some(id) = id else { return };
        if self.refs.len() >= MAX_REFS {
            // Forget everything rather than grow: conversions arrive minutes after their send.
            self.refs.clear();
        }
        self.refs.insert(id.to_owned(), block.to_owned());
    }

    /// Counts one record with the engine's outcome for it; `clock_ms` is the engine's clock
    /// after scoring it (used when the record has no time of its own).
    pub fn observe(&mut self, record: &[u8], outcome: &Outcome, clock_ms: i64) {
        let t = &mut self.totals;
        t.records += 1;
        match outcome {
            Outcome::Passed => {
                t.passed += 1;
                return;
            }
            // Not scorable: not JSON, too large, or no valid destination (level `unknown`).
            Outcome::Unscored(_) => {
                t.unscored += 1;
                return;
            }
            Outcome::Scored(v) if v.level == Level::Unknown => {
                t.unscored += 1;
                return;
            }
            Outcome::Evidence => t.evidence += 1,
            Outcome::Scored(v) => {
                t.scored += 1;
                t.alerts += u64::from(v.alert);
            }
        }
        let Ok(obj) = Obj::parse(record) else { return };
        let Some(ev) = profiles::read(&obj, self.profile) else {
            return;
        };
        // The record's own time, unless the engine refused it as a far jump ahead (then the
        // engine's clock, as it scored it): one bogus timestamp must not stretch the charts.
        let at = ev.time.map_or(clock_ms, |t| t.min(clock_ms));
        match (outcome, ev.kind) {
            (Outcome::Scored(v), Kind::Sms) => {
                let t = &mut self.totals;
                t.first_ms = Some(t.first_ms.map_or(at, |f| f.min(at)));
                t.last_ms = Some(t.last_ms.map_or(at, |l| l.max(at)));
                let (Some(country), Some(block)) = (v.keys.country.clone(), v.keys.block.clone()) else {
                    return;
                };
                self.count_hour(&country, at);
                let segments = ev
                    .segments
                    .filter(|s| s.is_finite() && *s >= 1.0)
                    .unwrap_or(1.0)
                    .min(100.0);
                let cost = ev
                    .price_usd
                    .filter(|p| p.is_finite())
                    .map(f64::abs)
                    .unwrap_or_else(|| {
                        pumpguard::numbering::Country::from_code(&country)
                            .map_or(0.0, |c| self.tariffs.price(c) * segments)
                    })
                    .min(1_000.0);
                if !self.blocks.contains_key(&block) && self.blocks.len() >= MAX_BLOCKS {
                    self.totals.dropped += 1;
                } else {
                    let b = self.blocks.entry(block.clone()).or_insert_with(|| Block {
                        country: country.clone(),
                        first_ms: at,
                        ..Block::default()
                    });
                    b.sends += 1;
                    b.cost_usd += cost;
                    b.last_ms = b.last_ms.max(at);
                    b.first_ms = b.first_ms.min(at);
                    if let Some(tenant) = &v.keys.tenant {
                        b.tenant.clone_from(tenant);
                    }
                    if v.score >= b.max_score {
                        b.max_score = v.score;
                    }
                    if b.max_level.is_none_or(|l| v.level > l) {
                        b.max_level = Some(v.level);
                    }
                    for r in v.reasons.iter().filter(|r| r.weight > 0) {
                        *b.reasons.entry(r.code).or_default() += 1;
                    }
                    if v.incident.is_some() {
                        b.incident.clone_from(&v.incident);
                    }
                }
                self.remember(ev.message_id.as_deref(), &block);
                self.remember(ev.conversion_ref.as_deref(), &block);
            }
            (Outcome::Evidence, Kind::Conversion) => {
                let by_ref = [ev.conversion_ref.as_deref(), ev.message_id.as_deref()]
                    .into_iter()
                    .flatten()
                    .find_map(|id| self.refs.get(id).cloned());
                let by_number = || {
                    let home = ev.country_hint.as_deref().and_then(|c| self.plan.country(c));
                    let n = self.plan.normalize(ev.to.as_deref()?, home).ok()?;
                    Some(format!("+{}", n.block(self.block_digits)))
                };
                match by_ref.or_else(by_number).and_then(|b| self.blocks.get_mut(&b)) {
                    Some(b) => {
                        b.verified += 1;
                        self.totals.conversions_matched += 1;
                    }
                    None => self.totals.conversions_unmatched += 1,
                }
            }
            _ => {}
        }
    }

    fn count_hour(&mut self, country: &str, at: i64) {
        let hour = at.div_euclid(HOUR_MS) * HOUR_MS;
        let known = self.hours.get(country).is_some_and(|h| h.contains_key(&hour));
        if !known && self.points >= MAX_POINTS {
            self.totals.dropped += 1;
            return;
        }
        let h = self.hours.entry(country.to_owned()).or_default();
        let n = h.entry(hour).or_insert_with(|| 0);
        if *n == 0 {
            self.points += 1;
        }
        *n = n.saturating_add(1);
    }

    /// The `top` countries by sends on one time axis: every bucket (an hour, or several when
    /// the file spans more than `MAX_SERIES_POINTS` hours) from the first send to the last, so a
    /// country that appears only in a burst shows as a spike from zero. Each point carries the
    /// baseline: the rate learned from the country's earlier buckets (exponentially weighted,
    /// 24 h half-life), as it stood before that bucket.
    pub fn series(&self, top: usize) -> Series {
        let mut totals: Vec<(&String, u64)> = self
            .hours
            .iter()
            .map(|(c, h)| (c, h.values().map(|n| u64::from(*n)).sum()))
            .collect();
        totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        totals.truncate(top);
        let first = totals
            .iter()
            .filter_map(|(c, _)| self.hours[*c].keys().next())
            .min()
            .copied();
        let last = totals
            .iter()
            .filter_map(|(c, _)| self.hours[*c].keys().next_back())
            .max()
            .copied();
        let (Some(first), Some(last)) = (first, last) else {
            return Series {
                bucket_ms: HOUR_MS,
                countries: Vec::new(),
            };
        };
        let hours = (last - first) / HOUR_MS + 1;
        let per = (hours + MAX_SERIES_POINTS - 1) / MAX_SERIES_POINTS;
        let bucket = HOUR_MS * per.max(1);
        let n = ((last - first) / bucket + 1) as usize;
        let alpha = 1.0 - 0.5f64.powf(bucket as f64 / HOUR_MS as f64 / BASELINE_HALF_LIFE_H);
        let countries = totals
            .into_iter()
            .map(|(country, sends)| {
                let mut counts = vec![0u32; n];
                for (hour, c) in &self.hours[country] {
                    let i = ((hour - first) / bucket) as usize;
                    if let Some(slot) = counts.get_mut(i) {
                        *slot = slot.saturating_add(*c);
                    }
                }
                let mut baseline: Option<f64> = None;
                let points = counts
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let p = (first + i as i64 * bucket, c, baseline.unwrap_or(0.0));
                        let x = f64::from(c);
                        baseline = Some(baseline.map_or(x, |b| b + alpha * (x - b)));
                        p
                    })
                    .collect();
                CountrySeries {
                    country: country.clone(),
                    sends,
                    points,
                }
            })
            .collect();
        Series {
            bucket_ms: bucket,
            countries,
        }
    }

    /// The `top` riskiest blocks: highest level, then highest score, then most sends.
    pub fn blocks(&self, top: usize) -> Vec<BlockRow> {
        let mut list: Vec<(&String, &Block)> = self.blocks.iter().collect();
        list.sort_by(|(ka, a), (kb, b)| {
            b.max_level
                .cmp(&a.max_level)
                .then(b.max_score.cmp(&a.max_score))
                .then(b.sends.cmp(&a.sends))
                .then_with(|| ka.cmp(kb))
        });
        list.truncate(top);
        list.into_iter()
            .map(|(block, b)| {
                let mut reasons: Vec<(&'static str, u64)> = b.reasons.iter().map(|(k, v)| (*k, *v)).collect();
                reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                BlockRow {
                    block: block.clone(),
                    country: b.country.clone(),
                    tenant: b.tenant.clone(),
                    sends: b.sends,
                    verified: b.verified,
                    conversion_rate: if b.sends > 0 {
                        (b.verified as f64 / b.sends as f64).min(1.0)
                    } else {
                        0.0
                    },
                    cost_usd: (b.cost_usd * 100.0).round() / 100.0,
                    max_score: b.max_score,
                    level: b.max_level.unwrap_or(Level::None).as_str(),
                    reasons: reasons.into_iter().take(4).map(|r| r.0).collect(),
                    incident: b.incident.clone(),
                    first_seen: pumpguard::time::format(b.first_ms),
                    last_seen: pumpguard::time::format(b.last_ms),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pumpguard::Engine;

    fn run(lines: &[String]) -> (Engine, Analysis) {
        let cfg = Config::default();
        let mut a = Analysis::new(&cfg).expect("analysis");
        let mut e = Engine::new(cfg).expect("engine");
        for l in lines {
            let o = e.score(l.as_bytes(), None);
            a.observe(l.as_bytes(), &o, e.clock());
        }
        (e, a)
    }

    #[test]
    fn a_burst_into_one_block_tops_the_table_and_conversions_are_credited() {
        let mut lines = Vec::new();
        for i in 0..200 {
            let t = pumpguard::time::format(1_767_571_200_000 + i * 600_000);
            let to = format!("+1415555{:04}", 1000 + i * 7);
            lines.push(format!(
                r#"{{"event":"sms_sent","time":"{t}","tenant":"acme","to":"{to}","message_id":"m{i}","verification_id":"v{i}"}}"#
            ));
            if i % 5 != 0 {
                lines.push(format!(
                    r#"{{"event":"otp_verified","time":"{t}","tenant":"acme","verification_id":"v{i}"}}"#
                ));
            }
        }
        for k in 0..120 {
            let t = pumpguard::time::format(1_767_571_200_000 + 200 * 600_000 + k * 5_000);
            lines.push(format!(
                r#"{{"event":"sms_sent","time":"{t}","tenant":"acme","to":"+9965551{:05}","ip":"203.0.113.9"}}"#,
                10_000 + k
            ));
        }
        let (_, a) = run(&lines);
        let rows = a.blocks(10);
        assert_eq!(rows[0].block, "+9965551", "{rows:?}");
        assert_eq!(rows[0].sends, 120);
        assert_eq!(rows[0].verified, 0);
        assert!(rows[0].cost_usd > 1.0);
        assert!(matches!(rows[0].level, "high" | "critical"));
        let us = rows.iter().find(|r| r.country == "US").expect("US block");
        assert_eq!(us.verified, 160);
        assert!((us.conversion_rate - 0.8).abs() < 1e-9);
        assert_eq!(a.totals.conversions_matched, 160);
        let series = a.series(5);
        assert_eq!(series.bucket_ms, HOUR_MS);
        let series = series.countries;
        assert_eq!(series[0].country, "US");
        let kg = series.iter().find(|s| s.country == "KG").expect("KG series");
        assert_eq!(kg.sends, 120);
        assert_eq!(kg.points.iter().map(|p| u64::from(p.1)).sum::<u64>(), 120);
        assert_eq!(kg.points.len(), series[0].points.len(), "one time axis");
        assert_eq!(kg.points[0].1, 0, "KG starts from zero");
        let us_points = &series[0].points;
        assert!(us_points.len() >= 33, "every hour, empty ones too");
        assert!(us_points.windows(2).all(|w| w[1].0 - w[0].0 == HOUR_MS));
        assert!(
            us_points.last().expect("points").2 > 1.0,
            "the baseline learned the US rate"
        );
    }

    #[test]
    fn bad_records_are_counted_not_analysed() {
        let lines = vec![
            "not json".to_owned(),
            r#"{"event":"sms_sent","to":"+44 abc"}"#.to_owned(),
            r#"{"hello":"world"}"#.to_owned(),
        ];
        let (_, a) = run(&lines);
        assert_eq!(a.totals.records, 3);
        assert_eq!(a.totals.unscored, 2);
        assert_eq!(a.totals.passed, 1);
        assert!(a.blocks(10).is_empty());
    }
}

#[cfg(test)]
mod long_files {
    use super::*;
    use pumpguard::Engine;

    #[test]
    fn a_year_of_traffic_gets_wider_buckets() {
        let cfg = Config::default();
        let mut a = Analysis::new(&cfg).expect("analysis");
        let mut e = Engine::new(cfg).expect("engine");
        for d in 0..365i64 {
            let t = pumpguard::time::format(1_735_689_600_000 + d * 86_400_000);
            let l = format!(
                r#"{{"event":"sms_sent","time":"{t}","tenant":"a","to":"+447400{:06}"}}"#,
                d
            );
            let o = e.score(l.as_bytes(), None);
            a.observe(l.as_bytes(), &o, e.clock());
        }
        let far = r#"{"event":"sms_sent","time":"9999-12-31T00:00:00Z","tenant":"a","to":"+447400999999"}"#;
        let o = e.score(far.as_bytes(), None);
        a.observe(far.as_bytes(), &o, e.clock());
        let s = a.series(6);
        assert!(s.bucket_ms > HOUR_MS);
        assert!(
            s.bucket_ms < 24 * HOUR_MS,
            "one far-future record does not stretch the axis"
        );
        assert!(s.countries[0].points.len() <= MAX_SERIES_POINTS as usize);
        assert_eq!(
            s.countries[0].points.iter().map(|p| u64::from(p.1)).sum::<u64>(),
            366,
            "the far-future record counts at the engine's clock"
        );
    }
}
