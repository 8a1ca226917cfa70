//! The `an0443` section: MITRE's analytic AN0443 (per-tenant frequency threshold and the
//! country allow / deny lists), kept as its own rule beside the model.

use super::*;

/// AN0443 (DET0156) tunables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct An0443 {
    /// `TimeWindow`: the sliding window (seconds) for velocity, adjacency and spike counts.
    pub time_window_secs: u64,
    /// `SMSFrequencyThreshold`: sends per tenant and country inside `TimeWindow` above which
    /// `volume_spike` fires whatever the baseline says. 0 = learned baselines only.
    pub sms_frequency_threshold: u64,
    /// `DestinationCountryCodeFilter`: countries (ISO codes, `XX` = non-geographic).
    pub destination_country_code_filter: CountryFilter,
    /// `UserAgentAnomalyThreshold`: distinct numbers one user agent that is rare for the tenant
    /// may reach inside `TimeWindow` (2–16).
    pub user_agent_anomaly_threshold: u32,
    /// `IPGeoVarianceScore`: distinct destination countries one IP or user may reach inside
    /// `TimeWindow` (2–8).
    pub ip_geo_variance_score: u32,
}

/// Country allow / deny lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CountryFilter {
    /// Destinations that are always flagged (weight `deny_weight`).
    pub deny: Vec<String>,
    /// If non-empty, destinations outside this list are flagged (weight `outside_allow_weight`).
    pub allow: Vec<String>,
    /// Weight of a denied destination.
    pub deny_weight: u32,
    /// Weight of a destination outside the allow list.
    pub outside_allow_weight: u32,
}

impl Default for An0443 {
    fn default() -> Self {
        An0443 {
            time_window_secs: 900,
            sms_frequency_threshold: 0,
            destination_country_code_filter: CountryFilter::default(),
            user_agent_anomaly_threshold: 12,
            ip_geo_variance_score: 3,
        }
    }
}

impl Default for CountryFilter {
    fn default() -> Self {
        CountryFilter {
            deny: Vec::new(),
            allow: Vec::new(),
            deny_weight: 40,
            outside_allow_weight: 25,
        }
    }
}
