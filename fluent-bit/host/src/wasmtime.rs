//! The module in wasmtime, with the steps of `flb_wasm.c` (see the crate docs) done by hand:
//! wasmtime has no `module_dup_data`, so the host calls the module's `malloc`/`free` itself, as
//! WAMR does when a module exports them.

use std::path::Path;

use crate::{FilterHost, Returned, judged};

use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::p1::WasiP1Ctx;
use wasmtime_wasi::{FsPerms, WasiCtxBuilder};

pub struct WasmtimeHost {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    malloc: Option<TypedFunc<i32, i32>>,
    free: Option<TypedFunc<i32, ()>>,
    filter: TypedFunc<(i32, i32, i32, i32, i32, i32), i32>,
}

impl WasmtimeHost {
    /// Instantiates `wasm` once, with `accessible` preopened read-write under its own path, as
    /// Fluent Bit's `accessible_paths` does.
    pub fn new(wasm: &Path, accessible: &[&Path], function_name: &str) -> wasmtime::Result<WasmtimeHost> {
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
        Ok(WasmtimeHost {
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
}

impl FilterHost for WasmtimeHost {
    fn call_with(&mut self, tag: &[u8], time: (u32, u32), record: Option<&[u8]>) -> Returned {
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
        judged(out)
    }

    fn memory_bytes(&self) -> usize {
        self.memory.data_size(&self.store)
    }

    fn runtime(&self) -> &'static str {
        "wasmtime"
    }
}
