//! Compiles the vendored WAMR (`wamr/`) as Fluent Bit configures it for `filter_wasm`: the fast
//! interpreter, libc-wasi (for `accessible_paths`) and libc-builtin, plus bulk memory, which
//! today's `wasm32-wasip1` code uses. Optimised even in dev builds: the interpreter is what the
//! tests and benches measure, not our code.

use std::path::{Path, PathBuf};

const SOURCES: &[&str] = &[
    "iwasm/common/wasm_c_api.c",
    "iwasm/common/wasm_exec_env.c",
    "iwasm/common/wasm_memory.c",
    "iwasm/common/wasm_native.c",
    "iwasm/common/wasm_runtime_common.c",
    "iwasm/common/wasm_shared_memory.c",
    "iwasm/interpreter/wasm_interp_fast.c",
    "iwasm/interpreter/wasm_loader.c",
    "iwasm/interpreter/wasm_runtime.c",
    "iwasm/libraries/libc-builtin/libc_builtin_wrapper.c",
    "iwasm/libraries/libc-wasi/libc_wasi_wrapper.c",
    "iwasm/libraries/libc-wasi/sandboxed-system-primitives/src/posix.c",
    "iwasm/libraries/libc-wasi/sandboxed-system-primitives/src/random.c",
    "iwasm/libraries/libc-wasi/sandboxed-system-primitives/src/str.c",
    "shared/mem-alloc/ems/ems_alloc.c",
    "shared/mem-alloc/ems/ems_hmu.c",
    "shared/mem-alloc/ems/ems_kfc.c",
    "shared/mem-alloc/mem_alloc.c",
    "shared/platform/common/posix/posix_malloc.c",
    "shared/platform/common/posix/posix_memmap.c",
    "shared/platform/common/posix/posix_thread.c",
    "shared/platform/common/posix/posix_time.c",
    "shared/platform/linux/platform_init.c",
    "shared/utils/bh_assert.c",
    "shared/utils/bh_common.c",
    "shared/utils/bh_hashmap.c",
    "shared/utils/bh_list.c",
    "shared/utils/bh_log.c",
    "shared/utils/bh_queue.c",
    "shared/utils/bh_vector.c",
    "shared/utils/runtime_timer.c",
];

const INCLUDES: &[&str] = &[
    "iwasm/interpreter",
    "iwasm/libraries/libc-builtin",
    "iwasm/libraries/libc-wasi/sandboxed-system-primitives/include",
    "iwasm/libraries/libc-wasi/sandboxed-system-primitives/src",
    "iwasm/include",
    "shared/platform/linux",
    "shared/platform/include",
    "shared/mem-alloc",
    "iwasm/common",
    "shared/utils",
];

fn main() {
    let core = Path::new("wamr/core");
    println!("cargo::rustc-check-cfg=cfg(wamr)");
    println!("cargo:rerun-if-changed=wamr");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let (target, invoke) = match arch.as_str() {
        "x86_64" => ("BUILD_TARGET_X86_64", "invokeNative_em64.s"),
        "aarch64" => ("BUILD_TARGET_AARCH64", "invokeNative_aarch64.s"),
        // The vendored platform layer is Linux on x86-64 or AArch64 only; elsewhere the crate
        // builds without WAMR and `wamr::available()` says so.
        _ => return,
    };
    if os != "linux" {
        return;
    }
    let mut build = cc::Build::new();
    build
        .opt_level(2)
        .debug(false)
        .warnings(false)
        .cargo_warnings(false)
        .flag_if_supported("-std=gnu99")
        .flag_if_supported("-Wno-unused-parameter")
        .flag_if_supported("-ffunction-sections")
        .flag_if_supported("-fdata-sections");
    for (k, v) in [
        ("BH_FREE", "wasm_runtime_free"),
        ("BH_MALLOC", "wasm_runtime_malloc"),
        ("BH_PLATFORM_LINUX", "1"),
        (target, "1"),
        ("WASM_ENABLE_INTERP", "1"),
        ("WASM_ENABLE_FAST_INTERP", "1"),
        ("WASM_ENABLE_BULK_MEMORY", "1"),
        ("WASM_ENABLE_LIBC_BUILTIN", "1"),
        ("WASM_ENABLE_LIBC_WASI", "1"),
        ("WASM_ENABLE_MINI_LOADER", "0"),
        ("WASM_ENABLE_MULTI_MODULE", "0"),
        ("WASM_ENABLE_SHARED_MEMORY", "0"),
        ("NDEBUG", "1"),
    ] {
        build.define(k, Some(v));
    }
    for dir in INCLUDES {
        build.include(core.join(dir));
    }
    let files: Vec<PathBuf> = SOURCES.iter().map(|s| core.join(s)).collect();
    build.files(&files);
    build.file(core.join("iwasm/common/arch").join(invoke));
    build.compile("pumpguard_wamr");
    println!("cargo:rustc-cfg=wamr");
    println!("cargo:rustc-link-lib=m");
    println!("cargo:rustc-link-lib=pthread");
}
