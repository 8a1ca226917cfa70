//! One reader per vendor's log shape into the normalised [`Event`].

use super::*;

pub(super) fn is_sms_channel(c: Option<Text<'_>>) -> bool {
    c.is_none_or(|c| c.eq_ignore_ascii_case("sms"))
}

pub(super) fn twilio_verify<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
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
pub(super) fn twilio_price(o: &Obj<'_>, path: &[&str]) -> Option<f64> {
    o.num(path).map(f64::abs)
}

pub(super) fn not_sms_address(to: &Option<Text<'_>>) -> bool {
    to.as_deref().is_some_and(|s| s.contains(':'))
}

pub(super) fn twilio_message<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
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

/// The AWS account an SNS delivery log came from, when the pipeline kept the CloudWatch Logs
/// subscription's fields beside the log line: `owner`, or the account in the log group's name
/// (`sns/us-east-1/111122223333/DirectPublishToPhoneNumber`, also `logGroup`).
pub(super) fn sns_account<'a>(o: &Obj<'a>) -> Option<Text<'a>> {
    let digits = |s: &str| s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit());
    t(o, &["owner"]).filter(|s| digits(s)).or_else(|| {
        let group = t(o, &["log_group"]).or_else(|| t(o, &["logGroup"]))?;
        let mut parts = group.split('/').filter(|p| !p.is_empty());
        let account = (parts.next() == Some("sns"))
            .then(|| parts.nth(1))
            .flatten()
            .filter(|a| digits(a))?;
        Some(Cow::Owned(account.to_string()))
    })
}

pub(super) fn aws_sns<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
    let n = o.obj("notification")?;
    let d = o.obj("delivery")?;
    let mut e = Event::new(Profile::AwsSns, Kind::Sms);
    e.tenant = t(o, &["tenant"]);
    e.source = sns_account(o);
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

pub(super) fn aws_eum<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
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

pub(super) fn looks_like_phone(s: &str) -> bool {
    let digits = s.bytes().filter(u8::is_ascii_digit).count();
    digits >= 6 && s.bytes().all(|c| c.is_ascii_digit() || b"+-() .".contains(&c))
}

/// The `source` of an Okta System Log event streamed to Amazon EventBridge:
/// `aws.partner/okta.com/<org>/<event source name>`, the event itself under `detail`.
pub(super) const OKTA_EVENTBRIDGE: &str = "aws.partner/okta.com/";

/// The Okta org a record names: the org in an EventBridge log stream's `source`, or the host
/// of an Event Hook's `source` URL kept beside the event (`https://acme.okta.com/api/v1/…`).
pub(super) fn okta_org<'a>(source: &str) -> Option<Text<'a>> {
    let org = match source.strip_prefix(OKTA_EVENTBRIDGE) {
        Some(rest) => rest.split('/').next()?,
        None => source.strip_prefix("https://")?.split(['/', ':']).next()?,
    };
    (!org.is_empty()).then(|| Cow::Owned(org.to_ascii_lowercase()))
}

pub(super) fn okta<'a>(record: &Obj<'a>) -> Option<Event<'a>> {
    let envelope = record.str("source");
    let detail = envelope
        .as_deref()
        .filter(|s| s.starts_with(OKTA_EVENTBRIDGE))
        .and_then(|_| record.obj("detail"));
    let o = detail.as_ref().unwrap_or(record);
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
    e.tenant = t(o, &["tenant"]).or_else(|| t(record, &["tenant"]));
    e.source = envelope.as_deref().and_then(okta_org);
    if kind == Kind::Sms && !success {
        e.provider_code = t(o, &["outcome", "reason"]).or_else(|| t(o, &["outcome", "result"]));
    }
    Some(e)
}

/// Auth0 log types that block a requester (attack protection and rate limits).
pub(super) const AUTH0_BLOCKS: [&str; 5] = [
    "limit_wc",
    "limit_mu",
    "limit_sul",
    "limit_delegation",
    "api_limit",
];

pub(super) fn auth0<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
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

pub(super) fn resource_name<'a>(id: Option<Text<'a>>) -> Option<Text<'a>> {
    let id = id?;
    let last = id.rsplit('/').find(|s| !s.is_empty())?.to_string();
    Some(Cow::Owned(last))
}

pub(super) fn azure_acs<'a>(o: &Obj<'a>) -> Option<Event<'a>> {
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
