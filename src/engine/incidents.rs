//! Incidents: what one attack does, grouped by its keys within a window; opened,
//! escalated and summarised.

use super::*;

pub(super) fn level_from_rank(r: u8) -> Level {
    [
        Level::Unknown,
        Level::None,
        Level::Low,
        Level::Medium,
        Level::High,
        Level::Critical,
    ]
    .get(r as usize)
    .copied()
    .unwrap_or(Level::Unknown)
}

pub(super) fn id_part(s: &str) -> String {
    let s: String = cut(s, 40)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "default".into()
    } else {
        s
    }
}

/// What a verdict at alert level says about the incident it opens or joins.
#[derive(Clone, Copy)]
pub(super) struct IncidentEvidence {
    /// The country's (or its strangers') shortfall, with nothing pointing at a block.
    pub country_wide: bool,
    /// Evidence about the send's block.
    pub block: bool,
    /// The tenant's new countries' shortfall.
    pub new_countries: bool,
    /// The send keeps the incident open (its own evidence, not only the carry).
    pub sustains: bool,
}

impl Engine {
    /// The newest incident still open under one of `keys` that the key sustained within the idle
    /// time, and the key's position.
    pub(super) fn open_incident(&self, keys: &[Option<u64>], now: Millis) -> Option<(usize, &Incident)> {
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        keys.iter()
            .enumerate()
            .filter_map(|(i, k)| {
                let o = self.state.open.get((*k)?)?;
                let inc = self.state.incidents.get(o.incident)?;
                // The key itself must have sustained the incident within the idle time: an
                // attacker that moved on from a block leaves it, though its incident goes on.
                (inc.open && now - inc.last <= idle && now - o.last <= idle).then_some((i, inc))
            })
            .max_by_key(|(_, inc)| inc.last)
    }

    /// The incident `key` sustained within the idle time plus `incident_reopen_secs`, open or
    /// closed since: the window within which a send at alert level reopens it
    /// ([`Self::track_incident`]).
    pub(super) fn recent_incident(&self, key: Option<u64>, now: Millis) -> Option<&Incident> {
        let window = (self.cfg.incident_idle_secs + self.cfg.incident_reopen_secs) as Millis * 1000;
        let o = self.state.open.get(key?)?;
        let inc = self.state.incidents.get(o.incident)?;
        (now - inc.last <= window && now - o.last <= window).then_some(inc)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn track_incident(
        &mut self,
        v: &mut Verdict,
        evidence: IncidentEvidence,
        open_keys: &[Option<u64>],
        tenant_name: &str,
        country: Country,
        block: &str,
        now: Millis,
        cost: f64,
    ) {
        let IncidentEvidence {
            country_wide,
            block: block_evidence,
            new_countries,
            sustains,
        } = evidence;
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        let reopen = self.cfg.incident_reopen_secs as Millis * 1000;
        let alert_level = self.cfg.alert_level;
        // The newest incident still open under any of the keys (or closed less than
        // `incident_reopen_secs` ago under one of the keys that carry: an attack that paused is
        // the same attack); stale links are dropped. A key that only joins (a network, the
        // tenant's blocks, the flow's strangers) is too wide to reopen one: hours later, a send
        // of the same tenant with evidence about another block is another attack (an attack
        // on one block through three tenants took in the attacks on two of them hours later).
        let mut current: Option<(OpenRef, Millis)> = None;
        for (i, key) in open_keys.iter().enumerate() {
            let read = match i {
                OPEN_COUNTRY_BLOCKS => false,
                // And a send held on its tenant's new countries' shortfall: its block, in a
                // country new to the tenant, is the one another tenant's incident is named for
                // and still hits (two tenants that detect one block through their new
                // countries within seconds of each other opened an incident each).
                OPEN_BLOCK_SEEN => block_evidence || new_countries,
                _ => true,
            };
            let Some(key) = key.filter(|_| read) else {
                continue;
            };
            let Some(o) = self.state.open.get(key).copied() else {
                continue;
            };
            // An incident that hit the block joins it only when it was opened on that block:
            // the tenant's incident on a block explains its country's shortfall by the block it
            // names (`conversion_stage`), and another tenant's incident named for another block
            // took that away (a second generator's German sign-ups were held so).
            if i == OPEN_BLOCK_SEEN
                && (now - o.last > idle
                    || self
                        .state
                        .incidents
                        .get(o.incident)
                        .is_none_or(|inc| inc.block != block))
            {
                continue;
            }
            let last = match self.state.incidents.get_mut(o.incident) {
                Some(inc) if inc.open && now - inc.last <= idle => inc.last,
                Some(inc)
                    if i < OPEN_JOIN_ONLY && v.level >= alert_level && now - inc.last <= idle + reopen =>
                {
                    inc.open = true;
                    inc.last
                }
                Some(inc) => {
                    inc.open = now - inc.last <= idle;
                    if now - inc.last > idle + reopen {
                        self.state.open.remove(key);
                    }
                    continue;
                }
                None => {
                    self.state.open.remove(key);
                    continue;
                }
            };
            if current.is_none_or(|(_, l)| last > l) {
                current = Some((o, last));
            }
        }
        let current = current.map(|c| c.0);
        if v.level < Level::Medium || (v.level < alert_level && current.is_none()) {
            return;
        }
        let rank = v.level as u8;
        let (ik, alert) = match current {
            Some(o) => {
                let inc = self.state.incidents.get(o.incident);
                let escalate = v.level >= alert_level && inc.is_some_and(|i| rank > i.max_level);
                (o.incident, escalate)
            }
            None => {
                let id = format!(
                    "inc-{}-{}-{}-{}",
                    id_part(tenant_name),
                    country,
                    block.trim_start_matches('+'),
                    now.div_euclid(1000)
                );
                let ik = self.keyer.hash(dom::INCIDENT, id.as_bytes());
                self.state.incidents.entry(ik, || Incident {
                    id,
                    tenant: cut(tenant_name, 64).to_string(),
                    country: country.to_string(),
                    block: block.to_string(),
                    first: now,
                    last: now,
                    max_level: 0,
                    alerts: 0,
                    sends: 0,
                    cost: 0.0,
                    cost_alerted: false,
                    reasons: Vec::new(),
                    open: true,
                });
                (ik, true)
            }
        };
        let Some(inc) = self.state.incidents.get_mut(ik) else {
            return;
        };
        inc.sends += 1;
        inc.cost += cost;
        // The cost mark: one more alert, on the first record at alert level once the
        // incident's estimated cost has reached it.
        let mark = self.cfg.incident_cost_alert_usd;
        let cost_mark = mark > 0.0 && !inc.cost_alerted && inc.cost >= mark && v.level >= alert_level;
        inc.cost_alerted |= cost_mark;
        let alert = alert || cost_mark;
        // A send held at `high` by the incident's block, requester or new countries joins it
        // but does not keep it open: the incident closes when its own evidence stops.
        if v.level >= alert_level && sustains {
            inc.last = inc.last.max(now);
            inc.max_level = inc.max_level.max(rank);
            let link = OpenRef {
                incident: ik,
                last: now,
            };
            // The block links the incident only when the evidence points at the block (a
            // country-wide shortfall says nothing about the blocks its sends happened to hit).
            let links = open_keys
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != OPEN_BLOCK || block_evidence)
                .filter_map(|(_, k)| *k);
            // Country-wide evidence also links the country as such (`KEY_COUNTRY_WIDE`).
            let wide = open_keys[OPEN_COUNTRY]
                .filter(|_| country_wide)
                .map(|k| Keyer::mix(k, KEY_COUNTRY_WIDE));
            for key in links.chain(wide) {
                *self.state.open.entry(key, || link) = link;
            }
        }
        for r in v.reasons.iter().filter(|r| r.weight > 0) {
            if let Some(e) = inc.reasons.iter_mut().find(|(c, _)| c == r.code) {
                e.1 = e.1.max(r.weight);
            } else if inc.reasons.len() < 6 {
                inc.reasons.push((r.code.to_string(), r.weight));
            }
        }
        if alert {
            inc.alerts += 1;
        }
        v.alert = alert;
        v.incident = Some(inc.id.clone());
    }

    /// One incident by id.
    pub fn incident(&self, id: &str) -> Option<IncidentSummary> {
        let key = self.keyer.hash(dom::INCIDENT, id.as_bytes());
        let i = self.state.incidents.get(key)?;
        Some(self.summary(i))
    }

    pub(super) fn summary(&self, i: &Incident) -> IncidentSummary {
        let idle = self.cfg.incident_idle_secs as Millis * 1000;
        let mut reasons = i.reasons.clone();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        IncidentSummary {
            id: i.id.clone(),
            tenant: i.tenant.clone(),
            country: i.country.clone(),
            block: i.block.clone(),
            first_seen: time::format(i.first),
            last_seen: time::format(i.last),
            level: level_from_rank(i.max_level),
            alerts: i.alerts,
            sends: i.sends,
            estimated_cost_usd: (i.cost * 100.0).round() / 100.0,
            top_reasons: reasons.into_iter().take(4).map(|r| r.0).collect(),
            open: i.open && self.state.clock - i.last <= idle,
        }
    }

    /// Incidents known to the engine, oldest first.
    pub fn incidents(&self) -> Vec<IncidentSummary> {
        let mut v: Vec<IncidentSummary> = self
            .state
            .incidents
            .iter()
            .map(|(_, i)| self.summary(i))
            .collect();
        v.sort_by(|a, b| a.first_seen.cmp(&b.first_seen).then(a.id.cmp(&b.id)));
        v
    }
}
