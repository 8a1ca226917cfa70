//! Exports wasi-libc's own `malloc` and `free` from the module: Fluent Bit's WAMR then copies tag
//! and record with them instead of its 8 KiB app heap, so records of any size arrive (see
//! DESIGN §6). They are the allocator Rust's std already uses on wasm32-wasip1.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("wasm32-wasi") {
        println!("cargo:rustc-link-arg-cdylib=--export=malloc");
        println!("cargo:rustc-link-arg-cdylib=--export=free");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
