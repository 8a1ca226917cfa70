//! The CSV that SMS providers' consoles export (Twilio's message log, Vonage, Sinch, AWS End
//! User Messaging …), turned into generic-profile records. Headers are matched by name, case,
//! spaces and underscores ignored; unknown columns are dropped. Pure; tested natively.

use std::borrow::Cow;

use pumpguard::profiles::generic;

/// What a column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    To,
    Time,
    Tenant,
    Price,
    Status,
    Id,
    Segments,
    Direction,
    Country,
    Other,
}

fn column(name: &str) -> Col {
    let n: String = name
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match n.as_str() {
        "to"
        | "tonumber"
        | "destination"
        | "destinationnumber"
        | "destinationphonenumber"
        | "phonenumber"
        | "recipient"
        | "msisdn" => Col::To,
        "datesent" | "sentdate" | "datecreated" | "timestamp" | "date" | "time" | "createdat" | "sentat"
        | "eventtime" | "senttime" => Col::Time,
        "accountsid" | "account" | "accountid" | "tenant" | "subaccount" | "subaccountid" => Col::Tenant,
        "price" | "priceusd" | "cost" | "costusd" | "pricevalue" => Col::Price,
        "status" | "messagestatus" | "deliverystatus" => Col::Status,
        "sid" | "messagesid" | "messageid" | "id" => Col::Id,
        "numsegments" | "segments" | "parts" | "numberofparts" | "messageparts" => Col::Segments,
        "direction" => Col::Direction,
        "country" | "destinationcountry" | "countrycode" | "isocountry" => Col::Country,
        _ => Col::Other,
    }
}

/// A CSV header, read once.
#[derive(Debug, Clone)]
pub struct Header {
    cols: Vec<Col>,
}

impl Header {
    /// Reads the header row. `None` when no column names a destination: not an SMS export.
    pub fn parse(row: &[u8]) -> Option<Header> {
        let cols: Vec<Col> = fields(row).iter().map(|f| column(f)).collect();
        cols.contains(&Col::To).then_some(Header { cols })
    }
}

/// The fields of one CSV row (RFC 4180: quoted fields, doubled quotes, commas and newlines
/// inside quotes). Bytes that are not UTF-8 are replaced.
pub fn fields(row: &[u8]) -> Vec<Cow<'_, str>> {
    let row = row.strip_suffix(b"\r").unwrap_or(row);
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if row.get(i) == Some(&b'"') {
            let mut s = Vec::new();
            i += 1;
            while i < row.len() {
                if row[i] == b'"' {
                    if row.get(i + 1) == Some(&b'"') {
                        s.push(b'"');
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                s.push(row[i]);
                i += 1;
            }
            // Anything between the closing quote and the comma is kept, as spreadsheets do.
            while i < row.len() && row[i] != b',' {
                s.push(row[i]);
                i += 1;
            }
            out.push(Cow::Owned(String::from_utf8_lossy(&s).into_owned()));
        } else {
            let end = row[i.min(row.len())..]
                .iter()
                .position(|b| *b == b',')
                .map_or(row.len(), |p| i + p);
            out.push(String::from_utf8_lossy(&row[i.min(end)..end]));
            i = end;
        }
        if i >= row.len() {
            return out;
        }
        i += 1; // the comma
    }
}

/// `2026-01-07 14:00:44`, `2026-01-07 14:00:44 +0000`, `… UTC` → RFC 3339; other text as is
/// (the engine reads RFC 3339 and epoch numbers itself).
fn time(s: &str) -> String {
    let s = s.trim();
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let date_time = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        .into_iter()
        .all(digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':';
    if !date_time {
        return s.to_owned();
    }
    let (head, rest) = s.split_at(19);
    let zone = match rest.trim() {
        "" | "UTC" | "Z" | "GMT" | "+0000" | "+00:00" => "Z".to_owned(),
        z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) && z.is_char_boundary(3) => {
            format!("{}:{}", &z[..3], &z[3..])
        }
        z => z.to_owned(),
    };
    format!("{}T{}{zone}", &head[..10], &head[11..])
}

fn number(s: &str) -> Option<f64> {
    let v: f64 = s.trim().trim_start_matches('$').parse().ok()?;
    // Twilio shows prices as negative amounts (money out).
    v.is_finite().then_some(v.abs())
}

/// The generic-profile record of one exported row.
pub fn record(h: &Header, row: &[u8]) -> Vec<u8> {
    let f = fields(row);
    let mut o = serde_json::Map::new();
    let mut event = generic::SMS_SENT;
    for (col, v) in h.cols.iter().zip(f.iter()) {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match col {
            Col::To => {
                o.insert(generic::TO.into(), v.into());
            }
            Col::Time => {
                o.insert(generic::TIME.into(), time(v).into());
            }
            Col::Tenant => {
                o.insert(generic::TENANT.into(), v.into());
            }
            Col::Price => {
                if let Some(p) = number(v) {
                    o.insert(generic::PRICE_USD.into(), p.into());
                }
            }
            Col::Segments => {
                if let Some(n) = number(v) {
                    o.insert(generic::SEGMENTS.into(), n.into());
                }
            }
            Col::Status => {
                o.insert(generic::PROVIDER_CODE.into(), v.into());
            }
            Col::Id => {
                o.insert(generic::MESSAGE_ID.into(), v.into());
            }
            Col::Country => {
                o.insert(generic::COUNTRY.into(), v.into());
            }
            Col::Direction => {
                if v.to_ascii_lowercase().contains("inbound") {
                    // A reply from a handset: not a send, passes through.
                    event = "sms_inbound";
                }
            }
            Col::Other => {}
        }
    }
    o.insert(generic::EVENT.into(), event.into());
    o.insert("source".into(), "csv".into());
    serde_json::to_vec(&o).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_commas_and_doubled_quotes() {
        let f = fields(br#"a,"b,c","say ""hi""",,"x"y,z"#);
        assert_eq!(f, vec!["a", "b,c", r#"say "hi""#, "", "xy", "z"]);
        assert_eq!(fields(b"").len(), 1);
        assert_eq!(fields(b"\"unterminated").len(), 1);
    }

    #[test]
    fn a_twilio_export_row_becomes_a_generic_send() {
        let h = Header::parse(
            b"Sid,From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,AccountSid,Price,Direction\r",
        )
        .expect("header");
        let r = record(
            &h,
            b"SM1,+15005550006,+996555100017,\"Your code, 1234\",undelivered,2026-01-07 14:00:44 +0000,2010-04-01,1,30008,AC1,-0.30000,outbound-api\r",
        );
        let v: serde_json::Value = serde_json::from_slice(&r).expect("json");
        assert_eq!(v["event"], "sms_sent");
        assert_eq!(v["to"], "+996555100017");
        assert_eq!(v["time"], "2026-01-07T14:00:44Z");
        assert_eq!(v["price_usd"], 0.3);
        assert_eq!(v["tenant"], "AC1");
        assert_eq!(v["message_id"], "SM1");
        let inbound = record(
            &h,
            b"SM2,+1,+2,hi,received,2026-01-07 14:00:44,x,1,,AC1,0,inbound",
        );
        assert!(String::from_utf8_lossy(&inbound).contains("sms_inbound"));
    }

    #[test]
    fn a_header_without_a_destination_is_not_an_export() {
        assert!(Header::parse(b"name,email,created").is_none());
        assert!(Header::parse("\u{feff}Phone Number,Date".as_bytes()).is_some());
        assert_eq!(time("2026-01-07 14:00:44 -0500"), "2026-01-07T14:00:44-05:00");
        assert_eq!(time("1767794444"), "1767794444");
        assert_eq!(time("2026-01-07 14:00:\u{e9}9"), "2026-01-07 14:00:\u{e9}9");
    }
}
