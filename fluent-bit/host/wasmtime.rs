//! A `filter_wasm` host on wasmtime, following Fluent Bit's calling convention step by step
//! (`src/wasm/flb_wasm.c`, `flb_wasm_call_function_format_json`), for the tests and benches:
//!
//! 1. one instance per filter, reused for every record (state persists);
//! 2. tag and record copied into module memory with `wasm_runtime_module_dup_data(len + 1)`:
//!    the module's exported `malloc` when it has one, the bytes plus a NUL; a failed allocation
//!    passes 0 as the pointer, as WAMR does;
//! 3. the function called with `(tag_ptr, tag_len, time_sec, time_nsec, record_ptr, record_len)`;
//! 4. the result validated as a NUL-terminated string inside linear memory and copied
//!    (`strdup`); a trap, an invalid address, an empty string or a non-object drops the record;
//! 5. both input buffers freed with the module's `free`; module-owned result memory never freed.
//!
//! Included with `#[path]` by `tests/fluent_bit.rs` and `benches/fluent_bit.rs`.

use std::path::Path;

use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

/// The default path of the module `scripts/test.sh` builds.
pub fn module_path() -> std::path::PathBuf {
    std::env::var_os("PUMPGUARD_FLUENT_BIT_WASM")
        .map(Into::into)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm")
        })
}

/// What Fluent Bit does with one call's result.
#[derive(Debug, PartialEq)]
pub enum Returned {
    /// The module's JSON object, copied out.
    Record(Vec<u8>),
    /// Fluent Bit drops the record; the string says why.
    Dropped(String),
}

pub struct FlbHost {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    malloc: Option<TypedFunc<i32, i32>>,
    free: Option<TypedFunc<i32, ()>>,
    filter: TypedFunc<(i32, i32, i32, i32, i32, i32), i32>,
}

impl FlbHost {
    /// Instantiates `wasm` once, with `accessible` preopened read-write under its own path, as
    /// Fluent Bit's `accessible_paths` does.
    pub fn new(wasm: &Path, accessible: &[&Path], function_name: &str) -> wasmtime::Result<FlbHost> {
        let engine = Engine::default();
        let module = Module::from_file(&engine, wasm)?;
        let mut linker: Linker<WasiP1Ctx> = Linker::new(&engine);
        wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |c| c)?;
        let mut wasi = WasiCtxBuilder::new();
        wasi.inherit_stderr();
        for dir in accessible {
            let guest = dir
                .to_str()
                .ok_or_else(|| wasmtime::format_err!("non-UTF-8 path"))?;
            wasi.preopened_dir(dir, guest, FsPerms::ReadWrite)?;
        }
        let mut store = Store::new(&engine, wasi.build_p1());
        let instance: Instance = linker.instantiate(&mut store, &module)?;
        // WAMR runs a WASI reactor's `_initialize` at instantiation.
        if let Ok(init) = instance.get_typed_func::<(), ()>(&mut store, "_initialize") {
            init.call(&mut store, ())?;
        }
        let memory = instance
            .get_memory(&mut store, "memory")
            .ok_or_else(|| wasmtime::format_err!("no memory export"))?;
        Ok(FlbHost {
            malloc: instance.get_typed_func(&mut store, "malloc").ok(),
            free: instance.get_typed_func(&mut store, "free").ok(),
            filter: instance.get_typed_func(&mut store, function_name)?,
            memory,
            store,
        })
    }

    /// `wasm_runtime_module_dup_data(data, data.len() + 1)`, NUL added; 0 when it fails.
    fn dup_data(&mut self, data: &[u8]) -> i32 {
        let Some(malloc) = self.malloc.clone() else {
            return 0; // no app heap modelled: a module without `malloc` gets a null pointer
        };
        let Ok(len) = i32::try_from(data.len() + 1) else {
            return 0;
        };
        let ptr = malloc.call(&mut self.store, len).unwrap_or(0);
        if ptr == 0 {
            return 0;
        }
        let mem = self.memory.data_mut(&mut self.store);
        let at = ptr as u32 as usize;
        if at + data.len() + 1 > mem.len() {
            return 0;
        }
        mem[at..at + data.len()].copy_from_slice(data);
        mem[at + data.len()] = 0;
        ptr
    }

    fn module_free(&mut self, ptr: i32) {
        if ptr != 0 {
            if let Some(free) = self.free.clone() {
                let _ = free.call(&mut self.store, ptr);
            }
        }
    }

    /// One record through the filter, exactly as `filter_wasm` with `event_format json` does.
    pub fn call(&mut self, tag: &[u8], time: (u32, u32), record: &[u8]) -> Returned {
        self.call_with(tag, time, Some(record))
    }

    /// As `call`; `None` passes a null record pointer (WAMR's copy failed).
    pub fn call_with(&mut self, tag: &[u8], time: (u32, u32), record: Option<&[u8]>) -> Returned {
        let tag_buf = self.dup_data(tag);
        let (rec_buf, rec_len) = match record {
            Some(r) => (self.dup_data(r), r.len()),
            None => (0, 0),
        };
        let args = (
            tag_buf,
            tag.len() as i32,
            time.0 as i32,
            time.1 as i32,
            rec_buf,
            rec_len as i32,
        );
        let result = self.filter.call(&mut self.store, args);
        let out = match result {
            Err(trap) => Returned::Dropped(format!("trap: {trap}")),
            Ok(ptr) => self.read_c_string(ptr),
        };
        self.module_free(tag_buf);
        self.module_free(rec_buf);
        match out {
            Returned::Record(r) if r.is_empty() => Returned::Dropped("empty string".into()),
            Returned::Record(r) if r.first() != Some(&b'{') => Returned::Dropped("not a JSON object".into()),
            other => other,
        }
    }

    /// `wasm_runtime_validate_app_str_addr` + `strdup`.
    fn read_c_string(&self, ptr: i32) -> Returned {
        let mem = self.memory.data(&self.store);
        let at = ptr as u32 as usize;
        if ptr == 0 || at >= mem.len() {
            return Returned::Dropped("invalid result address".into());
        }
        match mem[at..].iter().position(|&b| b == 0) {
            Some(n) => Returned::Record(mem[at..at + n].to_vec()),
            None => Returned::Dropped("result not NUL-terminated inside memory".into()),
        }
    }

    /// Bytes of the module's linear memory now.
    pub fn memory_bytes(&self) -> usize {
        self.memory.data_size(&self.store)
    }
}
