//! # pumpguard-sim
//!
//! What `pumpguard simulate` and `pumpguard evaluate` run: seeded, labelled SaaS SMS traffic
//! ([`traffic`]) and the evaluator that scores it with the core and two baseline detectors
//! ([`evaluate`]). No public labelled SMS-pumping data set exists, so this is how detection
//! quality is measured (EVALUATION.md).
//!
//! Two decisions shape the crate:
//!
//! * **Ranges, not values.** Every scenario's size, rate, duration, start and conversion are
//!   drawn per seed, and a sweep scales families of them, so the model cannot be fitted to one
//!   fixed stream: tune on some seeds, report on others.
//! * **Byte-identical for a seed.** The same seed, days, scale and sweep always give the same
//!   traffic and labels (no clock, no thread, a seeded generator), so a result in EVALUATION.md
//!   is reproduced by its command.
#![deny(unsafe_code)]

pub mod evaluate;
pub mod traffic;
