//! The `signals` section: each signal's switch, windows and weights.

use super::*;

/// Per-signal settings. Weights are score points (0–100) a signal adds at full strength.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Signals {
    /// `volume_spike`.
    pub volume_spike: VolumeSpike,
    /// `new_destination_country` and `rare_destination_country`.
    pub destination_country: DestinationCountry,
    /// `high_risk_prefix`.
    pub high_risk_prefix: Toggle,
    /// `adjacent_numbers`.
    pub adjacent_numbers: AdjacentNumbers,
    /// `fresh_block`.
    pub fresh_block: FreshBlock,
    /// `block_surge`.
    pub block_surge: BlockSurge,
    /// `low_conversion`.
    pub low_conversion: LowConversion,
    /// `workflow_concentration`.
    pub workflow_concentration: WorkflowConcentration,
    /// `source_velocity`.
    pub source_velocity: SourceVelocity,
    /// `ip_geo_mismatch`.
    pub ip_geo_mismatch: IpGeoMismatch,
    /// `provider_block`.
    pub provider_block: ProviderBlock,
    /// `shared_block`.
    pub shared_block: SharedBlock,
    /// `expected_change`.
    pub expected_change: ExpectedChange,
    /// `conversion_normal` (exculpatory).
    pub conversion_normal: ConversionNormal,
    /// `conversion_gap` (conversion integrity).
    pub conversion_gap: ConversionGap,
    /// `known_recipient` (exculpatory): a number that verified a code before is not judged by
    /// the evidence about its block and key.
    pub known_recipient: Toggle,
    /// `known_requester` (exculpatory): a send whose requester's network (IPv4 /24, IPv6 /48)
    /// or user verified a code of this tenant before is not judged by the evidence about its
    /// key while the flow × country's sends from such requesters verify like usual
    /// (`conversion_normal`'s test on them): the shortfall is then in the other sends.
    pub known_requester: KnownRequester,
}

/// `known_requester` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KnownRequester {
    /// Run the signal.
    pub enabled: bool,
    /// Also clear a send of a country's, its strangers' or the new countries' shortfall (and a
    /// block's, with `agent_class_blocks`) when its kind of client's sends to the flow ×
    /// country (the user agent's product, its first token: `Chattr` of `Chattr/6.4 (Android
    /// 14)`, `Mozilla` of every browser) verify like usual (over the matured window, or its
    /// day while the client has fewer than `low_conversion.min_sends` sends in the window and
    /// the grace period, none of the matured ones falling short) and carry at most
    /// `agent_share` of the flow × country's missing codes: an attack through one kind of
    /// client leaves the tenant's other clients' codes verifying.
    pub agent_class: bool,
    /// The largest share of the flow × country's missing codes (its baseline's expected
    /// verified codes less those verified) the client's own sends may carry and still clear.
    pub agent_share: f64,
    /// `agent_class` clears a block's shortfall too, by the same test on the flow × country's
    /// sends from the client: an attack on one block through browsers leaves the tenant's app's
    /// codes verifying across the country, and the app's new users in that block are not held
    /// with it; an attack through the app carries the country's missing codes in the app's
    /// sends, and clears nothing.
    pub agent_class_blocks: bool,
    /// An open incident does not carry a send by its requester or its block when the
    /// requester's own matured sends (over the matured window, or its day when the window has
    /// fewer than `low_conversion.min_sends`) verify at `carry_ratio` of the flow's baseline
    /// or more, counted against their sends plus `low_conversion.min_sends` that verify
    /// nothing: its codes reach people, many times an attack's few in a hundred, so it is not
    /// the attack's (an office that enrols its staff while an attack on its blocks is open).
    /// 0 turns this off.
    pub carry_ratio: f64,
}

impl Default for KnownRequester {
    fn default() -> Self {
        Self {
            enabled: true,
            agent_class: true,
            agent_share: 0.25,
            agent_class_blocks: true,
            carry_ratio: 0.25,
        }
    }
}

/// A signal that only needs switching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Toggle {
    /// Run the signal.
    pub enabled: bool,
}

/// `volume_spike` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct VolumeSpike {
    /// Run the signal.
    pub enabled: bool,
    /// Hours of history a key needs before its baseline is trusted.
    pub min_history_hours: u32,
    /// Fewest sends in the window that can be a spike.
    pub min_count: u32,
    /// Smallest ratio of observed to expected sends that can be a spike.
    pub min_ratio: f64,
    /// Poisson surprise (nats, -ln p) at which the signal starts to fire.
    pub min_surprise: f64,
    /// Surprise at which the weight reaches `max_weight`.
    pub full_surprise: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Smoothing of the hour-of-day baseline (share of a new day's hour).
    pub alpha: f64,
}

/// Destination-country novelty settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DestinationCountry {
    /// Run the signals.
    pub enabled: bool,
    /// Sends a tenant needs before a country can be "new" for it (with `min_tenant_hours`, the
    /// tenant is established: its new countries are pooled for conversion and a send's cost is
    /// weighed against its usual one). A day of a small tenant's traffic is enough: at 35 sends
    /// a day, 200 took six days.
    pub min_tenant_sends: u32,
    /// Hours a tenant must have been seen before a country can be "new" for it.
    pub min_tenant_hours: u32,
    /// A country stays "new" for this many hours after the tenant's first send to it.
    pub new_for_hours: u32,
    /// A country with less than this share of the tenant's sends is rare.
    pub rare_share: f64,
    /// Weight of `new_destination_country`.
    pub new_weight: u32,
    /// Weight of `rare_destination_country`.
    pub rare_weight: u32,
}

/// `adjacent_numbers` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdjacentNumbers {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers in one range inside the window at which the signal fires (2–16).
    pub min_distinct: u32,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight added per further distinct number.
    pub step_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Extra weight when the numbers are packed tightly (sequential); not available in privacy mode.
    pub sequential_bonus: u32,
}

/// `fresh_block` settings: a number block with next to no history in the flow (its decayed sends
/// before the last ~80 minutes are fewer than the distinct numbers it now receives, sends that
/// looked like pumping counting 5 %) that suddenly receives many distinct numbers. Legitimate growth (a launch, an
/// enrolment day, a campaign) spreads over a country's many blocks; pumping concentrates on the
/// blocks the fraudster's partner terminates. Needs no conversion or requester data, so it works
/// on provider-only logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FreshBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers in the block inside the window at which the signal fires (2–16).
    pub min_distinct: u32,
    /// Share of the tenant's sends in the window that the block's distinct numbers must reach.
    pub min_share: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at 16 distinct numbers.
    pub max_weight: u32,
    /// A flow whose conversion cannot be judged (its logs carry no conversions, or it never
    /// converts) has nothing that accumulates over hours but this: in a block with next to no
    /// history in the flow, the distinct numbers of the block (`fresh_block`, while the block
    /// carries at least `min_share` of the flow's sends of the last hour) and of each of its
    /// ranges (`adjacent_numbers`) are also counted over this longer window, so an attack too
    /// slow to fill the time window in a block or range still adds up. Seconds; 0 turns it off.
    pub slow_window_secs: u64,
}

impl Default for FreshBlock {
    fn default() -> Self {
        FreshBlock {
            enabled: true,
            min_distinct: 10,
            min_share: 0.2,
            min_weight: 20,
            max_weight: 35,
            slow_window_secs: 10_800,
        }
    }
}

/// `block_surge` settings: a block with a history in a flow whose conversion cannot be judged
/// (its logs carry no conversions, or it never sends codes) suddenly carrying many times its
/// usual share of the flow's sends in the window, and a good part of them. A flow's surges
/// (a holiday, a notification burst, an enrolment day) keep each block's share; pumping
/// concentrates on the blocks the fraudster's partner terminates, including the tenant's own
/// users' blocks, where `fresh_block` (next to no history) does not apply. Volume-type evidence:
/// it counts under the `volume_alone` cap, and an annotation explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BlockSurge {
    /// Run the signal.
    pub enabled: bool,
    /// The block's sends in the window, against its usual share of the flow's sends in the
    /// window, at which the signal fires (and, with the Poisson surprise of `min_surprise`,
    /// the chance is negligible).
    pub min_ratio: f64,
    /// Poisson surprise (nats) of the block's sends in the window given its usual share.
    pub min_surprise: f64,
    /// Fewest sends of the block in the window.
    pub min_sends: u32,
    /// Share of the flow's sends in the window that the block's must reach.
    pub min_share: f64,
    /// Weight at `min_ratio`.
    pub min_weight: u32,
    /// Weight at 8 times `min_ratio` and above.
    pub max_weight: u32,
}

impl Default for BlockSurge {
    fn default() -> Self {
        BlockSurge {
            enabled: true,
            min_ratio: 8.0,
            min_surprise: 10.0,
            min_sends: 10,
            min_share: 0.2,
            min_weight: 25,
            max_weight: 50,
        }
    }
}

/// `low_conversion` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LowConversion {
    /// Run the signal (only for tenants whose logs carry conversion evidence).
    pub enabled: bool,
    /// Seconds a send has to convert before it counts as unconverted.
    pub grace_secs: u64,
    /// Learn the grace period per tenant: once 50 of its codes have been verified, a send
    /// counts as unconverted after the time in which 99 % of them were (rounded up to the
    /// next of 15 s … 10 min, at least 2 minutes), when that is shorter than `grace_secs`.
    pub learn_grace: bool,
    /// Seconds of matured sends compared (the delayed window).
    pub window_secs: u64,
    /// Fewest matured sends that can show low conversion.
    pub min_sends: u32,
    /// Conversion rate assumed before a baseline is learned.
    pub default_rate: f64,
    /// Fires when the observed rate is below this share of the baseline rate.
    pub max_ratio: f64,
    /// Binomial surprise (nats) the shortfall needs.
    pub min_surprise: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength (no conversion at all over many sends).
    pub max_weight: u32,
    /// Matured sends a key needs over its day (its current day, 24 hours from its first send,
    /// and while that day still falls short, its last 24 hours) before the same check runs on
    /// the day: slow pumping, a few sends an hour, never fills the short window. 0 turns the
    /// day check off.
    pub day_min_sends: u32,
    /// A flow (tenant × workflow) whose long-run conversion is below this rate, over at least
    /// `flow_min_history` matured sends, does not send codes (notifications, reminders): it gets
    /// no conversion shortfall and is judged by the other signals.
    pub flow_min_rate: f64,
    /// Matured sends a flow needs before its own conversion rate is its baseline (before that,
    /// the tenant's).
    pub flow_min_history: u32,
    /// Verified sends that show a younger flow sends codes: from then on its baseline is its
    /// own, its verified sends with the tenant's rate as `flow_min_history` pseudo-sends, and a
    /// shortfall against it may be decisive (a reset flow of a few sends a day never reaches
    /// `flow_min_history`). 0 keeps a young flow's baseline borrowed.
    pub flow_min_verified: u32,
    /// Codes the tenant's rate expects of a younger flow's previous day (its conversion key's
    /// 24 hours before the current day) from which a day with none verified, and a current day
    /// with none either, show that the flow does not send codes (`signals::sends_no_codes`). 0
    /// leaves a young flow's baseline borrowed until `flow_min_history`.
    pub flow_no_codes_expected: f64,
    /// A flow with no baseline of its own (one that does not send codes, or a young one still
    /// borrowing the tenant's rate) has its sends into the countries new to the tenant (the
    /// key of [`crate::signals`]' new countries: first sent to in the last `new_for_hours`, or
    /// recent and never verified in the flow) judged against the tenant's rate as its own: a
    /// shortfall there may be decisive. A flow the tenant's users never use (an attacker's
    /// choice of workflow) otherwise learns from the attack that it "does not send codes".
    pub new_countries_tenant_rate: bool,
    /// A send whose record shows it carries a verification code ([`crate::profiles::Event::carries_code`]:
    /// a Twilio Verify send, a generic send with a `verification_id`) in a flow with no
    /// baseline of its own is judged against the tenant's rate as its own, wherever it goes:
    /// its flow sends codes, whatever its history says. (An attacker's own flow of unverified
    /// codes would otherwise look like a notification flow.) Only while the flow's history may
    /// be nothing but an attack's ([`crate::signals::flow_may_be_an_attacks`]): it first sent
    /// a day or more after its tenant's first send, and has fewer than `code_sends_clean_days`
    /// days with sends and none held at `high`.
    pub code_sends_tenant_rate: bool,
    /// Days a flow sends on without a send held at `high` after which its own history stands
    /// against `code_sends_tenant_rate`. 0: it never does, and a flow seen since its tenant's
    /// first day is judged too.
    pub code_sends_clean_days: u32,
    /// A shortfall against a baseline a young flow borrowed from its tenant (its flow not
    /// known to send codes) counts with the volume-type evidence under the cap below `high`
    /// (`volume_alone`): a new notification flow's first burst to new recipients falls short of
    /// the tenant's rate as pumping would, and says nothing about pumping.
    pub borrowed_capped: bool,
    /// Evidence (nats) that makes a shortfall decisive, together with a rate under a tenth of
    /// the baseline (half of it for a block's day): the log-likelihood ratio of the window's
    /// conversions under "the key's usual sends convert at the baseline and the sends on top of
    /// them at a tenth of it" against "all convert at the baseline", over the beta-binomial
    /// inflation. Sends at the key's usual volume (a logging gap, a delivery outage) never
    /// reach it.
    pub decisive_surprise: f64,
    /// Weight of a decisive shortfall (0 turns it off). At `levels.high` by default: sends that
    /// nobody verifies, arriving on top of a key's usual traffic, are pumping on their own.
    pub decisive_weight: u32,
    /// Evidence accumulated over hours (each key's CUSUM of its matured 5-minute buckets'
    /// log-likelihood ratios, half-life 6 h) is decisive at `decisive_surprise` for a
    /// flow × country too, not only for a block and the countries new to the tenant. On: spread
    /// pumping into a country the tenant serves is caught, and while it lasts the fresh numbers
    /// of that country are held at `high` with it (collateral). Off: fewer legitimate sends held
    /// during such an attack, and the attack is caught only when one hour shows it.
    pub accumulate_countries: bool,
    /// Accumulated evidence counts only while the rest of the key's flow still verifies codes
    /// (a gap in the conversion log empties it). A flow too small outside the key to tell at its
    /// own rate (two codes expected) is told by its rest at its tenant's rate when that expects
    /// enough; too small at both, by the rest of its tenant, all its flows outside the key, at
    /// the tenant's rate: the log is the tenant's. Off, such a flow's keys never accumulate (a
    /// small sign-up flow's pumped country, or a reset flow's, is caught only when one window
    /// shows it).
    pub tenant_rest: bool,
    /// Expected cost as a severity dimension: a shortfall is decisive on less evidence when the
    /// send costs more than the tenant's usual send (both list prices from `data.tariffs`, the
    /// usual one weighted by the tenant's long-run country mix), by the log of that ratio, down
    /// to half of `decisive_surprise` (the Bayes decision: holding is worth it once the odds of
    /// pumping exceed the cost of a held legitimate send over the cost of a pumped one).
    pub cost_severity: bool,
    /// Sends to numbers that never verified a code of the tenant, from requesters not known to
    /// it (`known_requester`), are also counted apart per flow × country: the tenant's new
    /// users. Pumping targets fresh numbers from addresses the tenant has not seen; a country's
    /// returning users dilute its shortfall, not this key's. The flow's strangers over all its
    /// countries are counted too: while the rest of them fall short, a country's strangers are
    /// decisive on half the evidence (an attacker spread over the tenant's country mix).
    pub strangers: bool,
    /// A block's shortfall is judged over every flow of its tenant that sends codes (each a
    /// flow with a conversion baseline of its own), pooled bucket by bucket: the send's flow's
    /// block key with the same block's keys in the others. An attacker that spreads its sends
    /// over the sign-up and the login flow no longer halves each block's evidence. Off: a
    /// block is judged in the send's flow alone.
    pub pool_flows: bool,
    /// The sends into blocks whose matured window fell short (over the tenant's flows that
    /// send codes, binomial surprise ≥ `min_surprise`) are counted per flow × country apart,
    /// with each block's window from before it fell short: while the country's matured sends
    /// outside them verify like usual, a send to another block is not judged by the
    /// country's shortfall. An attacker over a few blocks of a country otherwise holds the
    /// country's new users in the other blocks with it. Off: only an open incident's block
    /// is set apart so.
    pub short_blocks: bool,
    /// The hour's window also counts the sends still inside the grace period, each as the
    /// share of a trial that a code of the tenant would have been verified by its age: the
    /// tenant's learned delay histogram (once `learn_grace` has learned it), read at the age
    /// divided by `young_slack`. A verified young send is a whole trial. A fast attack's
    /// first minutes then count before they mature: a home block pumped at 18 sends a minute
    /// sent 156 before its first matured bucket showed it. Off: matured sends only.
    pub young_sends: bool,
    /// How much later than the tenant's histogram a young send's code may still arrive (its
    /// age is divided by this before the histogram is read): a country or carrier slower
    /// than the tenant's mix, a cohort that types its codes later. At least 1.
    pub young_slack: f64,
}

/// `workflow_concentration` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WorkflowConcentration {
    /// Run the signal.
    pub enabled: bool,
    /// Fewest tenant sends in the window.
    pub min_sends: u32,
    /// Share of the window's sends one workflow must carry.
    pub min_share: f64,
    /// Its long-run share must be below this.
    pub max_baseline_share: f64,
    /// Tenant sends needed before long-run shares are trusted.
    pub min_history: u32,
    /// Weight.
    pub weight: u32,
}

/// `source_velocity` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceVelocity {
    /// Run the signal.
    pub enabled: bool,
    /// Distinct numbers one IP may reach in the window.
    pub ip_numbers: u32,
    /// Distinct numbers one user or session may reach in the window.
    pub user_numbers: u32,
    /// Long-run share of a tenant's sends below which a user agent is rare.
    pub rare_user_agent_share: f64,
    /// Weight at the threshold.
    pub min_weight: u32,
    /// Weight at full strength.
    pub max_weight: u32,
    /// Added when one source reaches twice `an0443.ip_geo_variance_score` countries in the
    /// window: fanning out over that many countries is pumping on its own.
    pub fanout_weight: u32,
    /// Two conditions: where the flow's logs carry conversions, one IP, user or session reaching
    /// many numbers counts only when the sends of that source convert poorly (the
    /// `low_conversion` test on the source's own matured sends), and like pumping rather than
    /// like a cohort of people (`signals::verifies_like_pumping`). An office or carrier-grade
    /// NAT whose users verify their codes, even under half the flow's rate, is not flagged.
    /// Fanning out over many countries still counts on its own.
    pub require_low_conversion: bool,
    /// The block's requesters: the sends to a block's distinct numbers whose requester (IP,
    /// else user, else session) had reached another of them within the window. At this many,
    /// and a quarter of the block's numbers, the block's sends count as one source reaching
    /// many numbers: an attacker's few machines or proxies, each sending a few times an hour,
    /// fill a partner's block; a flow's users each reach their own number. In a flow whose
    /// conversion cannot be judged, for a block that `fresh_block` or `block_surge` finds;
    /// where it is judged, for a block new to the flow or carrying `block_surge.min_share` of
    /// its window, with the second condition (the send has `low_conversion`). Weighted as
    /// `ip_numbers`, from this threshold. 0 turns it off.
    pub block_repeats: u32,
}

/// `ip_geo_mismatch` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IpGeoMismatch {
    /// Run the signal.
    pub enabled: bool,
    /// Weight (weak on purpose: travellers and VPNs).
    pub weight: u32,
}

/// `shared_block` settings: one block, several tenants, many numbers in the window. State is
/// otherwise per tenant; this is the one view across tenants (a block pumped through several
/// customers of one platform).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SharedBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Window (seconds): hours, so a block pumped slowly through several tenants accumulates.
    pub window_secs: u64,
    /// Distinct tenants, each with next to no history in the block, sending to it in the window.
    pub min_tenants: u32,
    /// Distinct numbers of the block those tenants reached in the window.
    pub min_numbers: u32,
    /// A tenant counts only when the block carries at least this share of its sends in the
    /// last `an0443.time_window_secs`.
    pub min_share: f64,
    /// Weight at `min_tenants`.
    pub weight: u32,
    /// Added for each tenant beyond `min_tenants` (at most two).
    pub weight_per_extra_tenant: u32,
}

impl Default for SharedBlock {
    fn default() -> Self {
        SharedBlock {
            enabled: true,
            window_secs: 3 * 3600,
            min_tenants: 2,
            min_numbers: 12,
            min_share: 0.1,
            weight: 25,
            weight_per_extra_tenant: 10,
        }
    }
}

/// `provider_block` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProviderBlock {
    /// Run the signal.
    pub enabled: bool,
    /// Weight of the blocked record itself.
    pub weight: u32,
    /// Weight carried to other sends of the same tenant and country while blocks are recent.
    pub neighbour_weight: u32,
    /// Provider error codes that mean "blocked as fraud" (Twilio Verify 60410 …).
    pub codes: Vec<String>,
}

/// `expected_change` settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExpectedChange {
    /// Honour annotations.
    pub enabled: bool,
    /// Share of volume-type evidence (spike, novelty, concentration) kept during an annotation.
    pub keep_share: f64,
    /// Nats of evidence a conversion shortfall that rests on the extra volume (`low_conversion`
    /// made decisive by the sends on top of the key's usual ones) needs on top during an
    /// annotation: the change announces extra sends from a new cohort of users, whose first
    /// few codes say less than the key's usual users' would.
    pub extra_nats: f64,
}

/// `conversion_normal` settings: exculpatory evidence. When the sends of a flow to a country
/// convert at their usual rate over the matured window, a surge is explained the way an
/// annotation explains it: volume-type evidence (spike, novelty, concentration) keeps
/// `keep_share` of its weight and the reason carries the reduction as a negative weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionNormal {
    /// Run the signal.
    pub enabled: bool,
    /// Conversion counts as usual at or above this share of the key's baseline rate.
    pub min_ratio: f64,
    /// Share of volume-type evidence kept.
    pub keep_share: f64,
}

impl Default for ConversionNormal {
    fn default() -> Self {
        ConversionNormal {
            enabled: true,
            min_ratio: 0.8,
            keep_share: 0.25,
        }
    }
}

/// `conversion_gap` settings: conversion integrity. When a tenant's conversions collapse over all
/// its traffic while its volume is ordinary, the conversion log has a gap (a webhook that stopped,
/// a delivery problem), not pumping: the gap is reported on its own, and conversion evidence
/// (`low_conversion`, the second condition of `source_velocity`) is suspended for the tenant
/// while it lasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConversionGap {
    /// Run the rule.
    pub enabled: bool,
    /// A gap: the tenant's matured sends of the last hour verify below this share of its rate.
    pub max_ratio: f64,
    /// Fewest matured sends of the tenant that can show a gap.
    pub min_sends: u32,
    /// Only sends to countries with at least this share of the tenant's long-run traffic are
    /// covered by a gap: a shortfall in a country the tenant rarely or never serves stays
    /// evidence.
    pub min_country_share: f64,
    /// Weight of the `conversion_gap` reason; kept below `levels.medium` + 25 so that it can never
    /// take a verdict to `high` with volume evidence alone.
    pub weight: u32,
}

impl Default for ConversionGap {
    fn default() -> Self {
        ConversionGap {
            enabled: true,
            max_ratio: 0.2,
            min_sends: 12,
            min_country_share: 0.05,
            weight: 10,
        }
    }
}

impl Default for Signals {
    fn default() -> Self {
        Signals {
            volume_spike: VolumeSpike::default(),
            destination_country: DestinationCountry::default(),
            high_risk_prefix: Toggle { enabled: true },
            adjacent_numbers: AdjacentNumbers::default(),
            fresh_block: FreshBlock::default(),
            block_surge: BlockSurge::default(),
            low_conversion: LowConversion::default(),
            workflow_concentration: WorkflowConcentration::default(),
            source_velocity: SourceVelocity::default(),
            ip_geo_mismatch: IpGeoMismatch {
                enabled: true,
                weight: 8,
            },
            provider_block: ProviderBlock::default(),
            shared_block: SharedBlock::default(),
            expected_change: ExpectedChange::default(),
            conversion_normal: ConversionNormal::default(),
            conversion_gap: ConversionGap::default(),
            known_recipient: Toggle { enabled: true },
            known_requester: KnownRequester::default(),
        }
    }
}

impl Default for Toggle {
    fn default() -> Self {
        Toggle { enabled: true }
    }
}

impl Default for VolumeSpike {
    fn default() -> Self {
        VolumeSpike {
            enabled: true,
            min_history_hours: 24,
            min_count: 10,
            min_ratio: 3.0,
            min_surprise: 10.0,
            full_surprise: 60.0,
            min_weight: 12,
            max_weight: 35,
            alpha: 0.25,
        }
    }
}

impl Default for DestinationCountry {
    fn default() -> Self {
        DestinationCountry {
            enabled: true,
            min_tenant_sends: 50,
            min_tenant_hours: 24,
            new_for_hours: 24,
            rare_share: 0.002,
            new_weight: 15,
            rare_weight: 10,
        }
    }
}

impl Default for AdjacentNumbers {
    fn default() -> Self {
        AdjacentNumbers {
            enabled: true,
            min_distinct: 4,
            min_weight: 18,
            step_weight: 3,
            max_weight: 40,
            sequential_bonus: 10,
        }
    }
}

impl Default for LowConversion {
    fn default() -> Self {
        LowConversion {
            enabled: true,
            grace_secs: 600,
            learn_grace: true,
            window_secs: 3600,
            min_sends: 8,
            default_rate: 0.6,
            max_ratio: 0.5,
            min_surprise: 5.0,
            min_weight: 20,
            max_weight: 45,
            day_min_sends: 12,
            flow_min_rate: 0.02,
            flow_min_history: 100,
            flow_min_verified: 10,
            flow_no_codes_expected: 5.0,
            new_countries_tenant_rate: true,
            code_sends_tenant_rate: true,
            code_sends_clean_days: 2,
            borrowed_capped: true,
            decisive_surprise: 10.0,
            decisive_weight: 65,
            accumulate_countries: true,
            tenant_rest: true,
            cost_severity: true,
            strangers: true,
            pool_flows: true,
            short_blocks: true,
            young_sends: true,
            young_slack: 2.0,
        }
    }
}

impl Default for WorkflowConcentration {
    fn default() -> Self {
        WorkflowConcentration {
            enabled: true,
            min_sends: 20,
            min_share: 0.6,
            max_baseline_share: 0.25,
            min_history: 200,
            weight: 15,
        }
    }
}

impl Default for SourceVelocity {
    fn default() -> Self {
        SourceVelocity {
            enabled: true,
            ip_numbers: 5,
            user_numbers: 3,
            rare_user_agent_share: 0.05,
            min_weight: 15,
            max_weight: 35,
            fanout_weight: 20,
            require_low_conversion: true,
            block_repeats: 4,
        }
    }
}

impl Default for IpGeoMismatch {
    fn default() -> Self {
        IpGeoMismatch {
            enabled: true,
            weight: 8,
        }
    }
}

impl Default for ProviderBlock {
    fn default() -> Self {
        ProviderBlock {
            enabled: true,
            weight: 40,
            neighbour_weight: 20,
            codes: [
                "60410",
                "60605",
                "30450",
                "TEXT_PROTECT_BLOCKED",
                "BLOCKED_BY_PROTECT",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

impl Default for ExpectedChange {
    fn default() -> Self {
        ExpectedChange {
            enabled: true,
            keep_share: 0.25,
            extra_nats: 3.0,
        }
    }
}
