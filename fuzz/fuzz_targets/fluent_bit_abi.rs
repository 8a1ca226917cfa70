//! The Fluent Bit module's export, `pumpguard_filter`, called with the six arguments
//! `filter_wasm` passes (tag, time, record), natively. One filter instance lives for the whole
//! run, as in Fluent Bit, so state carries across inputs. Pointers are checked in the wasm
//! build against linear memory; here the same code runs over host memory.
#![no_main]

#[path = "common.rs"]
mod common;

use std::ffi::CStr;

use libfuzzer_sys::fuzz_target;
use pumpguard_fluent_bit::abi::pumpguard_filter;

fuzz_target!(|data: &[u8]| {
    // Input: 8 bytes of event time (seconds, nanoseconds), a tag up to the first NUL, then
    // records, one per line.
    let (time, rest) = data.split_at(data.len().min(8));
    let mut t = [0u8; 8];
    t[..time.len()].copy_from_slice(time);
    let sec = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
    let nsec = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
    let (tag, records) = match rest.iter().position(|b| *b == 0) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&b"app.sms"[..], rest),
    };
    for record in common::lines(records) {
        // As `filter_wasm` copies it: the bytes and a NUL after them, which the export checks.
        let copy = [record, &[0][..]].concat();
        let out = pumpguard_filter(
            tag.as_ptr(),
            tag.len() as u32,
            sec,
            nsec,
            copy.as_ptr(),
            record.len() as u32,
        );
        assert!(!out.is_null(), "NULL drops the record in Fluent Bit");
        // SAFETY: the module returns a NUL-terminated buffer it owns until the next call.
        let out = unsafe { CStr::from_ptr(out.cast()) }.to_bytes();
        // Untagged (not SMS, or evidence): the record itself. Tagged: the verdict spliced in or
        // wrapped, then the route member the shipped configs route on.
        let (body, tagged) = if out == common::trim_end(record) {
            (out.to_vec(), false)
        } else {
            let route = ["alerts", "review", "rejected", "archive"]
                .iter()
                .map(|r| format!(",\"pumpguard_route\":\"{r}\"}}"))
                .find(|suffix| out.ends_with(suffix.as_bytes()))
                .expect("a tagged record ends with its route");
            ([&out[..out.len() - route.len()], &b"}"[..]].concat(), true)
        };
        common::check_output(record, &body, tagged, "pumpguard");
    }
    // A null record pointer (WAMR's failed copy) is answered, not trapped on.
    let out = pumpguard_filter(tag.as_ptr(), tag.len() as u32, sec, nsec, std::ptr::null(), 0);
    assert!(!out.is_null());
});
