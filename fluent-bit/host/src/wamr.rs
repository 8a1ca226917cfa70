//! The module in WAMR, the runtime Fluent Bit embeds, through the WAMR C API calls that
//! `flb_wasm.c` makes: `wasm_runtime_load`, `wasm_runtime_set_wasi_args` (the
//! `accessible_paths`), `wasm_runtime_instantiate(stack, heap)`, `wasm_runtime_create_exec_env`,
//! then per record `wasm_runtime_module_dup_data` ×2, `wasm_runtime_lookup_function`,
//! `wasm_runtime_call_wasm` with six `u32` arguments, `wasm_runtime_validate_app_str_addr`,
//! `wasm_runtime_addr_app_to_native` + `strdup`, `wasm_runtime_module_free` ×2.
//!
//! The WAMR here is the snapshot vendored in `wamr/` (see `wamr/README.md`): the fast
//! interpreter with libc-wasi, built by `build.rs`. Fluent Bit 5.1 embeds WAMR 2.4.1, which no
//! registry this project can reach ships. The snapshot's loader predates the reference-types
//! encoding of `call_indirect`'s table index (today's LLVM writes it as a padded five-byte
//! LEB128), so [`WamrHost::new`] re-encodes the module with `wasm-encoder` first: the same
//! sections, functions and instructions, every LEB128 minimal. Nothing else changes; wasmtime
//! runs the shipped bytes as they are.

use std::ffi::{CStr, CString, c_char};
use std::path::Path;
use std::sync::{Mutex, Once};

use crate::{FilterHost, Limits, Returned, judged};

#[cfg(wamr)]
mod ffi {
    use std::ffi::{c_char, c_int, c_void};

    pub type Module = *mut c_void;
    pub type Instance = *mut c_void;
    pub type ExecEnv = *mut c_void;
    pub type Function = *mut c_void;

    unsafe extern "C" {
        pub fn wasm_runtime_init() -> bool;
        pub fn wasm_runtime_load(
            buf: *const u8,
            size: u32,
            error_buf: *mut c_char,
            error_buf_size: u32,
        ) -> Module;
        pub fn wasm_runtime_unload(module: Module);
        pub fn wasm_runtime_set_wasi_args(
            module: Module,
            dir_list: *const *const c_char,
            dir_count: u32,
            map_dir_list: *const *const c_char,
            map_dir_count: u32,
            env: *const *const c_char,
            env_count: u32,
            argv: *mut *mut c_char,
            argc: c_int,
        );
        pub fn wasm_runtime_instantiate(
            module: Module,
            stack_size: u32,
            heap_size: u32,
            error_buf: *mut c_char,
            error_buf_size: u32,
        ) -> Instance;
        pub fn wasm_runtime_deinstantiate(inst: Instance);
        pub fn wasm_runtime_lookup_function(
            inst: Instance,
            name: *const c_char,
            signature: *const c_char,
        ) -> Function;
        pub fn wasm_runtime_create_exec_env(inst: Instance, stack_size: u32) -> ExecEnv;
        pub fn wasm_runtime_destroy_exec_env(env: ExecEnv);
        pub fn wasm_runtime_call_wasm(env: ExecEnv, function: Function, argc: u32, argv: *mut u32) -> bool;
        pub fn wasm_runtime_get_exception(inst: Instance) -> *const c_char;
        pub fn wasm_runtime_clear_exception(inst: Instance);
        pub fn wasm_runtime_module_dup_data(inst: Instance, src: *const c_char, size: u32) -> u32;
        pub fn wasm_runtime_module_free(inst: Instance, ptr: u32);
        pub fn wasm_runtime_validate_app_str_addr(inst: Instance, offset: u32) -> bool;
        pub fn wasm_runtime_addr_app_to_native(inst: Instance, offset: u32) -> *mut c_void;
        pub fn wasm_runtime_get_app_addr_range(
            inst: Instance,
            offset: u32,
            start: *mut u32,
            end: *mut u32,
        ) -> bool;
    }
}

/// Whether this build has WAMR (Linux on x86-64 or AArch64).
pub const fn available() -> bool {
    cfg!(wamr)
}

/// WAMR's runtime is process-wide: initialised once, never destroyed. Loading and
/// instantiating touch its global state, so they are serialised; calls on an instance are not
/// (each instance has its own exec env, used only by the thread that made it).
static INIT: Once = Once::new();
static GLOBAL: Mutex<()> = Mutex::new(());

/// The module re-encoded with every LEB128 minimal (see the module docs).
pub fn reencode(wasm: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
    let mut module = wasm_encoder::Module::new();
    RoundtripReencoder
        .parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .map_err(|e| format!("re-encode: {e}"))?;
    Ok(module.finish())
}

/// One `filter_wasm` instance in WAMR. Not `Send`: WAMR's exec env belongs to its thread.
pub struct WamrHost {
    #[cfg(wamr)]
    module: ffi::Module,
    #[cfg(wamr)]
    inst: ffi::Instance,
    #[cfg(wamr)]
    env: ffi::ExecEnv,
    function: CString,
    /// WAMR's interpreter keeps pointers into the loaded bytes and the WASI arguments: they
    /// live as long as the module.
    _bytes: Vec<u8>,
    _dirs: Vec<CString>,
    _dir_ptrs: Vec<*const c_char>,
}

impl WamrHost {
    /// Loads and instantiates `wasm` once, with `accessible` as WASI preopens (Fluent Bit's
    /// `accessible_paths`) and `limits` as `wasm_stack_size` / `wasm_heap_size`.
    pub fn new(
        wasm: &Path,
        accessible: &[&Path],
        function_name: &str,
        limits: Limits,
    ) -> Result<WamrHost, String> {
        let raw = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
        let bytes = reencode(&raw)?;
        let function = CString::new(function_name).map_err(|e| e.to_string())?;
        let dirs: Vec<CString> = accessible
            .iter()
            .map(|d| {
                d.to_str()
                    .and_then(|s| CString::new(s).ok())
                    .ok_or_else(|| format!("{}: not a C string", d.display()))
            })
            .collect::<Result<_, _>>()?;
        let dir_ptrs: Vec<*const c_char> = dirs.iter().map(|d| d.as_ptr()).collect();
        Self::instantiate(bytes, function, dirs, dir_ptrs, limits)
    }

    #[cfg(not(wamr))]
    fn instantiate(
        _bytes: Vec<u8>,
        _function: CString,
        _dirs: Vec<CString>,
        _dir_ptrs: Vec<*const c_char>,
        _limits: Limits,
    ) -> Result<WamrHost, String> {
        Err("WAMR is built only on Linux x86-64 and AArch64".into())
    }

    #[cfg(wamr)]
    fn instantiate(
        bytes: Vec<u8>,
        function: CString,
        dirs: Vec<CString>,
        dir_ptrs: Vec<*const c_char>,
        limits: Limits,
    ) -> Result<WamrHost, String> {
        let _guard = GLOBAL.lock().unwrap_or_else(|p| p.into_inner());
        let mut ok = true;
        // SAFETY: called once per process, before any other WAMR call (the `Once`).
        INIT.call_once(|| ok = unsafe { ffi::wasm_runtime_init() });
        if !ok {
            return Err("wasm_runtime_init failed".into());
        }
        let size = u32::try_from(bytes.len()).map_err(|_| "module over 4 GiB".to_owned())?;
        let mut error = [0 as c_char; 128];
        // SAFETY: `bytes` outlives the module (kept in the returned host and unloaded after it);
        // the error buffer's length is passed.
        let module = unsafe { ffi::wasm_runtime_load(bytes.as_ptr(), size, error.as_mut_ptr(), 128) };
        if module.is_null() {
            return Err(format!("wasm_runtime_load: {}", c_text(error.as_ptr())));
        }
        let dir_count = u32::try_from(dir_ptrs.len()).unwrap_or(0);
        // SAFETY: `dir_ptrs` point into `dirs`, both kept alive in the host with the module.
        unsafe {
            ffi::wasm_runtime_set_wasi_args(
                module,
                dir_ptrs.as_ptr(),
                dir_count,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null_mut(),
                0,
            );
        }
        // SAFETY: `module` was loaded above and is not shared.
        let inst = unsafe {
            ffi::wasm_runtime_instantiate(
                module,
                limits.stack_size,
                limits.heap_size,
                error.as_mut_ptr(),
                128,
            )
        };
        if inst.is_null() {
            // SAFETY: no instance refers to `module`.
            unsafe { ffi::wasm_runtime_unload(module) };
            return Err(format!("wasm_runtime_instantiate: {}", c_text(error.as_ptr())));
        }
        // SAFETY: `inst` is live.
        let env = unsafe { ffi::wasm_runtime_create_exec_env(inst, limits.stack_size) };
        if env.is_null() {
            // SAFETY: made above, destroyed once, in reverse order.
            unsafe {
                ffi::wasm_runtime_deinstantiate(inst);
                ffi::wasm_runtime_unload(module);
            }
            return Err("wasm_runtime_create_exec_env failed".into());
        }
        let host = WamrHost {
            module,
            inst,
            env,
            function,
            _bytes: bytes,
            _dirs: dirs,
            _dir_ptrs: dir_ptrs,
        };
        Ok(host)
    }

    #[cfg(wamr)]
    fn dup_data(&mut self, data: &[u8]) -> u32 {
        // Fluent Bit copies `len + 1` bytes: the record and the NUL that ends its buffer.
        let mut with_nul = Vec::with_capacity(data.len() + 1);
        with_nul.extend_from_slice(data);
        with_nul.push(0);
        let Ok(len) = u32::try_from(with_nul.len()) else {
            return 0;
        };
        // SAFETY: the instance is live; WAMR copies `len` bytes from a buffer of that length.
        unsafe { ffi::wasm_runtime_module_dup_data(self.inst, with_nul.as_ptr().cast(), len) }
    }
}

#[cfg(wamr)]
impl FilterHost for WamrHost {
    fn call_with(&mut self, tag: &[u8], time: (u32, u32), record: Option<&[u8]>) -> Returned {
        let tag_buf = self.dup_data(tag);
        let (rec_buf, rec_len) = match record {
            Some(r) => (self.dup_data(r), r.len()),
            None => (0, 0),
        };
        let mut args = [tag_buf, tag.len() as u32, time.0, time.1, rec_buf, rec_len as u32];
        // SAFETY: the instance and exec env are live and used by this thread only; `args` holds
        // six cells, the function's parameter count, and receives the one result.
        let out = unsafe {
            let func = ffi::wasm_runtime_lookup_function(self.inst, self.function.as_ptr(), std::ptr::null());
            if func.is_null() {
                Returned::Dropped("function not found".into())
            } else if !ffi::wasm_runtime_call_wasm(self.env, func, 6, args.as_mut_ptr()) {
                let why = c_text(ffi::wasm_runtime_get_exception(self.inst));
                ffi::wasm_runtime_clear_exception(self.inst);
                Returned::Dropped(format!("exception: {why}"))
            } else if !ffi::wasm_runtime_validate_app_str_addr(self.inst, args[0]) {
                ffi::wasm_runtime_clear_exception(self.inst);
                Returned::Dropped("invalid result address".into())
            } else {
                let native = ffi::wasm_runtime_addr_app_to_native(self.inst, args[0]);
                if native.is_null() {
                    Returned::Dropped("invalid result address".into())
                } else {
                    // Validated above: NUL-terminated inside linear memory.
                    Returned::Record(CStr::from_ptr(native.cast()).to_bytes().to_vec())
                }
            }
        };
        // SAFETY: both offsets came from `wasm_runtime_module_dup_data` on this instance.
        unsafe {
            if tag_buf != 0 {
                ffi::wasm_runtime_module_free(self.inst, tag_buf);
            }
            if rec_buf != 0 {
                ffi::wasm_runtime_module_free(self.inst, rec_buf);
            }
        }
        judged(out)
    }

    fn memory_bytes(&self) -> usize {
        let (mut start, mut end) = (0u32, 0u32);
        // SAFETY: the instance is live; both out-pointers are valid.
        let ok = unsafe { ffi::wasm_runtime_get_app_addr_range(self.inst, 0, &mut start, &mut end) };
        if ok { end as usize } else { 0 }
    }

    fn runtime(&self) -> &'static str {
        "WAMR"
    }
}

#[cfg(not(wamr))]
impl FilterHost for WamrHost {
    fn call_with(&mut self, _: &[u8], _: (u32, u32), _: Option<&[u8]>) -> Returned {
        Returned::Dropped("no WAMR in this build".into())
    }
    fn memory_bytes(&self) -> usize {
        0
    }
    fn runtime(&self) -> &'static str {
        "WAMR"
    }
}

#[cfg(wamr)]
impl Drop for WamrHost {
    fn drop(&mut self) {
        let _guard = GLOBAL.lock().unwrap_or_else(|p| p.into_inner());
        // SAFETY: made in `instantiate`, destroyed once, in reverse order.
        unsafe {
            ffi::wasm_runtime_destroy_exec_env(self.env);
            ffi::wasm_runtime_deinstantiate(self.inst);
            ffi::wasm_runtime_unload(self.module);
        }
    }
}

fn c_text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: WAMR's error and exception strings are NUL-terminated.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}
