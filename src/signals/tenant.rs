//! The tenant, its countries and workflows: novelty, rarity, concentration, the day-of-week
//! factor and the flow's conversion baseline.

use super::*;

/// What the tenant looked like before this send.
pub struct TenantView {
    /// The country was unknown to a tenant with a history.
    pub new_country: bool,
    /// The country was first sent to in the last [`RECENT_FACTOR`] × `new_for_hours` by a
    /// tenant that already had a history then (a new country is recent too).
    pub recent_country: bool,
    /// Share of the country in the tenant's long-run traffic (before this send).
    pub country_share: f64,
    /// The tenant's history is long enough for novelty and rarity to mean something.
    pub established: bool,
}

/// How many times `new_for_hours` a country stays recent ([`TenantView::recent_country`]).
pub const RECENT_FACTOR: i64 = 3;

/// Updates the tenant with a send and reports novelty.
pub fn tenant_send(
    cfg: &Config,
    t: &mut Tenant,
    s: &Send,
    workflow_hash: Option<u64>,
    cost: f64,
) -> TenantView {
    let now = s.now;
    let dc = &cfg.signals.destination_country;
    let established =
        t.sends >= u64::from(dc.min_tenant_sends) && now - t.first >= i64::from(dc.min_tenant_hours) * HOUR;
    let lr_total = f64::from(t.long_run.get(now, LONG_RUN)).max(1e-9);
    let cid = s.country.id();
    let found = t.countries.iter().position(|c| c.0 == cid);
    let share = found.map_or(0.0, |i| f64::from(t.countries[i].1.get(now, LONG_RUN)) / lr_total);
    // New: never seen, or first seen in the last `new_for_hours` by a tenant that already had
    // a history then.
    let seen_within = |hours: i64| match found {
        None => established,
        Some(i) => {
            let first_seen = Millis::from(t.countries[i].2) * 1000;
            now - first_seen < hours * HOUR && first_seen - t.first >= i64::from(dc.min_tenant_hours) * HOUR
        }
    };
    let new_country = seen_within(i64::from(dc.new_for_hours));
    let view = TenantView {
        new_country,
        recent_country: seen_within(RECENT_FACTOR * i64::from(dc.new_for_hours)),
        country_share: share,
        established,
    };
    if !s.first {
        return view;
    }
    t.last = t.last.max(now);
    if t.sends == 0 {
        t.first = now;
    }
    roll_day(t, now);
    t.sends += 1;
    t.day_count += 1;
    t.day_spend += cost;
    t.long_run.add(now, 1.0, LONG_RUN);
    t.window.add(now, 1.0, window_ms(cfg));
    t.conv_den = t.conv_den * 0.9995 + 1.0;
    t.conv_num *= 0.9995;
    match found {
        Some(i) => t.countries[i].1.add(now, 1.0, LONG_RUN),
        None => {
            let mut d = Decayed::default();
            d.add(now, 1.0, LONG_RUN);
            if t.countries.len() < TENANT_COUNTRIES {
                t.countries.push((cid, d, secs(now)));
            } else if let Some(min) = (0..t.countries.len()).min_by(|&a, &b| {
                t.countries[a]
                    .1
                    .get(now, LONG_RUN)
                    .total_cmp(&t.countries[b].1.get(now, LONG_RUN))
            }) {
                t.countries[min] = (cid, d, secs(now));
            }
        }
    }
    if let Some(wh) = workflow_hash {
        let wms = window_ms(cfg);
        let i = match t.workflows.iter().position(|w| w.hash == wh) {
            Some(i) => Some(i),
            None => {
                let flow = Flow {
                    hash: wh,
                    first: secs(now),
                    ..Flow::default()
                };
                if t.workflows.len() < TENANT_WORKFLOWS {
                    t.workflows.push(flow);
                    Some(t.workflows.len() - 1)
                } else {
                    let min = (0..t.workflows.len()).min_by(|&x, &y| {
                        t.workflows[x]
                            .long_run
                            .get(now, LONG_RUN)
                            .total_cmp(&t.workflows[y].long_run.get(now, LONG_RUN))
                    });
                    if let Some(min) = min {
                        t.workflows[min] = flow;
                    }
                    min
                }
            }
        };
        if let Some(w) = i.and_then(|i| t.workflows.get_mut(i)) {
            w.window.add(now, 1.0, wms);
            w.long_run.add(now, 1.0, LONG_RUN);
            flow_day(w, now);
        }
    }
    view
}

/// Moves a flow to the UTC day of a send at `now`: a day it sent on without a send held at
/// `high` is a clean day ([`Flow::clean_days`]). A late record of an earlier day changes nothing.
fn flow_day(w: &mut Flow, now: Millis) {
    let day = time::day_number(now).clamp(0, i64::from(u16::MAX)) as u16;
    if day > w.day {
        if w.day != 0 && !w.held {
            w.clean_days = w.clean_days.saturating_add(1);
        }
        w.day = day;
        w.held = false;
    }
}

/// A send of the flow `wh` was held at `high` (its day is not a clean one).
pub fn flow_held(t: &mut Tenant, wh: u64) {
    if let Some(w) = t.flow_mut(wh) {
        w.held = true;
    }
}

pub(super) fn roll_day(t: &mut Tenant, now: Millis) {
    let day = time::day_number(now);
    if t.day == 0 {
        t.day = day;
        return;
    }
    if day <= t.day {
        return;
    }
    // Fold the closed day, and empty days after it, into the day-of-week profile.
    for (i, d) in (t.day..day).take(7).enumerate() {
        let count = if i == 0 { t.day_count as f32 } else { 0.0 };
        let dow = time::day_of_week(d * 86_400_000);
        let alpha = (1.0 / (t.days_seen as f32 / 7.0 + 1.0)).max(0.2);
        t.dow[dow] += alpha * (count - t.dow[dow]);
        t.days_seen = t.days_seen.saturating_add(1);
    }
    t.day = day;
    t.day_count = 0;
    t.day_spend = 0.0;
    t.day_mark = 0;
}

/// `new_destination_country` / `rare_destination_country`.
pub fn country_novelty(cfg: &Config, view: &TenantView, s: &Send, out: &mut Vec<Reason>) {
    let dc = &cfg.signals.destination_country;
    if !dc.enabled || !view.established {
        return;
    }
    if view.new_country {
        out.push(reason(
            code::NEW_DESTINATION_COUNTRY,
            dc.new_weight as i32,
            format!(
                "{} is new for this tenant (first send in the last {}h)",
                s.country, dc.new_for_hours
            ),
        ));
    } else if view.country_share < dc.rare_share {
        out.push(reason(
            code::RARE_DESTINATION_COUNTRY,
            dc.rare_weight as i32,
            format!(
                "{} carries {:.2}% of this tenant's traffic",
                s.country,
                view.country_share * 100.0
            ),
        ));
    }
}

/// `workflow_concentration`.
pub fn workflow_concentration(
    cfg: &Config,
    t: &Tenant,
    wh: Option<u64>,
    name: &str,
    now: Millis,
    out: &mut Vec<Reason>,
) {
    let w = &cfg.signals.workflow_concentration;
    let Some(wh) = wh else { return };
    if !w.enabled || t.sends < u64::from(w.min_history) {
        return;
    }
    let wms = window_ms(cfg);
    let total = f64::from(t.window.get(now, wms));
    if total < f64::from(w.min_sends) {
        return;
    }
    let Some(entry) = t.flow(wh) else {
        return;
    };
    let share = f64::from(entry.window.get(now, wms)) / total;
    let base =
        f64::from(entry.long_run.get(now, LONG_RUN)) / f64::from(t.long_run.get(now, LONG_RUN)).max(1e-9);
    if share >= w.min_share && base <= w.max_baseline_share {
        out.push(reason(
            code::WORKFLOW_CONCENTRATION,
            w.weight as i32,
            format!(
                "workflow {name} carries {:.0}% of sends in {} (long-run {:.0}%)",
                share * 100.0,
                minutes(wms),
                base * 100.0
            ),
        ));
    }
}

/// The expected cost of a send as severity: how many nats less evidence a shortfall needs to be
/// decisive (`low_conversion.cost_severity`), with the price ratio behind it. The caller asks
/// once per send, only when a shortfall may be decisive. `price` is the
/// list price of the send's country, `price_of` the list price of any country: the ratio is of
/// that price to the tenant's usual one (its long-run country mix weighted by list price), so
/// both sides come from the same table whatever the logs say a send cost. The usual price leaves
/// out the countries new to the tenant (first sent to in the last `new_for_hours`), so an attack
/// on a new country does not make itself usual. 0 for a send no dearer than usual, or before the
/// tenant has a history.
pub fn cost_nats(
    cfg: &Config,
    t: &Tenant,
    now: Millis,
    established: bool,
    price: f64,
    price_of: impl Fn(Country) -> f64,
) -> (f64, f64) {
    let lc = &cfg.signals.low_conversion;
    if !lc.cost_severity || !established || price <= 0.0 {
        return (0.0, 1.0);
    }
    let new_for = i64::from(cfg.signals.destination_country.new_for_hours) * HOUR;
    let (mut weighted, mut total) = (0.0, 0.0);
    for (cid, d, first) in &t.countries {
        if now - Millis::from(*first) * 1000 < new_for {
            continue;
        }
        let n = f64::from(d.get(now, LONG_RUN));
        let c = Country([(cid >> 8) as u8, *cid as u8]);
        weighted += n * price_of(c);
        total += n;
    }
    // (Table prices are finite and not negative: `Tariffs::parse`.)
    if total <= 0.0 || weighted <= 0.0 {
        return (0.0, 1.0);
    }
    let ratio = price / (weighted / total);
    // Never more than half the evidence: below that, one window's noise decides.
    (ratio.ln().clamp(0.0, lc.decisive_surprise / 2.0), ratio)
}
