//! The sections that turn a score into what happens: `levels`, `actions` and `budgets`.

use super::*;

/// Score thresholds (inclusive lower bounds) of each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Levels {
    /// Lowest score of `low`.
    pub low: u32,
    /// Lowest score of `medium`.
    pub medium: u32,
    /// Lowest score of `high`.
    pub high: u32,
    /// Lowest score of `critical`.
    pub critical: u32,
}

/// The action policy: what to do at each level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Actions {
    /// Action at `none`.
    pub none: Action,
    /// Action at `low`.
    pub low: Action,
    /// Action at `medium`.
    pub medium: Action,
    /// Action at `high`.
    pub high: Action,
    /// Action at `critical`.
    pub critical: Action,
}

/// Daily budgets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Budgets {
    /// Budget of every tenant without its own.
    pub default: Budget,
    /// Budgets by tenant name.
    pub tenants: BTreeMap<String, Budget>,
    /// Marks (percent of a budget) that add evidence; the highest crossed counts.
    pub marks: Vec<u32>,
    /// Weight at each mark, in the order of `marks`.
    pub weights: Vec<u32>,
    /// Crossing this mark (percent) opens a budget incident with an alert.
    pub alert_mark: u32,
}

/// One tenant's daily budget (UTC day). Absent limits are not checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Budget {
    /// SMS per day.
    pub daily_count: Option<u64>,
    /// Spend per day in USD.
    pub daily_spend_usd: Option<f64>,
}

impl Default for Levels {
    fn default() -> Self {
        Levels {
            low: 20,
            medium: 40,
            high: 65,
            critical: 85,
        }
    }
}

impl Default for Actions {
    fn default() -> Self {
        Actions {
            none: Action::Allow,
            low: Action::Monitor,
            medium: Action::Throttle,
            high: Action::Block,
            critical: Action::Block,
        }
    }
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            default: Budget::default(),
            tenants: BTreeMap::new(),
            marks: vec![50, 80, 100],
            weights: vec![5, 15, 30],
            alert_mark: 100,
        }
    }
}
