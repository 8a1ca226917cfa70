//! Hosts that call the Fluent Bit module (`pumpguard-fluent-bit`, wasm32-wasip1) the way Fluent
//! Bit's `filter_wasm` does with `event_format json` (`src/wasm/flb_wasm.c`,
//! `flb_wasm_call_function_format_json`), for the tests and benches:
//!
//! 1. one instance per filter, reused for every record (state persists);
//! 2. tag and record copied into module memory with `wasm_runtime_module_dup_data(len + 1)`: the
//!    module's exported `malloc` when it has one, the bytes plus a NUL; a failed allocation
//!    passes 0 as the pointer;
//! 3. the function called with `(tag_ptr, tag_len, time_sec, time_nsec, record_ptr, record_len)`;
//! 4. the result validated as a NUL-terminated string inside linear memory and copied
//!    (`strdup`); a trap, an invalid address, an empty string or a non-object drops the record;
//! 5. both input buffers freed with `wasm_runtime_module_free`; the result is never freed.
//!
//! [`wasmtime::WasmtimeHost`] runs the module in wasmtime and mirrors those steps: fast and exact
//! for the module's own behaviour in tests, benches and fuzzing. What the real Fluent Bit (WAMR)
//! does around it is tested with the real binary (`tests/fluent_bit_real.rs`).

use std::path::{Path, PathBuf};

pub mod wasmtime;

/// What Fluent Bit does with one call's result.
#[derive(Debug, PartialEq)]
pub enum Returned {
    /// The module's JSON object, copied out.
    Record(Vec<u8>),
    /// Fluent Bit drops the record; the string says why.
    Dropped(String),
}

/// One `filter_wasm` instance, whatever runtime runs it.
pub trait FilterHost {
    /// One record through the filter; `None` passes a null record pointer (the copy failed).
    fn call_with(&mut self, tag: &[u8], time: (u32, u32), record: Option<&[u8]>) -> Returned;

    /// One record through the filter, exactly as `filter_wasm` with `event_format json` does.
    fn call(&mut self, tag: &[u8], time: (u32, u32), record: &[u8]) -> Returned {
        self.call_with(tag, time, Some(record))
    }

    /// Bytes of the module's linear memory now.
    fn memory_bytes(&self) -> usize;

    /// The runtime's name, for messages.
    fn runtime(&self) -> &'static str;
}

/// `filter_wasm`'s own checks on a copied result (`cb_wasm_filter`): an empty string or one that
/// is not a JSON object drops the record. `flb_pack_json` (jsmn) skips leading spaces, tabs and
/// line breaks before the root, and the root must be an object.
fn judged(out: Returned) -> Returned {
    let root = |r: &[u8]| {
        r.iter()
            .copied()
            .find(|c| !matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
    };
    match out {
        Returned::Record(r) if r.is_empty() => Returned::Dropped("empty string".into()),
        Returned::Record(r) if root(&r) != Some(b'{') => Returned::Dropped("not a JSON object".into()),
        other => other,
    }
}

/// The default path of the module `scripts/test.sh` builds (`$PUMPGUARD_FLUENT_BIT_WASM`
/// overrides it).
pub fn module_path() -> PathBuf {
    std::env::var_os("PUMPGUARD_FLUENT_BIT_WASM")
        .map(Into::into)
        .unwrap_or_else(|| {
            let host = Path::new(env!("CARGO_MANIFEST_DIR"));
            let root = host.parent().and_then(Path::parent).unwrap_or(host);
            root.join("target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm")
        })
}

/// A size as Fluent Bit's `flb_utils_size_to_bytes` reads it: a number with an optional
/// `K`/`M`/`G` prefix (optionally followed by `B`), decimal: `1M` is 1,000,000 bytes (Fluent
/// Bit's own unit test `tests/internal/utils.c` says so).
pub fn parse_size(text: &str) -> Option<u32> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t);
    let (digits, scale) = match t.chars().last()? {
        'K' => (&t[..t.len() - 1], 1_000),
        'M' => (&t[..t.len() - 1], 1_000_000),
        'G' => (&t[..t.len() - 1], 1_000_000_000),
        _ => (t, 1),
    };
    let n: u64 = digits.trim().parse().ok()?;
    u32::try_from(n.checked_mul(scale)?).ok()
}
