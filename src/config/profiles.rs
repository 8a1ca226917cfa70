//! The `profiles` section: how input profiles are read (the generic schema's field mapping).

use super::*;

/// Input profile settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profiles {
    /// The generic schema.
    pub generic: GenericProfile,
}

/// Settings of the generic schema.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GenericProfile {
    /// Where a field of the generic schema is read from when an application's log names it
    /// otherwise: `{"time": "event_time", "to": "sms.recipient"}` (a dotted path reads into
    /// nested objects). A mapped field is read only from there; an unmapped one from its own
    /// name or a common alias (`timestamp`, `@timestamp`, `ts` for `time`; `tenant_id`,
    /// `account_id`, `org_id` for `tenant`; `phone`, `phone_number`, `recipient` for `to`;
    /// `user`, `uid` for `user_id`). `event` cannot be mapped: it says what a record is.
    pub fields: BTreeMap<String, String>,
}
