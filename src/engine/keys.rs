//! Keyed hashes and the key domains: every key of the state is a 64-bit keyed hash
//! (SipHash-1-3 under the privacy salt), so no number, address or name is stored as text.

use super::*;

/// Domain separators of keyed hashes.
pub(super) mod dom {
    pub const TENANT: u8 = 1;
    pub const WORKFLOW: u8 = 2;
    pub const BLOCK: u8 = 3;
    pub const RANGE: u8 = 4;
    pub const NUMBER: u8 = 5;
    pub const MESSAGE: u8 = 6;
    pub const REF: u8 = 7;
    pub const IP: u8 = 8;
    pub const UA: u8 = 9;
    pub const USER: u8 = 10;
    pub const SESSION: u8 = 11;
    pub const INCIDENT: u8 = 12;
    pub const SUFFIX: u8 = 13;
    pub const TENANTLESS: u8 = 14;
    pub const AGENT_CLASS: u8 = 15;
}

#[derive(Clone)]
pub(super) struct Keyer {
    k0: u64,
    k1: u64,
}

impl Keyer {
    pub(super) fn new(salt: &str) -> Keyer {
        let mut h = SipHasher13::new_with_keys(0x7075_6d70_6775_6172, 0x6432_3032_362d_3131);
        std::hash::Hasher::write(&mut h, salt.as_bytes());
        let k0 = std::hash::Hasher::finish(&h);
        std::hash::Hasher::write_u8(&mut h, 0xff);
        let k1 = std::hash::Hasher::finish(&h);
        Keyer { k0, k1 }
    }

    pub(super) fn hash(&self, domain: u8, s: &[u8]) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        std::hash::Hasher::write_u8(&mut h, domain);
        std::hash::Hasher::write(&mut h, s);
        std::hash::Hasher::finish(&h)
    }

    /// A fingerprint of the key material: snapshots only make sense under the same salt.
    pub(super) fn fingerprint(&self) -> u64 {
        self.hash(0xff, b"snapshot-fingerprint")
    }

    pub(super) fn mix(a: u64, b: u64) -> u64 {
        // splitmix64 finaliser over a combination: keys stay well spread for the index.
        let mut z = a ^ b.rotate_left(29) ^ 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

pub(super) const KEY_ALL: u64 = 0xA11;
pub(super) const KEY_COUNTRY: u64 = 0xC0;
pub(super) const KEY_BLOCK_CONV: u64 = 0xB1;
pub(super) const KEY_COUNTRY_CONV: u64 = 0xC1;
pub(super) const KEY_OPEN: u64 = 0x0E;
/// Positions of an incident's keys in `open_keys`: tenant × country, requester, the flow's new
/// countries, the block across tenants; then a key that only joins an incident and never
/// carries a send to `high` (`OPEN_JOIN_ONLY` on): the requester's network (IPv4 /24, IPv6 /48),
/// and the tenant's blocks (a send with evidence about its block joins an incident of the same
/// tenant opened on evidence about another block: an attacker rotating blocks).
pub(super) const OPEN_COUNTRY: usize = 0;
pub(super) const OPEN_REQUESTER: usize = 1;
pub(super) const OPEN_RARE: usize = 2;
pub(super) const OPEN_BLOCK: usize = 3;
pub(super) const OPEN_JOIN_ONLY: usize = 4;
pub(super) const OPEN_TENANT_BLOCKS: usize = 5;
/// The flow's strangers (`low_conversion.strangers`): a send whose evidence is its country's
/// strangers' shortfall joins an incident of the flow opened on such evidence in another
/// country (an attacker spread over the tenant's country mix).
pub(super) const OPEN_STRANGERS: usize = 6;
/// The tenant × country's incident on evidence about its blocks: never joined, only read, so
/// that a country's accumulated shortfall is known to be its pumped blocks' (the tenant's
/// blocks key holds only the newest such incident, which may be in another country).
pub(super) const OPEN_COUNTRY_BLOCKS: usize = 7;
/// The block as any incident's send at alert level hit it, with evidence about the block or
/// not: joined only by a send with evidence about its block or held on its tenant's new
/// countries' shortfall, only while the incident's sends still hit the block, and only for an
/// incident opened on that block (a tenant that detects a block's attack by its country's or
/// new countries' shortfall before another tenant detects it by the block, or by its own new
/// countries', leaves one incident, not two).
pub(super) const OPEN_BLOCK_SEEN: usize = 8;
/// The tenant's incidents on evidence about a block, a country's strangers or a country, in
/// any flow: joined only by a send with such evidence (an attacker spread over the tenant's
/// country mix and its sign-up and login flows, held by blocks in its main country and by the
/// strangers' or the country's shortfall in its smaller ones, is one incident, not one per
/// flow, country and kind of evidence).
pub(super) const OPEN_TENANT_ATTACK: usize = 9;
/// The tenant's key as [`OPEN_TENANT_ATTACK`] links it.
pub(super) const KEY_TENANT_ATTACK: u64 = 0x7A7;
/// The tenant × country's key (`OPEN_COUNTRY`) as a send with country-wide evidence links it:
/// an incident carries the country's sends only where its own evidence was country-wide. One
/// incident over several countries (joined by [`OPEN_TENANT_ATTACK`]) is country-wide in some
/// of them, and its blocks' country is not held with those.
pub(super) const KEY_COUNTRY_WIDE: u64 = 0xC3D;
/// The block's key as [`OPEN_BLOCK_SEEN`] links it.
pub(super) const KEY_OPEN_SEEN: u64 = 0x0E5;
/// Half-lives of a shared block's recent and long-run send counts.
pub(super) const SHARED_FAST_HALF_LIFE: Millis = 90 * 60_000;
pub(super) const SHARED_SLOW_HALF_LIFE: Millis = 2 * 86_400_000;
pub(super) const KEY_SOURCE_CONV: u64 = 0x5C1;
/// A requester's conversion key is made once its earlier sends (decayed over `LONG_RUN`) reach
/// this: at its third send.
pub(super) const SOURCE_CONV_AFTER: f32 = 1.5;
pub(super) const KEY_NO_WORKFLOW: u64 = 0xF10;
pub(super) const KEY_RARE_CONV: u64 = 0xA4E;
pub(super) const KEY_FLOW_CONV: u64 = 0xF1C;
pub(super) const KEY_BLOCK_NUMBERS: u64 = 0xB2;
/// A followed block's requesters, and its sends whose requester had reached another of its
/// numbers (`source_velocity.block_repeats`).
pub(super) const KEY_BLOCK_REQUESTERS: u64 = 0xB3;
pub(super) const KEY_BLOCK_REPEATS: u64 = 0xB4;
pub(super) const KEY_NETWORK: u64 = 0x4E7;
pub(super) const KEY_TENANT_BLOCKS: u64 = 0x7B1;
/// A requester's network / user that verified a code of the tenant (`State::known`).
pub(super) const KEY_KNOWN_NETWORK: u64 = 0x6E7;
pub(super) const KEY_KNOWN_USER: u64 = 0x6E5;
/// A flow × country's sends from known requesters (a conversion key).
pub(super) const KEY_KNOWN_CONV: u64 = 0x6C1;
/// A flow × country's (or a flow's) sends to numbers that never verified, from requesters not
/// known to the tenant (a conversion key).
pub(super) const KEY_STRANGER_CONV: u64 = 0x57C;
/// The flow's sends to numbers that verified before (`conversion_gap`: a gap loses their codes
/// too).
pub(super) const KEY_KNOWN_GOOD_CONV: u64 = 0x6C6;
/// A flow × country's sends into blocks that fell short at the time (a conversion key): the
/// country's shortfall outside them is its own.
pub(super) const KEY_SHORT_BLOCK_CONV: u64 = 0x5B6;
/// A flow × country's sends from one kind of client (`known_requester`'s
/// `agent_class`), mixed with the class's hash.
pub(super) const KEY_AGENT_CONV: u64 = 0xAC1;
/// The owner of a generic `verification_id`'s attribution key, for every tenant alike
/// ([`super::stages::ref_key`]).
pub(super) const KEY_ANY_TENANT: u64 = 0xA11;

/// A user agent's product, its first token (`Chattr` of `Chattr/6.4 (Android 14)`, `Mozilla`
/// of every browser, `okhttp` of `okhttp/4.12.0`), ASCII-lowercased, at most 32 bytes: the kind
/// of client, whatever its version and device (`known_requester`'s `agent_class`). `None` when
/// the text has no token.
pub(super) fn agent_product(ua: &str) -> Option<String> {
    let token = ua
        .trim()
        .split(|c: char| c == '/' || c == '(' || c == ';' || c.is_whitespace())
        .next()
        .filter(|t| !t.is_empty())?;
    Some(cut(token, 32).to_ascii_lowercase())
}

/// The network of an address as its leading bytes: an IPv4 /24 or an IPv6 /48 (an IPv4-mapped
/// IPv6 address counts as IPv4; `a.b.c.d:port` is read as its address). `None` when the text is
/// not an address.
pub(super) fn ip_network(ip: &str) -> Option<Vec<u8>> {
    let ip = ip.trim();
    let addr: core::net::IpAddr = ip
        .parse()
        .ok()
        .or_else(|| ip.rsplit_once(':').and_then(|(a, _)| a.parse().ok()))?;
    match addr {
        core::net::IpAddr::V4(a) => Some(a.octets()[..3].to_vec()),
        core::net::IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => Some(v4.octets()[..3].to_vec()),
            None => Some(a.octets()[..6].to_vec()),
        },
    }
}

/// A flow: the tenant × the workflow's hash (or the tenant's sends without one).
pub(super) fn flow_key(tenant: u64, workflow_hash: Option<u64>) -> u64 {
    Keyer::mix(tenant, workflow_hash.unwrap_or(KEY_NO_WORKFLOW))
}

#[cfg(test)]
mod tests {
    use super::{agent_product, ip_network};

    #[test]
    pub(super) fn an_address_is_joined_by_its_network() {
        assert_eq!(ip_network("5.188.62.11"), ip_network("5.188.62.250"));
        assert_ne!(ip_network("5.188.62.11"), ip_network("5.188.63.11"));
        assert_eq!(ip_network("5.188.62.11:443"), ip_network("5.188.62.11"));
        assert_eq!(ip_network("::ffff:5.188.62.11"), ip_network("5.188.62.9"));
        assert_eq!(ip_network("2001:db8:1:2::1"), ip_network("2001:db8:1:ffff::2"));
        assert_ne!(ip_network("2001:db8:1::1"), ip_network("2001:db8:2::1"));
        for junk in ["", "unknown", "300.1.2.3", "1.2.3", "-", "1.2.3.4.5"] {
            assert_eq!(ip_network(junk), None, "{junk:?}");
        }
    }

    #[test]
    pub(super) fn a_user_agent_is_joined_by_its_product() {
        let p = |ua: &str| agent_product(ua);
        assert_eq!(p("Chattr/6.4 (Android 14)"), p("Chattr/5.10 (iOS 17.0)"));
        assert_eq!(p("Chattr/6.4 (Android 14)").as_deref(), Some("chattr"));
        assert_eq!(
            p("Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15").as_deref(),
            Some("mozilla")
        );
        assert_eq!(p("okhttp/4.12.0").as_deref(), Some("okhttp"));
        assert_eq!(p("  curl 8.4").as_deref(), Some("curl"));
        assert_ne!(p("Chattr/6.4"), p("Mozilla/5.0"));
        assert_eq!(p(&"x".repeat(500)).map(|s| s.len()), Some(32));
        for junk in ["", "   ", "/5.0", "(compatible)"] {
            assert_eq!(p(junk), None, "{junk:?}");
        }
    }
}
