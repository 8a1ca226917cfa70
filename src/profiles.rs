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

/// A look at a record's bytes before any parse: `false` when the record is a well-formed JSON
/// object none of whose top-level keys is one `detect` reads (`type`, `Type`, `sid`, `source`,
/// `MessageSid`, `SmsSid`, `notification`, `event`, `eventType`), so it has no profile and
/// `Obj::parse` would accept it. `true` otherwise, and whenever in doubt: a `\u` escape, nesting
/// deeper than 64, anything but the plainest JSON goes to the parse, which decides.
///
/// One pass that jumps through strings eight bytes at a time and keeps no members: in interpreted
/// wasm (Fluent Bit's default) a few times cheaper than the parse it saves.
pub fn may_have_profile(bytes: &[u8]) -> bool {
    !plain_object_of_no_profile(bytes).unwrap_or(false)
}

/// What the next token must be.
#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Value,
    ValueOrClose,
    Key,
    KeyOrClose,
    Colon,
    CommaOrClose,
}

/// `Some(true)`: a well-formed object with no key `detect` reads at the top level. `None` or
/// `Some(false)`: not known to be one.
fn plain_object_of_no_profile(b: &[u8]) -> Option<bool> {
    const MAX_DEPTH: usize = 64;
    let mut objects = [false; MAX_DEPTH]; // per open container: an object (or an array)
    let mut depth = 0usize;
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut expect = Expect::Value;
    loop {
        i = skip_ws(b, i);
        let c = *b.get(i)?;
        let value_end = match expect {
            Expect::Value | Expect::ValueOrClose => match c {
                b']' if expect == Expect::ValueOrClose => None,
                b'{' | b'[' => {
                    if depth == MAX_DEPTH {
                        return None;
                    }
                    objects[depth] = c == b'{';
                    depth += 1;
                    i += 1;
                    expect = if c == b'{' {
                        Expect::KeyOrClose
                    } else {
                        Expect::ValueOrClose
                    };
                    continue;
                }
                b'"' => Some(skip_string(b, i)?),
                b't' => b[i..].starts_with(b"true").then_some(i + 4),
                b'f' => b[i..].starts_with(b"false").then_some(i + 5),
                b'n' => b[i..].starts_with(b"null").then_some(i + 4),
                b'-' | b'0'..=b'9' => Some(skip_number(b, i)?),
                _ => return None,
            },
            Expect::Key | Expect::KeyOrClose => match c {
                b'}' if expect == Expect::KeyOrClose => None,
                b'"' => {
                    let end = skip_string(b, i)?;
                    if depth == 1 && DETECT_KEYS.contains(&&b[i + 1..end - 1]) {
                        return Some(false);
                    }
                    i = end;
                    expect = Expect::Colon;
                    continue;
                }
                _ => return None,
            },
            Expect::Colon => {
                if c != b':' {
                    return None;
                }
                i += 1;
                expect = Expect::Value;
                continue;
            }
            Expect::CommaOrClose => {
                let object = objects[depth - 1];
                if c == b',' {
                    i += 1;
                    expect = if object { Expect::Key } else { Expect::Value };
                    continue;
                }
                if c != if object { b'}' } else { b']' } {
                    return None;
                }
                None
            }
        };
        match value_end {
            Some(end) => i = end,
            // A closing bracket or brace where one may stand.
            None => {
                depth -= 1;
                i += 1;
                if depth == 0 {
                    return Some(skip_ws(b, i) == b.len());
                }
            }
        }
        expect = Expect::CommaOrClose;
    }
}

/// The top-level keys `detect` reads.
const DETECT_KEYS: [&[u8]; 9] = [
    b"type",
    b"Type",
    b"sid",
    b"MessageSid",
    b"SmsSid",
    b"notification",
    b"eventType",
    b"source",
    b"event",
];

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// Past the string that opens at `b[at]`: the index after its closing quote. `None` for what
/// `Obj::parse` might refuse or read differently: a control character, a `\u` escape, an
/// unknown escape, invalid UTF-8, no end. (Outside strings the grammar admits ASCII only, so
/// this is the whole UTF-8 check.)
fn skip_string(b: &[u8], at: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = at + 1;
    loop {
        // Eight bytes at a time to the next quote, backslash or control character. The lowest
        // flag of each test is exact, so the lowest of them all is the first such byte.
        while let Some(chunk) = b.get(i..i + 8) {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let equal = |c: u8| {
                let x = w ^ (ONES * u64::from(c));
                x.wrapping_sub(ONES) & !x & HIGH
            };
            let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
            let found = equal(b'"') | equal(b'\\') | control | (w & HIGH);
            if found != 0 {
                i += (found.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
        match *b.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => match *b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                _ => return None,
            },
            c if c < 0x20 => return None,
            c if c >= 0x80 => {
                let len = match c {
                    0xc2..=0xdf => 2,
                    0xe0..=0xef => 3,
                    0xf0..=0xf4 => 4,
                    _ => return None,
                };
                std::str::from_utf8(b.get(i..i + len)?).ok()?;
                i += len;
            }
            _ => i += 1,
        }
    }
}

/// Past the JSON number at `b[at]`, by the grammar: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn skip_number(b: &[u8], at: usize) -> Option<usize> {
    let digits = |mut i: usize| {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i > start).then_some(i)
    };
    let mut i = at + usize::from(b[at] == b'-');
    i = match b.get(i)? {
        b'0' => i + 1,
        b'1'..=b'9' => digits(i)?,
        _ => return None,
    };
    if b.get(i) == Some(&b'.') {
        i = digits(i + 1)?;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        i = digits(i)?;
    }
    Some(i)
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
    if o.str("source").as_deref() == Some("aws.sms-voice") {
        return Some(Profile::AwsEum);
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
        Profile::Generic => generic(o, generic_fields),
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

fn is_sms_channel(c: Option<Text<'_>>) -> bool {
    c.is_none_or(|c| c.eq_ignore_ascii_case("sms"))
}

fn twilio_verify<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    if let Some(ty) = o.str("type") {
        let suffix = ty.strip_prefix("com.twilio.accountsecurity.verify.")?;
        let d = o.obj("data")?;
        let mut e;
        if let Some(status) = suffix.strip_prefix("message.") {
            if !is_sms_channel(d.str("channel")) {
                return None;
            }
            e = Event::new(Profile::TwilioVerify, Kind::Sms);
            e.message_id = t(&d, &["attempt_sid"]);
            e.provider_code = t(&d, &["error_code"]);
            e.segments = d.num(&["number_segments"]);
            e.time = time_at(&d, &["created_at"]);
            let _ = status;
        } else if let Some(state) = suffix.strip_prefix("verification.") {
            if state == "approved" {
                e = Event::new(Profile::TwilioVerify, Kind::Conversion);
                e.time = time_at(&d, &["verified_at"]).or_else(|| time_at(&d, &["created_at"]));
            } else {
                let attempts = d.obj("send_code_attempts");
                let last = attempts
                    .as_ref()
                    .and_then(|a| a.raw("attempts"))
                    .and_then(|r| raw_array(r).pop())
                    .and_then(raw_obj);
                if let Some(last) = &last {
                    if !is_sms_channel(last.str("channel")) {
                        return None;
                    }
                }
                e = Event::new(Profile::TwilioVerify, Kind::Sms);
                e.message_id = last.as_ref().and_then(|l| t(l, &["attempt_sid"]));
                e.provider_code = last.as_ref().and_then(|l| t(l, &["error_code"]));
                e.time = last
                    .as_ref()
                    .and_then(|l| time_at(l, &["time"]))
                    .or_else(|| time_at(&d, &["created_at"]));
            }
        } else {
            return None;
        }
        e.to = t(&d, &["to"]);
        e.tenant = t(&d, &["account_sid"]);
        e.workflow = workflow_from_tags(&d, &["tags"]).or_else(|| t(&d, &["service_sid"]));
        e.conversion_ref = t(&d, &["verification_sid"]);
        e.country_hint = t(&d, &["country"]);
        e.time = e.time.or_else(|| time_at(o, &["time"]));
        return Some(e);
    }
    let sid = o.str("sid")?;
    if sid.starts_with("VL") {
        // An Attempt resource: a send, but it does not name the destination.
        if !is_sms_channel(o.str("channel")) {
            return None;
        }
        let mut e = Event::new(Profile::TwilioVerify, Kind::Sms);
        e.message_id = Some(sid);
        e.tenant = t(o, &["account_sid"]);
        e.conversion_ref = t(o, &["verification_sid"]);
        e.time = time_at(o, &["date_created"]);
        e.price_usd = o
            .path(&["price"])
            .and_then(raw_obj)
            .and_then(|p| p.num(&["value"]))
            .map(f64::abs);
        return Some(e);
    }
    // A Verification resource.
    if !is_sms_channel(o.str("channel")) {
        return None;
    }
    let approved = o.str("status").as_deref() == Some("approved");
    let mut e = Event::new(
        Profile::TwilioVerify,
        if approved { Kind::Conversion } else { Kind::Sms },
    );
    if !approved {
        e.message_id = o
            .raw("send_code_attempts")
            .and_then(|r| raw_array(r).pop())
            .and_then(raw_obj)
            .and_then(|a| t(&a, &["attempt_sid"]))
            .or_else(|| Some(sid.clone()));
    }
    e.to = t(o, &["to"]);
    e.tenant = t(o, &["account_sid"]);
    e.workflow = t(o, &["service_sid"]);
    e.conversion_ref = Some(sid);
    e.time = time_at(o, &["date_updated"])
        .filter(|_| approved)
        .or_else(|| time_at(o, &["date_created"]));
    Some(e)
}

/// Twilio price strings are negative (`"-0.08210"`): a charge.
fn twilio_price(o: &Obj<'_>, path: &[&str]) -> Option<f64> {
    o.num(path).map(f64::abs)
}

fn not_sms_address(to: &Option<Text<'_>>) -> bool {
    to.as_deref().is_some_and(|s| s.contains(':'))
}

fn twilio_message<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let mut e = Event::new(Profile::TwilioMessage, Kind::Sms);
    if let Some(ty) = o.str("type") {
        let status = ty.strip_prefix("com.twilio.messaging.message.")?;
        if matches!(status, "received" | "read") {
            return None;
        }
        let d = o.obj("data")?;
        e.to = t(&d, &["to"]);
        e.tenant = t(&d, &["accountSid"]);
        e.message_id = t(&d, &["messageSid"]);
        e.workflow = workflow_from_tags(&d, &["tags"]).or_else(|| t(&d, &["messagingServiceSid"]));
        e.segments = d.num(&["numberOfSegments"]);
        e.provider_code = t(&d, &["errorCode"]);
        e.time = time_at(&d, &["timestamp"]).or_else(|| time_at(o, &["time"]));
    } else if o.has("MessageSid") || o.has("SmsSid") {
        let status = o.str("MessageStatus").or_else(|| o.str("SmsStatus"));
        if matches!(status.as_deref(), Some("received" | "receiving" | "read")) {
            return None;
        }
        e.to = t(o, &["To"]);
        e.tenant = t(o, &["AccountSid"]);
        e.message_id = t(o, &["MessageSid"]).or_else(|| t(o, &["SmsSid"]));
        e.provider_code = t(o, &["ErrorCode"]);
        e.segments = o.num(&["NumSegments"]);
        e.workflow = t(o, &["MessagingServiceSid"]);
    } else {
        if !o.str("direction").is_some_and(|d| d.starts_with("outbound")) {
            return None;
        }
        e.to = t(o, &["to"]);
        e.tenant = t(o, &["account_sid"]);
        e.message_id = t(o, &["sid"]);
        e.workflow = workflow_from_tags(o, &["tags"]).or_else(|| t(o, &["messaging_service_sid"]));
        e.segments = o.num(&["num_segments"]);
        e.price_usd = twilio_price(o, &["price"]);
        e.provider_code = t(o, &["error_code"]);
        e.time = time_at(o, &["date_created"]).or_else(|| time_at(o, &["date_sent"]));
    }
    if not_sms_address(&e.to) {
        return None; // whatsapp:+… , messenger:… — another channel
    }
    Some(e)
}

fn aws_sns<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let n = o.obj("notification")?;
    let d = o.obj("delivery")?;
    let mut e = Event::new(Profile::AwsSns, Kind::Sms);
    e.to = t(&d, &["destination"]);
    e.price_usd = d.num(&["priceInUSD"]);
    e.message_id = t(&n, &["messageId"]);
    e.time = time_at(&n, &["timestamp"]);
    e.workflow = t(&d, &["smsType"]);
    if o.str("status").as_deref() == Some("FAILURE") {
        e.provider_code = t(&d, &["providerResponse"]);
    }
    Some(e)
}

fn aws_eum<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let (d, account) = match o.obj("detail") {
        Some(d) if o.str("source").as_deref() == Some("aws.sms-voice") => (d, t(o, &["account"])),
        _ => (Obj::parse(b"{}").ok()?, None),
    };
    let d = if d.is_empty() { None } else { Some(d) };
    let r = d.as_ref().unwrap_or(o);
    let et = r.str("eventType")?;
    if !et.starts_with("TEXT_") {
        return None;
    }
    let mut e = Event::new(Profile::AwsEum, Kind::Sms);
    e.to = t(r, &["destinationPhoneNumber"]);
    e.country_hint = t(r, &["isoCountryCode"]);
    e.message_id = t(r, &["messageId"]);
    e.time = time_at(r, &["messageRequestTimestamp"]).or_else(|| time_at(r, &["eventTimestamp"]));
    e.price_usd = match (r.num(&["totalMessagePrice"]), r.num(&["totalCarrierFee"])) {
        (Some(p), f) => Some(p + f.unwrap_or(0.0)),
        (None, f) => f,
    };
    e.segments = r.num(&["totalMessageParts"]);
    e.tenant = t(r, &["context", "tenant"]).or(account);
    e.workflow = t(r, &["context", "flow"]).or_else(|| t(r, &["context", "workflow"]));
    let protect = t(r, &["protectConfiguration", "protectStatus"]);
    e.provider_code = if et == "TEXT_PROTECT_BLOCKED" || protect.as_deref() == Some("BLOCK") {
        Some(Cow::Borrowed("TEXT_PROTECT_BLOCKED"))
    } else {
        None
    };
    Some(e)
}

fn looks_like_phone(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    digits >= 6 && s.bytes().all(|c| c.is_ascii_digit() || b"+-() .".contains(&c))
}

fn okta<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let et = o.str("eventType")?;
    let success = o.str("outcome").is_none()
        && t(o, &["outcome", "result"]).is_none_or(|r| r == "SUCCESS" || r == "ALLOW");
    let kind = if let Some(action) = et.strip_prefix("system.sms.send_") {
        let _ = action;
        Kind::Sms
    } else if matches!(
        et.as_ref(),
        "user.authentication.auth_via_mfa" | "user.mfa.factor.activate" | "user.authentication.verify"
    ) {
        if !success {
            return None;
        }
        let factor = t(o, &["debugContext", "debugData", "factor"]);
        if factor
            .as_deref()
            .is_some_and(|f| !f.to_ascii_lowercase().contains("sms"))
        {
            return None;
        }
        Kind::Conversion
    } else {
        return None;
    };
    let mut e = Event::new(Profile::Okta, kind);
    e.to = t(o, &["debugContext", "debugData", "phoneNumber"]).or_else(|| {
        o.raw("target")
            .map(raw_array)
            .unwrap_or_default()
            .into_iter()
            .filter_map(raw_obj)
            .find_map(|tg| t(&tg, &["alternateId"]).filter(|s| looks_like_phone(s)))
    });
    e.time = time_at(o, &["published"]);
    e.workflow = Some(et.clone());
    e.ip = t(o, &["client", "ipAddress"]);
    e.user_agent = t(o, &["client", "userAgent", "rawUserAgent"]);
    e.user = t(o, &["actor", "id"]);
    e.session = t(o, &["authenticationContext", "externalSessionId"]);
    e.client_country = t(o, &["client", "geographicalContext", "country"]);
    e.message_id = t(o, &["uuid"]);
    e.conversion_ref = e.user.clone();
    e.tenant = t(o, &["tenant"]);
    if kind == Kind::Sms && !success {
        e.provider_code = t(o, &["outcome", "reason"]).or_else(|| t(o, &["outcome", "result"]));
    }
    Some(e)
}

/// Auth0 log types that block a requester (attack protection and rate limits).
const AUTH0_BLOCKS: [&str; 5] = [
    "limit_wc",
    "limit_mu",
    "limit_sul",
    "limit_delegation",
    "api_limit",
];

fn auth0<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let ty = o.str("type")?;
    let sms_conn =
        || o.str("connection").as_deref() == Some("sms") || o.str("strategy").as_deref() == Some("sms");
    let authenticator_sms = || {
        t(o, &["details", "authenticator", "type"]).is_none_or(|a| a == "sms" || a == "phone")
            && t(o, &["details", "authenticator", "phone_number"]).is_some()
    };
    let (kind, workflow) = match ty.as_ref() {
        "gd_send_sms" | "gd_send_sms_failure" => (Kind::Sms, "mfa"),
        "cs" | "cls" if sms_conn() => (Kind::Sms, "passwordless"),
        "gd_auth_succeed" | "gd_enrollment_complete" if authenticator_sms() => (Kind::Conversion, "mfa"),
        "s" if sms_conn() => (Kind::Conversion, "passwordless"),
        t if AUTH0_BLOCKS.contains(&t) => (Kind::SourceBlock, "attack_protection"),
        _ => return None,
    };
    let mut e = Event::new(Profile::Auth0, kind);
    let details = o.obj("details").unwrap_or_default();
    e.to = t(&details, &["authenticator", "phone_number"])
        .or_else(|| t(&details, &["enrollment", "phone_number"]))
        .or_else(|| t(&details, &["body", "phone_number"]))
        .or_else(|| t(&details, &["phone_number"]))
        .or_else(|| t(o, &["user_name"]).filter(|s| looks_like_phone(s)));
    e.time = time_at(o, &["date"]);
    e.tenant = t(o, &["tenant_name"]);
    e.workflow = Some(Cow::Borrowed(workflow));
    e.ip = t(o, &["ip"]);
    e.user_agent = t(o, &["user_agent"]);
    e.user = t(o, &["user_id"]);
    e.session = t(&details, &["session_id"]);
    e.message_id = t(o, &["log_id"]);
    e.conversion_ref = e.user.clone().or_else(|| e.to.clone());
    e.provider_code = match kind {
        Kind::SourceBlock => Some(ty.clone()),
        _ => t(&details, &["provider_error", "errorCode"]),
    };
    Some(e)
}

fn resource_name<'a>(id: Option<Text<'a>>) -> Option<Text<'a>> {
    let id = id?;
    let last = id.rsplit('/').find(|s| !s.is_empty())?.to_string();
    Some(Cow::Owned(last))
}

fn azure_acs<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let mut e = Event::new(Profile::AzureAcs, Kind::Sms);
    if let Some(et) = o.str("eventType") {
        if et != "Microsoft.Communication.SMSDeliveryReportReceived" {
            return None;
        }
        let d = o.obj("data")?;
        e.to = t(&d, &["to"]);
        e.message_id = t(&d, &["messageId"]);
        e.workflow = workflow_from_tags(&d, &["Tag"]).or_else(|| workflow_from_tags(&d, &["tag"]));
        e.time = d
            .raw("deliveryAttempts")
            .and_then(|r| raw_array(r).into_iter().next())
            .and_then(raw_obj)
            .and_then(|a| time_at(&a, &["timestamp"]))
            .or_else(|| time_at(o, &["eventTime"]));
        e.tenant = resource_name(t(o, &["topic"]));
        if d.str("deliveryStatus").as_deref() == Some("Failed") {
            e.provider_code = t(&d, &["deliveryStatusDetails"]);
        }
        return Some(e);
    }
    // Operational log (ACSSMSIncomingOperations): `PhoneNumber` is the sender; only the
    // destination country is logged.
    if o.str("Method").as_deref().is_some_and(|m| m != "POST") {
        return None;
    }
    e.country_hint = t(o, &["Country"]);
    e.message_id = t(o, &["MessageId"]);
    e.ip = t(o, &["CallerIpAddress"]);
    e.time = time_at(o, &["TimeGenerated"]);
    e.tenant = resource_name(t(o, &["_ResourceId"]));
    Some(e)
}

/// The generic schema's names, one spelling for the reader below and for the hosts that write
/// generic records (the Envoy filter, the playground's CSV import).
pub mod generic {
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
}

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

fn generic<'a>(o: &Obj<'a>, fields: &GenericFields) -> Option<Event<'a>> {
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
