//! The integration tests: one binary, one module per concern.

mod bad_input;
#[cfg(feature = "component-host")]
mod cardinality;
mod cli;
#[cfg(feature = "component-host")]
mod component;
mod config;
mod contract;
mod envoy;
#[cfg(feature = "component-host")]
mod fluent_bit;
// The shipped fluent-config/ in the real Fluent Bit 5.1.1.
mod fluent_bit_real;
#[cfg(feature = "component-host")]
mod fluent_config;
mod golden;
#[cfg(feature = "component-host")]
mod hostile;
mod oracle;
// Key-affinity partitioning: N engines give one engine's per-tenant verdicts.
mod partition;
// The output contract the fuzzers check, shared with the hostile-record tests.
#[path = "../fuzz/fuzz_targets/common.rs"]
mod output_check;
mod quality;
mod rng;
#[cfg(feature = "sidecar")]
mod sidecar;
// Mergeable cross-tenant state: export, import, the join's laws.
mod shared;
mod signals;
mod snapshot;
mod support;
// The shipped vector-config/ in the real Vector 0.58.0, with the sidecar and faults.
#[cfg(feature = "sidecar")]
mod vector_real;
