//! The integration tests: one binary, one module per concern.

mod bad_input;
mod cli;
mod component;
mod config;
mod contract;
mod golden;
mod oracle;
mod sidecar;
mod signals;
mod snapshot;
mod support;
