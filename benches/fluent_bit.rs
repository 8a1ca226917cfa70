//! The Fluent Bit module through `filter_wasm`'s calling convention (a bench binary; numbers go
//! to BENCHMARKS.md).
//!
//!     cargo build --release -p pumpguard-fluent-bit --target wasm32-wasip1
//!     cargo bench --bench fluent_bit
//!
//! Records/s of the sample (×17, 99,467 records) through the module with every per-record step
//! Fluent Bit takes (two `malloc` + copies, the call, the NUL-terminated result copied out, two
//! `free`) in wasmtime, against the native core on the same records in the same run. The real
//! Fluent Bit, interpreted and AOT, with and without the filter: `scripts/bench-fluent-bit.sh`.

use std::time::Instant;

use pumpguard::{Config, Engine};
use pumpguard_flb_host::wasmtime::WasmtimeHost;
use pumpguard_flb_host::{module_path, FilterHost, Returned};

fn best(runs: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn main() {
    // This bench is the `cli/` crate's (`cli/Cargo.toml`).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("cli/ is in the repository");
    let demo = std::fs::read_to_string(root.join("samples/demo.ndjson")).expect("demo");
    let lines: Vec<&str> = std::iter::repeat_n(demo.lines().filter(|l| !l.is_empty()), 17)
        .flatten()
        .collect();
    let n = lines.len() as f64;
    let time = (1_767_787_200, 0);
    let native = best(3, || {
        let mut e = Engine::new(Config::default()).expect("engine");
        let mut out = Vec::new();
        let t = Instant::now();
        for l in &lines {
            out.clear();
            e.process(l.as_bytes(), Some(1_767_787_200_000), &mut out);
        }
        t.elapsed().as_secs_f64()
    });
    let through = |make: &dyn Fn() -> Box<dyn FilterHost>| {
        best(3, || {
            let mut h = make();
            let t = Instant::now();
            for l in &lines {
                assert!(matches!(
                    h.call(b"saas.file", time, l.as_bytes()),
                    Returned::Record(_)
                ));
            }
            t.elapsed().as_secs_f64()
        })
    };
    let wasmtime =
        through(&|| Box::new(WasmtimeHost::new(&module_path(), &[], "pumpguard_filter").expect("wasmtime")));
    println!(
        "{} records (samples/demo.ndjson ×17), best of 3, instantiation excluded\n",
        lines.len()
    );
    println!("| path | records/s | ratio to native |\n|---|---:|---:|");
    println!("| native core (baseline) | {:.0} | 1.00 |", n / native);
    println!(
        "| module through the filter_wasm ABI, wasmtime | {:.0} | {:.2} |",
        n / wasmtime,
        native / wasmtime
    );
}
