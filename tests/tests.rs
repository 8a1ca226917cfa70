//! The integration tests: one binary, one module per concern.

mod bad_input;
mod cli;
#[cfg(feature = "component-host")]
mod component;
mod config;
mod contract;
mod envoy;
#[cfg(feature = "component-host")]
mod fluent_bit;
#[cfg(feature = "component-host")]
mod fluent_config;
mod golden;
mod oracle;
mod quality;
#[cfg(feature = "sidecar")]
mod sidecar;
mod signals;
mod snapshot;
mod support;
