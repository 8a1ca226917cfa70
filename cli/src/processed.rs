//! One record's result, whichever scorer produced it (the component or the linked core): the
//! plain type both `scorer.rs` and `component_host.rs` speak, so neither imports the other's.

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Not SMS-related.
    Passed,
    /// Evidence, consumed.
    Evidence,
    /// An SMS record with a verdict.
    Scored,
    /// Not scorable, tagged.
    Unscored,
}

/// One record's result.
pub struct Processed {
    /// The output record.
    pub output: Vec<u8>,
    /// What happened to it.
    pub kind: Kind,
    /// Opens or escalates an incident.
    pub alert: bool,
    /// Its incident.
    pub incident: Option<String>,
}
