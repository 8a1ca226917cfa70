//! pumpguard as an Envoy proxy-wasm HTTP filter (`wasm32-wasip1`, Envoy's v8 runtime).
//!
//! For each request on a configured SMS-triggering route (sign-up OTP, login MFA, password
//! reset …) the filter builds a record from what Envoy knows at the header stage (the number
//! and fields `json_to_metadata` lifted from the body into dynamic metadata, the client address,
//! user agent, request id and route) and scores it with the pumpguard engine:
//!
//! - `monitor`: the upstream gets `x-pumpguard-score`, `-level`, `-action`, `-reasons`
//!   (`-incident`, `-alert` when they apply); medium and higher verdicts are logged;
//! - `enforce`: as monitor, and a `block` verdict is answered `429` with `Retry-After` and a
//!   JSON body, a `throttle` verdict lets one request per number block through per interval.
//!
//! A `2xx` answer on a verify route is a conversion for its number, so the low-conversion
//! signal works inline. Workers share their events through shared data ([`ring`]), so every
//! worker's engine sees all traffic. Metrics: `wasmcustom.pumpguard.*`.
//!
//! The decisions live in [`policy`] and [`config`], pure and tested natively; `filter` is the
//! proxy-wasm glue, built for wasm only.

pub mod config;
pub mod policy;
pub mod ring;

#[cfg(target_family = "wasm")]
mod filter;
