//! The generic schema: its names (one spelling for the reader and for the hosts that write
//! generic records: the Envoy filter, the playground's CSV import), the aliases each field is
//! also read from, the configured mapping, and the reader.

use super::*;

/// What a record is: one of the event names below.
pub const EVENT: &str = "event";
/// An SMS was sent.
pub const SMS_SENT: &str = "sms_sent";
/// The provider refused to send an SMS.
pub const SMS_BLOCKED: &str = "sms_blocked";
/// A code was verified (a conversion).
pub const OTP_VERIFIED: &str = "otp_verified";
/// An expected change (a campaign, a launch) from `start` to `end`.
pub const ANNOTATION: &str = "annotation";
/// Event time: RFC 3339 or epoch seconds / milliseconds.
pub const TIME: &str = "time";
/// The customer account the SMS is sent for.
pub const TENANT: &str = "tenant";
/// The flow that sent it: sign-up, login MFA, password reset …
pub const WORKFLOW: &str = "workflow";
/// The destination number (E.164).
pub const TO: &str = "to";
/// The destination's country (ISO 3166-1 alpha-2), if the log carries it.
pub const COUNTRY: &str = "country";
/// The requester's IP address.
pub const IP: &str = "ip";
/// The requester's user agent.
pub const USER_AGENT: &str = "user_agent";
/// The user the code is for.
pub const USER_ID: &str = "user_id";
/// The requester's session.
pub const SESSION_ID: &str = "session_id";
/// The requester's country (from the IP), if known.
pub const CLIENT_COUNTRY: &str = "client_country";
/// What the send cost, in USD.
pub const PRICE_USD: &str = "price_usd";
/// SMS segments of the message.
pub const SEGMENTS: &str = "segments";
/// The message's id (its status events share it).
pub const MESSAGE_ID: &str = "message_id";
/// The verification a conversion refers to.
pub const VERIFICATION_ID: &str = "verification_id";
/// The provider's error or block code.
pub const PROVIDER_CODE: &str = "provider_code";
/// An annotation's start time.
pub const START: &str = "start";
/// An annotation's end time.
pub const END: &str = "end";
/// An annotation's name.
pub const LABEL: &str = "label";

/// `event` values of the generic profile.
pub const GENERIC_EVENTS: [&str; 4] = [
    generic::SMS_SENT,
    generic::SMS_BLOCKED,
    generic::OTP_VERIFIED,
    generic::ANNOTATION,
];

/// The fields of the generic schema (besides `event`, which says what a record is), each with
/// the names it is read from when the configuration maps it nowhere: its own name first, then
/// the common aliases of application logs.
pub const GENERIC_FIELDS: [(&str, &[&str]); 18] = [
    (generic::TIME, &[generic::TIME, "timestamp", "@timestamp", "ts"]),
    (
        generic::TENANT,
        &[generic::TENANT, "tenant_id", "account_id", "org_id"],
    ),
    (generic::WORKFLOW, &[generic::WORKFLOW]),
    (generic::TO, &[generic::TO, "phone", "phone_number", "recipient"]),
    (generic::COUNTRY, &[generic::COUNTRY]),
    (generic::IP, &[generic::IP]),
    (generic::USER_AGENT, &[generic::USER_AGENT]),
    (generic::USER_ID, &[generic::USER_ID, "user", "uid"]),
    (generic::SESSION_ID, &[generic::SESSION_ID]),
    (generic::CLIENT_COUNTRY, &[generic::CLIENT_COUNTRY]),
    (generic::PRICE_USD, &[generic::PRICE_USD]),
    (generic::SEGMENTS, &[generic::SEGMENTS]),
    (generic::MESSAGE_ID, &[generic::MESSAGE_ID]),
    (generic::VERIFICATION_ID, &[generic::VERIFICATION_ID]),
    (generic::PROVIDER_CODE, &[generic::PROVIDER_CODE]),
    (generic::START, &[generic::START]),
    (generic::END, &[generic::END]),
    (generic::LABEL, &[generic::LABEL]),
];

/// Where each field of the generic schema is read: the configured path (a dotted path reads a
/// nested object), else its name and aliases ([`GENERIC_FIELDS`]). Built once from the
/// configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenericFields {
    mapped: [Option<Vec<String>>; GENERIC_FIELDS.len()],
}

impl GenericFields {
    /// The mapping of `profiles.generic.fields`; names that are not fields of the schema are
    /// left out (the configuration's validation reports them).
    pub fn new<'s>(fields: impl IntoIterator<Item = (&'s str, &'s str)>) -> GenericFields {
        let mut g = GenericFields::default();
        for (name, path) in fields {
            if let Some(i) = GENERIC_FIELDS.iter().position(|f| f.0 == name) {
                g.mapped[i] = Some(path.split('.').map(str::to_owned).collect());
            }
        }
        g
    }

    /// The raw value of field `i` and the name it was read from (the configured path, or
    /// the name or alias found).
    fn find<'a>(&self, o: &Obj<'a>, i: usize) -> Option<(&'a RawValue, FieldSource)> {
        if let Some(path) = &self.mapped[i] {
            return o.path(path).map(|raw| (raw, FieldSource::Mapped));
        }
        // A name whose value cannot be a field's (null, an object, an array, a boolean, an empty
        // string: an app log's `"user": {…}` or `"ts": null`) does not hide the aliases after it.
        GENERIC_FIELDS[i].1.iter().enumerate().find_map(|(k, name)| {
            o.raw(name)
                .filter(|raw| {
                    let v = raw.get();
                    v != "\"\"" && matches!(v.as_bytes().first(), Some(b'"' | b'-' | b'0'..=b'9'))
                })
                .map(|raw| (raw, FieldSource::Name(k as u8)))
        })
    }
}

/// Which name a generic record's field was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldSource {
    /// Absent.
    #[default]
    None,
    /// The `k`-th name of its [`GENERIC_FIELDS`] entry (0: its own name).
    Name(u8),
    /// The path `profiles.generic.fields` maps it to.
    Mapped,
}

/// Positions in [`GENERIC_FIELDS`], by field.
mod gf {
    pub const TIME: usize = 0;
    pub const TENANT: usize = 1;
    pub const WORKFLOW: usize = 2;
    pub const TO: usize = 3;
    pub const COUNTRY: usize = 4;
    pub const IP: usize = 5;
    pub const USER_AGENT: usize = 6;
    pub const USER_ID: usize = 7;
    pub const SESSION_ID: usize = 8;
    pub const CLIENT_COUNTRY: usize = 9;
    pub const PRICE_USD: usize = 10;
    pub const SEGMENTS: usize = 11;
    pub const MESSAGE_ID: usize = 12;
    pub const VERIFICATION_ID: usize = 13;
    pub const PROVIDER_CODE: usize = 14;
    pub const START: usize = 15;
    pub const END: usize = 16;
    pub const LABEL: usize = 17;
}

/// Positions in [`GENERIC_FIELDS`] whose source the coverage report shows.
pub const GENERIC_REPORTED: [usize; 4] = [gf::TIME, gf::TENANT, gf::TO, gf::USER_ID];

pub(super) fn read<'a>(o: &Obj<'a>, fields: &GenericFields) -> Option<Event<'a>> {
    let ev = o.str(generic::EVENT)?;
    let kind = match ev.as_ref() {
        generic::SMS_SENT | generic::SMS_BLOCKED => Kind::Sms,
        generic::OTP_VERIFIED => Kind::Conversion,
        generic::ANNOTATION => Kind::Annotation,
        _ => return None,
    };
    let mut e = Event::new(Profile::Generic, kind);
    let mut sources = [FieldSource::None; GENERIC_REPORTED.len()];
    let mut raw = |i: usize| {
        let found = fields.find(o, i);
        if let Some(k) = GENERIC_REPORTED.iter().position(|&r| r == i) {
            sources[k] = found.map_or(FieldSource::None, |f| f.1);
        }
        found.map(|f| f.0)
    };
    let text = |r: Option<&'a RawValue>| r.and_then(raw_text).filter(|s| !s.is_empty());
    e.time = raw(gf::TIME).and_then(time::parse_raw);
    e.tenant = text(raw(gf::TENANT));
    e.workflow = text(raw(gf::WORKFLOW));
    e.to = text(raw(gf::TO));
    e.country_hint = text(raw(gf::COUNTRY));
    e.ip = text(raw(gf::IP));
    e.user_agent = text(raw(gf::USER_AGENT));
    e.user = text(raw(gf::USER_ID));
    e.session = text(raw(gf::SESSION_ID));
    e.client_country = text(raw(gf::CLIENT_COUNTRY));
    e.price_usd = raw(gf::PRICE_USD).and_then(raw_num);
    e.segments = raw(gf::SEGMENTS).and_then(raw_num);
    e.message_id = text(raw(gf::MESSAGE_ID));
    e.conversion_ref = text(raw(gf::VERIFICATION_ID));
    e.provider_code = text(raw(gf::PROVIDER_CODE));
    if ev == "sms_blocked" && e.provider_code.is_none() {
        e.provider_code = Some(Cow::Borrowed("sms_blocked"));
    }
    if kind == Kind::Annotation {
        e.window = raw(gf::START)
            .and_then(time::parse_raw)
            .zip(raw(gf::END).and_then(time::parse_raw));
        e.label = text(raw(gf::LABEL));
    }
    e.generic_sources = sources;
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::{gf, GENERIC_FIELDS};

    #[test]
    fn the_generic_field_positions_name_their_fields() {
        let named = [
            (gf::TIME, "time"),
            (gf::TENANT, "tenant"),
            (gf::WORKFLOW, "workflow"),
            (gf::TO, "to"),
            (gf::COUNTRY, "country"),
            (gf::IP, "ip"),
            (gf::USER_AGENT, "user_agent"),
            (gf::USER_ID, "user_id"),
            (gf::SESSION_ID, "session_id"),
            (gf::CLIENT_COUNTRY, "client_country"),
            (gf::PRICE_USD, "price_usd"),
            (gf::SEGMENTS, "segments"),
            (gf::MESSAGE_ID, "message_id"),
            (gf::VERIFICATION_ID, "verification_id"),
            (gf::PROVIDER_CODE, "provider_code"),
            (gf::START, "start"),
            (gf::END, "end"),
            (gf::LABEL, "label"),
        ];
        assert_eq!(named.len(), GENERIC_FIELDS.len());
        for (i, name) in named {
            assert_eq!(GENERIC_FIELDS[i].0, name);
            // A field's own name is the first it is read from.
            assert_eq!(GENERIC_FIELDS[i].1[0], name);
        }
    }
}
