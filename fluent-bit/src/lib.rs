//! pumpguard as a Fluent Bit `filter_wasm` module (`event_format json`), for wasm32-wasip1.
//!
//! Fluent Bit calls the exported `pumpguard_filter` once per record with six 32-bit arguments
//! `(tag_ptr, tag_len, time_sec, time_nsec, record_ptr, record_len)` and copies the
//! NUL-terminated JSON object whose address it returns. The module owns that buffer and reuses it
//! on the next call. It never returns NULL and never traps: a record it cannot score comes back
//! unchanged with a tag saying why. The module also exports wasi-libc's `malloc` and `free`, so
//! WAMR copies records with them rather than its 8 KiB app heap.
//!
//! `abi` is the only unsafe code (pointers from the host); `filter` is the safe logic.

pub mod abi;
pub mod filter;

pub use filter::{Answer, Filter, SETTINGS_FILE, Settings};
