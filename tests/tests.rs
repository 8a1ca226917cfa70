//! The integration tests: one binary, one module per concern.

mod bad_input;
mod contract;
mod golden;
mod signals;
mod support;
