//! Input profiles: each vendor's record shape is read into one normalised [`Event`].
//!
//! Detection looks only at top-level keys and a few distinctive values, so it costs a handful of
//! comparisons per record. Each reader returns `None` for records of its vendor that are not
//! about outbound SMS (inbound messages, other channels, unrelated audit events): those pass
//! through untouched.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use serde_json::value::RawValue;

use crate::json::{raw_array, raw_num, raw_obj, raw_text, Obj, Text};
use crate::time::{self, Millis};

pub mod generic;
mod sniff;
mod vendors;

pub use generic::{FieldSource, GenericFields, GENERIC_EVENTS, GENERIC_FIELDS, GENERIC_REPORTED};
pub use sniff::may_have_profile;
use vendors::*;

/// A detected input profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// Twilio Verify.
    TwilioVerify,
    /// Twilio Messaging.
    TwilioMessage,
    /// Amazon SNS SMS delivery logs.
    AwsSns,
    /// AWS End User Messaging SMS events.
    AwsEum,
    /// Okta System Log.
    Okta,
    /// Auth0 tenant logs.
    Auth0,
    /// Azure Communication Services.
    AzureAcs,
    /// pumpguard's flat schema.
    Generic,
}

impl Profile {
    /// All profiles, in report order.
    pub const ALL: [Profile; 8] = [
        Profile::TwilioVerify,
        Profile::TwilioMessage,
        Profile::AwsSns,
        Profile::AwsEum,
        Profile::Okta,
        Profile::Auth0,
        Profile::AzureAcs,
        Profile::Generic,
    ];

    /// Name as in configuration.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::TwilioVerify => "twilio_verify",
            Profile::TwilioMessage => "twilio_message",
            Profile::AwsSns => "aws_sns",
            Profile::AwsEum => "aws_eum",
            Profile::Okta => "okta",
            Profile::Auth0 => "auth0",
            Profile::AzureAcs => "azure_acs",
            Profile::Generic => "generic",
        }
    }
}

/// What a record tells the scorer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An outbound SMS (a send or a status of one): scored and tagged.
    Sms,
    /// A completed verification: evidence only, passes through untouched.
    Conversion,
    /// A provider or identity platform blocked a requester (no destination): evidence only.
    SourceBlock,
    /// An expected change announced in the log stream: evidence only.
    Annotation,
}

/// The normalised view of one record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Profile the record was read as.
    pub profile: Profile,
    /// What it is.
    pub kind: Kind,
    /// Event time from the record.
    pub time: Option<Millis>,
    /// Tenant (account, organisation, pool, resource).
    pub tenant: Option<Text<'a>>,
    /// Where a record without a tenant came from, when its envelope says (the AWS account of
    /// an SNS delivery log, the Okta org of a streamed System Log event): keeps two sources of
    /// one profile apart. Unused when there is a tenant.
    pub source: Option<Text<'a>>,
    /// Workflow (flow tag, Verify service, event type …).
    pub workflow: Option<Text<'a>>,
    /// Destination phone number as written.
    pub to: Option<Text<'a>>,
    /// Destination country the record states (ISO code).
    pub country_hint: Option<Text<'a>>,
    /// Requester IP.
    pub ip: Option<Text<'a>>,
    /// Requester user agent.
    pub user_agent: Option<Text<'a>>,
    /// Requesting user.
    pub user: Option<Text<'a>>,
    /// Requester session.
    pub session: Option<Text<'a>>,
    /// Requester country (ISO code or English name).
    pub client_country: Option<Text<'a>>,
    /// Price in USD, when the log has it.
    pub price_usd: Option<f64>,
    /// Message segments.
    pub segments: Option<f64>,
    /// Message id, to count a message once across its status events.
    pub message_id: Option<Text<'a>>,
    /// Id that links a send to its later conversion (verification, user).
    pub conversion_ref: Option<Text<'a>>,
    /// Provider status or error code.
    pub provider_code: Option<Text<'a>>,
    /// Annotation window (annotations only).
    pub window: Option<(Millis, Millis)>,
    /// Annotation label (annotations only).
    pub label: Option<Text<'a>>,
    /// Generic records: where the fields of [`GENERIC_REPORTED`] were read from.
    pub generic_sources: [FieldSource; GENERIC_REPORTED.len()],
}

impl<'a> Event<'a> {
    fn new(profile: Profile, kind: Kind) -> Self {
        Event {
            profile,
            kind,
            time: None,
            tenant: None,
            source: None,
            workflow: None,
            to: None,
            country_hint: None,
            ip: None,
            user_agent: None,
            user: None,
            session: None,
            client_country: None,
            price_usd: None,
            segments: None,
            message_id: None,
            conversion_ref: None,
            provider_code: None,
            window: None,
            label: None,
            generic_sources: Default::default(),
        }
    }
}

impl Event<'_> {
    /// Whether the record itself shows that the message carries a verification code: every
    /// Twilio Verify send, and a generic send with a `verification_id` (the id its
    /// `otp_verified` names). A notification has neither.
    pub fn carries_code(&self) -> bool {
        self.kind == Kind::Sms
            && match self.profile {
                Profile::TwilioVerify => true,
                Profile::Generic => self.conversion_ref.is_some(),
                _ => false,
            }
    }

    /// Who owns the record's baselines, as text: its tenant; without one, its profile and
    /// source (`aws_sns/111122223333`); without either, its profile. Names incidents, and is
    /// the partition key (`partition_key`).
    pub fn owner(&self) -> Cow<'_, str> {
        match (&self.tenant, &self.source) {
            (Some(t), _) => Cow::Borrowed(t.as_ref()),
            (None, Some(s)) => Cow::Owned(format!("{}/{}", self.profile.as_str(), s)),
            (None, None) => Cow::Borrowed(self.profile.as_str()),
        }
    }
}

/// Detects the profile of a record from its shape.
pub fn detect(o: &Obj<'_>) -> Option<Profile> {
    if let Some(t) = o.str("type") {
        if t.starts_with("com.twilio.accountsecurity.verify.") {
            return Some(Profile::TwilioVerify);
        }
        if t.starts_with("com.twilio.messaging.") {
            return Some(Profile::TwilioMessage);
        }
        if o.has("log_id") && o.has("date") {
            return Some(Profile::Auth0);
        }
    }
    if let Some(sid) = o.str("sid") {
        if (sid.starts_with("VE") && o.has("service_sid"))
            || (sid.starts_with("VL") && o.has("verification_sid"))
        {
            return Some(Profile::TwilioVerify);
        }
        if (sid.starts_with("SM") || sid.starts_with("MM")) && o.has("account_sid") {
            return Some(Profile::TwilioMessage);
        }
    }
    if o.has("MessageSid") || o.has("SmsSid") {
        return Some(Profile::TwilioMessage);
    }
    if o.has("notification") && o.has("delivery") {
        return Some(Profile::AwsSns);
    }
    if let Some(et) = o.str("eventType") {
        if et.starts_with("TEXT_") {
            return Some(Profile::AwsEum);
        }
        if et.starts_with("Microsoft.Communication.SMS") {
            return Some(Profile::AzureAcs);
        }
        if o.has("published") && o.has("uuid") {
            return Some(Profile::Okta);
        }
    }
    if let Some(source) = o.str("source") {
        if source == "aws.sms-voice" {
            return Some(Profile::AwsEum);
        }
        if source.starts_with(OKTA_EVENTBRIDGE) && o.has("detail") {
            return Some(Profile::Okta);
        }
    }
    if o.str("Type").as_deref() == Some("ACSSMSIncomingOperations") {
        return Some(Profile::AzureAcs);
    }
    if let Some(e) = o.str("event") {
        if GENERIC_EVENTS.contains(&e.as_ref()) {
            return Some(Profile::Generic);
        }
    }
    None
}

/// Reads a record as `forced` (or as its detected profile). `None`: not an SMS-related record.
pub fn read<'a>(o: &Obj<'a>, forced: Option<Profile>) -> Option<Event<'a>> {
    read_with(o, forced, &GenericFields::default())
}

/// [`read`], with the generic schema's fields read where `generic` says.
pub fn read_with<'a>(
    o: &Obj<'a>,
    forced: Option<Profile>,
    generic_fields: &GenericFields,
) -> Option<Event<'a>> {
    let profile = forced.or_else(|| detect(o))?;
    match profile {
        Profile::TwilioVerify => twilio_verify(o),
        Profile::TwilioMessage => twilio_message(o),
        Profile::AwsSns => aws_sns(o),
        Profile::AwsEum => aws_eum(o),
        Profile::Okta => okta(o),
        Profile::Auth0 => auth0(o),
        Profile::AzureAcs => azure_acs(o),
        Profile::Generic => generic::read(o, generic_fields),
    }
}

fn t<'a>(o: &Obj<'a>, path: &[&str]) -> Option<Text<'a>> {
    o.text(path).filter(|s| !s.is_empty())
}

fn time_at(o: &Obj<'_>, path: &[&str]) -> Option<Millis> {
    o.path(path).and_then(time::parse_raw)
}

/// A workflow from a tag value: `{"flow": "signup"}`, `"flow=signup"`, or a plain tag.
fn workflow_from_tags<'a>(o: &Obj<'a>, path: &[&str]) -> Option<Text<'a>> {
    let raw = o.path(path)?;
    if let Some(tags) = raw_obj(raw) {
        return ["flow", "workflow", "purpose"]
            .iter()
            .find_map(|k| tags.str(k))
            .filter(|s| !s.is_empty());
    }
    if raw.get().starts_with('[') {
        return raw_array(raw)
            .into_iter()
            .find_map(raw_text)
            .filter(|s| !s.is_empty());
    }
    let s = raw_text(raw)?;
    for part in s.split([';', ',', '&']) {
        if let Some((k, v)) = part.split_once('=') {
            if matches!(k.trim(), "flow" | "workflow" | "purpose") {
                return Some(Cow::Owned(v.trim().to_string()));
            }
        }
    }
    (!s.is_empty()).then_some(s)
}
