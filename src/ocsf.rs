//! OCSF 1.5 Detection Finding (class 2004) for an incident, for SIEMs that ingest OCSF.

use serde_json::{json, Value};

use crate::engine::IncidentSummary;
use crate::verdict::Level;

/// The finding for an incident, as of the alert that produced it.
pub fn detection_finding(i: &IncidentSummary, model: &str, time_ms: i64) -> Value {
    let (severity_id, severity) = match i.level {
        Level::Critical => (5, "Critical"),
        Level::High => (4, "High"),
        Level::Medium => (3, "Medium"),
        Level::Low => (2, "Low"),
        _ => (1, "Informational"),
    };
    let first = crate::time::parse(&i.first_seen).unwrap_or(time_ms);
    let last = crate::time::parse(&i.last_seen).unwrap_or(time_ms);
    json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id,
        "severity": severity,
        "time": time_ms,
        "status_id": 1,
        "status": "New",
        "is_alert": true,
        "metadata": {
            "version": "1.5.0",
            "product": {"name": "pumpguard", "vendor_name": "pumpguard", "version": model},
            "tenant_uid": i.tenant,
        },
        "finding_info": {
            "uid": i.id,
            "title": format!("Possible SMS pumping: {} to {} ({})", i.tenant, i.block, i.country),
            "desc": format!(
                "{} SMS at medium risk or above to {} since {}, estimated cost {:.2} USD; reasons: {}",
                i.sends, i.block, i.first_seen, i.estimated_cost_usd, i.top_reasons.join(", ")
            ),
            "analytic": {"uid": "AN0443", "name": "SMS pumping via SaaS application logs", "type_id": 3, "type": "Statistical"},
            "attacks": [{
                "tactic": {"uid": "TA0040", "name": "Impact"},
                "technique": {"uid": "T1496", "name": "Resource Hijacking"},
                "sub_technique": {"uid": "T1496.003", "name": "SMS Pumping"},
                "version": "18"
            }],
            "types": ["SMS Pumping"],
            "first_seen_time": first,
            "last_seen_time": last,
            "related_events_count": i.sends,
        },
        "evidences": [{
            "data": {
                "destination_country": i.country,
                "destination_prefix": i.block,
                "sent": i.sends,
                "estimated_cost_usd": i.estimated_cost_usd,
                "reasons": i.top_reasons,
            }
        }],
    })
}
