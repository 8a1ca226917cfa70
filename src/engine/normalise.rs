//! Normalise: an event's tenant, keys and number (E.164, country, block), before any state
//! is touched.

use super::*;

pub(super) fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

impl Engine {
    /// The tenant, or for a record without one its profile and source ([`Event::owner`]):
    /// tenant-less logs of different profiles (SNS delivery logs, an Okta System Log) or of
    /// different sources (two AWS accounts, two Okta orgs) never share baselines.
    pub(super) fn tenant_key(&self, ev: &Event<'_>) -> u64 {
        match ev.tenant.as_deref() {
            Some(t) => self.keyer.hash(dom::TENANT, t.as_bytes()),
            None => self.keyer.hash(dom::TENANTLESS, ev.owner().as_bytes()),
        }
    }

    pub(super) fn base_keys(ev: &Event<'_>) -> Keys {
        Keys {
            tenant: ev.tenant.as_deref().map(|s| cut(s, 128).to_string()),
            source: ev
                .source
                .as_deref()
                .filter(|_| ev.tenant.is_none())
                .map(|s| cut(s, 128).to_string()),
            workflow: ev.workflow.as_deref().map(|s| cut(s, 128).to_string()),
            ..Keys::default()
        }
    }

    pub(super) fn normalize(&self, ev: &Event<'_>) -> Result<Number, Box<Verdict>> {
        let action = self.unknown_action();
        let mut keys = Self::base_keys(ev);
        let hint = ev.country_hint.as_deref().and_then(|c| self.plan.country(c));
        keys.country = hint.map(|c| c.to_string());
        let Some(to) = ev.to.as_deref() else {
            let mut v = Verdict::unscored(
                code::NO_DESTINATION,
                format!("{} record without a destination number", ev.profile.as_str()),
                action,
            );
            v.keys = keys;
            return Err(Box::new(v));
        };
        self.plan.normalize(cut(to, 64), hint).map_err(|e| {
            let mut v = Verdict::unscored(
                code::INVALID_DESTINATION,
                format!("destination is not a valid phone number: {}", e.as_str()),
                action,
            );
            v.keys = keys;
            Box::new(v)
        })
    }
}
