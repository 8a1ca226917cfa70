//! `Config::validate`: every field checked, every problem reported at once.

use super::*;

impl Config {
    /// Checks every field and returns every problem found.
    pub fn validate(&self) -> Result<(), ConfigErrors> {
        let mut errs = Vec::new();
        let mut err = |field: &str, message: String| {
            errs.push(ConfigError {
                field: field.into(),
                message,
            })
        };
        let key_chars = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@');
        if self.output_key.is_empty() || self.output_key.len() > 64 || !self.output_key.chars().all(key_chars)
        {
            // Found by fuzzing: any other key would be escaped in the output, and field
            // routers (Fluent Bit's record accessor, VRL paths) cannot name it plainly.
            err(
                "output_key",
                "must be 1 to 64 characters of A-Z a-z 0-9 _ - . @".into(),
            );
        } else if matches!(self.output_key.as_str(), "message" | "message_base64") {
            // Unparsable records are wrapped as {"message": …, <output_key>: …}.
            err(
                "output_key",
                "message and message_base64 hold wrapped records; choose another key".into(),
            );
        }
        for (name, path) in &self.profiles.generic.fields {
            let field = format!(
                "profiles.generic.fields.{}",
                name.chars().take(64).collect::<String>()
            );
            if !crate::profiles::GENERIC_FIELDS.iter().any(|f| f.0 == name) {
                let known: Vec<&str> = crate::profiles::GENERIC_FIELDS.iter().map(|f| f.0).collect();
                err(
                    &field,
                    format!("not a field of the generic schema (one of: {})", known.join(", ")),
                );
            } else if path.is_empty()
                || path.len() > 256
                || path.split('.').count() > 8
                || path.split('.').any(str::is_empty)
            {
                err(
                    &field,
                    "must be a field name or a dotted path of up to 8 non-empty names, 256 characters at most".into(),
                );
            }
        }
        if self.privacy.enabled && self.privacy.salt.len() < 16 {
            err(
                "privacy.salt",
                "privacy mode needs a secret salt of at least 16 characters".into(),
            );
        }
        if !(1..=8).contains(&self.block_digits) {
            err("block_digits", "must be 1 to 8".into());
        }
        if !(2..=6).contains(&self.adjacent_suffix_digits) {
            err("adjacent_suffix_digits", "must be 2 to 6".into());
        }
        let a = &self.an0443;
        if !(60..=86_400).contains(&a.time_window_secs) {
            err("an0443.time_window_secs", "must be 60 to 86400 seconds".into());
        }
        if !(2..=16).contains(&a.user_agent_anomaly_threshold) {
            err(
                "an0443.user_agent_anomaly_threshold",
                "must be 2 to 16 numbers (a source remembers 16)".into(),
            );
        }
        if !(2..=8).contains(&a.ip_geo_variance_score) {
            err(
                "an0443.ip_geo_variance_score",
                "must be 2 to 8 countries (a source remembers 8)".into(),
            );
        }
        for (field, list) in [
            (
                "an0443.destination_country_code_filter.deny",
                &a.destination_country_code_filter.deny,
            ),
            (
                "an0443.destination_country_code_filter.allow",
                &a.destination_country_code_filter.allow,
            ),
        ] {
            for c in list {
                if crate::numbering::Country::from_code(c).is_none() {
                    err(field, format!("{c:?} is not a two-letter country code"));
                }
            }
        }
        let l = &self.levels;
        if !(0 < l.low && l.low < l.medium && l.medium < l.high && l.high < l.critical && l.critical <= 100) {
            err("levels", "need 0 < low < medium < high < critical <= 100".into());
        }
        if self.alert_level < Level::Low || self.alert_level > Level::Critical {
            err("alert_level", "must be low, medium, high or critical".into());
        }
        if self.max_clock_jump_secs < 3600 {
            err("max_clock_jump_secs", "must be at least 3600".into());
        }
        if self.incident_idle_secs < 60 {
            err("incident_idle_secs", "must be at least 60".into());
        }
        let s = &self.signals;
        if self.incident_reopen_secs > 7 * 86_400 {
            err("incident_reopen_secs", "must be at most 7 days".into());
        }
        if !(0.0..=1e9).contains(&self.incident_cost_alert_usd) {
            err("incident_cost_alert_usd", "must be 0 (off) to 1e9 USD".into());
        }
        if !(0.0..=1.0).contains(&self.signals.shared_block.min_share) {
            err("signals.shared_block.min_share", "must be 0 to 1".into());
        }
        if !(60..=7 * 86_400).contains(&self.signals.shared_block.window_secs) {
            err(
                "signals.shared_block.window_secs",
                "must be 60 s to 7 days".into(),
            );
        }
        let weights: [(&str, u32); 19] = [
            ("signals.volume_spike.min_weight", s.volume_spike.min_weight),
            ("signals.volume_spike.max_weight", s.volume_spike.max_weight),
            (
                "signals.destination_country.new_weight",
                s.destination_country.new_weight,
            ),
            (
                "signals.destination_country.rare_weight",
                s.destination_country.rare_weight,
            ),
            (
                "signals.adjacent_numbers.min_weight",
                s.adjacent_numbers.min_weight,
            ),
            (
                "signals.adjacent_numbers.max_weight",
                s.adjacent_numbers.max_weight,
            ),
            ("signals.low_conversion.min_weight", s.low_conversion.min_weight),
            ("signals.low_conversion.max_weight", s.low_conversion.max_weight),
            (
                "signals.workflow_concentration.weight",
                s.workflow_concentration.weight,
            ),
            ("signals.source_velocity.min_weight", s.source_velocity.min_weight),
            ("signals.source_velocity.max_weight", s.source_velocity.max_weight),
            (
                "signals.source_velocity.fanout_weight",
                s.source_velocity.fanout_weight,
            ),
            ("signals.ip_geo_mismatch.weight", s.ip_geo_mismatch.weight),
            ("signals.provider_block.weight", s.provider_block.weight),
            ("signals.shared_block.weight", s.shared_block.weight),
            (
                "signals.shared_block.weight_per_extra_tenant",
                s.shared_block.weight_per_extra_tenant,
            ),
            (
                "signals.provider_block.neighbour_weight",
                s.provider_block.neighbour_weight,
            ),
            (
                "an0443.destination_country_code_filter.deny_weight",
                a.destination_country_code_filter.deny_weight,
            ),
            (
                "an0443.destination_country_code_filter.outside_allow_weight",
                a.destination_country_code_filter.outside_allow_weight,
            ),
        ];
        for (f, w) in weights {
            if w > 100 {
                err(f, format!("{w} is more than 100 score points"));
            }
        }
        for (f, lo, hi) in [
            (
                "signals.volume_spike",
                s.volume_spike.min_weight,
                s.volume_spike.max_weight,
            ),
            (
                "signals.adjacent_numbers",
                s.adjacent_numbers.min_weight,
                s.adjacent_numbers.max_weight,
            ),
            (
                "signals.low_conversion",
                s.low_conversion.min_weight,
                s.low_conversion.max_weight,
            ),
            (
                "signals.source_velocity",
                s.source_velocity.min_weight,
                s.source_velocity.max_weight,
            ),
        ] {
            if lo > hi {
                err(f, "min_weight is above max_weight".into());
            }
        }
        let fb = &s.fresh_block;
        if fb.slow_window_secs != 0 && !(self.an0443.time_window_secs..=86_400).contains(&fb.slow_window_secs)
        {
            err(
                "signals.fresh_block.slow_window_secs",
                "must be 0 (off) or from an0443.time_window_secs to 86400".into(),
            );
        }
        if !(2..=16).contains(&s.fresh_block.min_distinct) {
            err(
                "signals.fresh_block.min_distinct",
                "must be 2 to 16 (a block remembers 16 numbers)".into(),
            );
        }
        if s.source_velocity.block_repeats > 16 {
            err(
                "signals.source_velocity.block_repeats",
                "must be 0 (off) to 16 (a block remembers 16 of them)".into(),
            );
        }
        if s.fresh_block.min_weight > s.fresh_block.max_weight || s.fresh_block.max_weight > 100 {
            err(
                "signals.fresh_block",
                "need min_weight <= max_weight <= 100".into(),
            );
        }
        let bs = &s.block_surge;
        if bs.min_weight > bs.max_weight || bs.max_weight > 100 {
            err(
                "signals.block_surge",
                "need min_weight <= max_weight <= 100".into(),
            );
        }
        if !(2.0..=1e6).contains(&bs.min_ratio) {
            err("signals.block_surge.min_ratio", "must be 2 to 1e6".into());
        }
        if !(0.0..=1e6).contains(&bs.min_surprise) {
            err("signals.block_surge.min_surprise", "must be 0 to 1e6 nats".into());
        }
        let adj = &s.adjacent_numbers;
        if !(2..=16).contains(&adj.min_distinct) {
            err(
                "signals.adjacent_numbers.min_distinct",
                "must be 2 to 16 (a range remembers 16 numbers)".into(),
            );
        }
        if adj.step_weight > 100 || adj.sequential_bonus > 100 {
            err(
                "signals.adjacent_numbers",
                "step_weight and sequential_bonus must be at most 100".into(),
            );
        }
        let v = &s.volume_spike;
        if !(v.alpha > 0.0 && v.alpha <= 1.0) {
            err("signals.volume_spike.alpha", "must be in (0, 1]".into());
        }
        if !(v.min_ratio >= 1.0 && v.min_surprise > 0.0 && v.full_surprise > v.min_surprise) {
            err(
                "signals.volume_spike",
                "need min_ratio >= 1 and 0 < min_surprise < full_surprise".into(),
            );
        }
        let c = &s.low_conversion;
        if !(c.default_rate > 0.0 && c.default_rate <= 1.0) {
            err("signals.low_conversion.default_rate", "must be in (0, 1]".into());
        }
        if !(c.max_ratio > 0.0 && c.max_ratio < 1.0) {
            err("signals.low_conversion.max_ratio", "must be in (0, 1)".into());
        }
        if c.window_secs < 300 || c.window_secs > 86_400 || c.grace_secs > c.window_secs {
            err(
                "signals.low_conversion",
                "need 300 <= window_secs <= 86400 and grace_secs <= window_secs".into(),
            );
        }
        if !(1.0..=100.0).contains(&c.young_slack) {
            err("signals.low_conversion.young_slack", "must be 1 to 100".into());
        }
        if !(0.0..=1e6).contains(&c.flow_no_codes_expected) {
            err(
                "signals.low_conversion.flow_no_codes_expected",
                "must be 0 to 1000000".into(),
            );
        }
        if !(0.0..=30.0).contains(&s.expected_change.extra_nats) {
            err("signals.expected_change.extra_nats", "must be 0 to 30".into());
        }
        for (f, x) in [
            (
                "signals.destination_country.rare_share",
                s.destination_country.rare_share,
            ),
            (
                "signals.workflow_concentration.min_share",
                s.workflow_concentration.min_share,
            ),
            (
                "signals.workflow_concentration.max_baseline_share",
                s.workflow_concentration.max_baseline_share,
            ),
            (
                "signals.source_velocity.rare_user_agent_share",
                s.source_velocity.rare_user_agent_share,
            ),
            ("signals.expected_change.keep_share", s.expected_change.keep_share),
            (
                "signals.conversion_normal.keep_share",
                s.conversion_normal.keep_share,
            ),
            (
                "signals.conversion_normal.min_ratio",
                s.conversion_normal.min_ratio,
            ),
            (
                "signals.low_conversion.flow_min_rate",
                s.low_conversion.flow_min_rate,
            ),
            ("signals.conversion_gap.max_ratio", s.conversion_gap.max_ratio),
            (
                "signals.known_requester.agent_share",
                s.known_requester.agent_share,
            ),
            (
                "signals.known_requester.carry_ratio",
                s.known_requester.carry_ratio,
            ),
            (
                "signals.conversion_gap.min_country_share",
                s.conversion_gap.min_country_share,
            ),
            ("signals.fresh_block.min_share", s.fresh_block.min_share),
            ("signals.block_surge.min_share", s.block_surge.min_share),
        ] {
            if !(0.0..=1.0).contains(&x) {
                err(f, "must be a share between 0 and 1".into());
            }
        }
        let b = &self.budgets;
        if b.marks.len() != b.weights.len() || b.marks.windows(2).any(|w| w[0] >= w[1]) {
            err("budgets", "marks must increase and have one weight each".into());
        }
        if b.weights.iter().any(|w| *w > 100) || b.marks.iter().any(|m| *m == 0 || *m > 10_000) {
            err(
                "budgets",
                "weights must be at most 100 and marks 1 to 10000 percent".into(),
            );
        }
        for (name, budget) in
            std::iter::once(("default", &b.default)).chain(b.tenants.iter().map(|(k, v)| (k.as_str(), v)))
        {
            if matches!(budget.daily_spend_usd, Some(x) if !(x.is_finite() && x > 0.0)) {
                err(
                    &format!("budgets.{name}.daily_spend_usd"),
                    "must be a positive number".into(),
                );
            }
            if budget.daily_count == Some(0) {
                err(&format!("budgets.{name}.daily_count"), "must be positive".into());
            }
        }
        for (i, an) in self.annotations.iter().enumerate() {
            let f = format!("annotations[{i}]");
            match (crate::time::parse(&an.start), crate::time::parse(&an.end)) {
                (Some(s), Some(e)) if s < e => {}
                (Some(_), Some(_)) => err(&f, "start is not before end".into()),
                _ => err(&f, "start and end must be times (RFC 3339 or epoch)".into()),
            }
            if an.tenant.is_empty() {
                err(&f, "tenant is required".into());
            }
            if let Some(c) = &an.country {
                if crate::numbering::Country::from_code(c).is_none() {
                    err(&f, format!("country {c:?} is not a two-letter code"));
                }
            }
        }
        if self.annotations.len() > self.limits.annotations {
            err("annotations", "more annotations than limits.annotations".into());
        }
        let lim = &self.limits;
        if !(1024..=64 << 20).contains(&lim.max_record_bytes) {
            err("limits.max_record_bytes", "must be 1 KiB to 64 MiB".into());
        }
        for (f, n) in [
            ("limits.tenants", lim.tenants),
            ("limits.volume_keys", lim.volume_keys),
            ("limits.conversion_keys", lim.conversion_keys),
            ("limits.ranges", lim.ranges),
            ("limits.sources", lim.sources),
            ("limits.recent_sends", lim.recent_sends),
            ("limits.messages", lim.messages),
            ("limits.known_requesters", lim.known_requesters),
            ("limits.known_numbers", lim.known_numbers),
            ("limits.incidents", lim.incidents),
            ("limits.shared_blocks", lim.shared_blocks),
            ("limits.shared_evidence", lim.shared_evidence),
        ] {
            if !(16..=1 << 24).contains(&n) {
                err(f, "must be 16 to 16,777,216".into());
            }
        }
        if lim.shared_peers > 1024 {
            err("limits.shared_peers", "must be 0 to 1,024".into());
        }
        let bound = crate::state::State::bytes_bound(lim);
        if bound > lim.max_state_bytes {
            err(
                "limits",
                format!(
                    "capacities need up to {} bytes of state, more than max_state_bytes ({})",
                    bound, lim.max_state_bytes
                ),
            );
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errs))
        }
    }
}
