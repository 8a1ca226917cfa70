//! The host boundary: Fluent Bit's calling convention. All unsafe code of the module is here.
#![allow(unsafe_code)]

use std::cell::RefCell;
use std::path::PathBuf;

use crate::filter::{Answer, Filter};

thread_local! {
    /// One filter per module instance; Fluent Bit calls a `[FILTER]` from one thread.
    static FILTER: RefCell<Option<Filter>> = const { RefCell::new(None) };
}

/// Bytes of linear memory, to refuse a pointer and length that reach past it.
#[cfg(target_family = "wasm")]
fn memory_bytes() -> usize {
    core::arch::wasm32::memory_size(0) * 65536
}

#[cfg(not(target_family = "wasm"))]
fn memory_bytes() -> usize {
    usize::MAX
}

/// The host's bytes, or `None` for a null pointer (WAMR passes 0 when its copy failed) or a range
/// outside linear memory.
fn host_bytes<'a>(ptr: *const u8, len: u32) -> Option<&'a [u8]> {
    let len = len as usize;
    let start = ptr as usize;
    if ptr.is_null() || start.checked_add(len).is_none_or(|end| end > memory_bytes()) {
        return None;
    }
    // SAFETY: non-null, and `start..start + len` lies inside linear memory (checked above), which
    // the host filled before the call and does not touch until the call returns.
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The directories Fluent Bit preopened from `accessible_paths`.
#[cfg(target_os = "wasi")]
fn preopened_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    // Preopens are numbered from 3 up, without gaps; the first missing one ends the list.
    for fd in 3..1024u32 {
        // SAFETY: plain WASI calls; the name buffer is as long as the length passed.
        let Ok(stat) = (unsafe { wasi::fd_prestat_get(fd) }) else {
            break;
        };
        if stat.tag != wasi::PREOPENTYPE_DIR.raw() {
            continue;
        }
        // SAFETY: `tag` is DIR, so `dir` is the active union field.
        let len = unsafe { stat.u.dir.pr_name_len };
        let mut name = vec![0u8; len];
        if unsafe { wasi::fd_prestat_dir_name(fd, name.as_mut_ptr(), len) }.is_ok() {
            let name = String::from_utf8_lossy(&name).trim_end_matches('\0').to_owned();
            dirs.push(PathBuf::from(name));
        }
    }
    dirs
}

#[cfg(not(target_os = "wasi"))]
fn preopened_dirs() -> Vec<PathBuf> {
    Vec::new()
}

/// The WASI reactor entry point, which WAMR calls once after instantiation. Without it WAMR's
/// interpreter prints "warning: a module with WASI apis should be either a command or a
/// reactor" on Fluent Bit's stdout, in the middle of the records an output writes there. It runs
/// the static constructors, as wasi-libc's `crt1-reactor.o` does.
#[cfg(target_os = "wasi")]
#[unsafe(no_mangle)]
pub extern "C" fn _initialize() {
    unsafe extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: the linker-made constructor list; WAMR calls `_initialize` once, before any other
    // export.
    unsafe { __wasm_call_ctors() }
}

/// Fluent Bit's `filter_wasm` entry point (`function_name pumpguard_filter`).
///
/// # Safety
/// Called by the host with pointers into this module's memory, as `filter_wasm` does.
#[unsafe(no_mangle)]
pub extern "C" fn pumpguard_filter(
    _tag_ptr: *const u8,
    _tag_len: u32,
    time_sec: u32,
    time_nsec: u32,
    record_ptr: *const u8,
    record_len: u32,
) -> *const u8 {
    if cfg!(feature = "bench-noop") {
        // The benchmark's baseline: Fluent Bit's own cost of a wasm filter (JSON encoding, the
        // copies, the call, parsing the answer back), with nothing done here. The host copied the
        // record with a NUL after it, and copies the answer before it frees its copy.
        return record_ptr;
    }
    let record = host_bytes(record_ptr, record_len);
    // `filter_wasm` copies the record with a NUL after it (JSON mode); checked, not assumed.
    let terminated = record_len
        .checked_add(1)
        .and_then(|len| host_bytes(record_ptr, len))
        .is_some_and(|b| b.last() == Some(&0));
    FILTER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let filter = slot.get_or_insert_with(|| {
            std::panic::set_hook(Box::new(|info| eprintln!("pumpguard: {info}")));
            Filter::new(&preopened_dirs())
        });
        match filter.process(record, terminated, (time_sec, time_nsec)) {
            Answer::Record => record_ptr,
            Answer::Buffer(out) => out.as_ptr(),
        }
    })
}
