//! The Fluent Bit module through `filter_wasm`'s calling convention (a bench binary; numbers go
//! to BENCHMARKS.md).
//!
//!     cargo build --release -p pumpguard-fluent-bit --target wasm32-wasip1
//!     cargo bench --bench fluent_bit
//!
//! Records/s of the sample (×17, 99,467 records) through the module on wasmtime, with every
//! per-record step Fluent Bit takes (two `malloc` + copies, the call, the NUL-terminated result
//! copied out, two `free`), against the native core on the same records in the same run.

#[path = "../fluent-bit/host/wasmtime.rs"]
#[allow(dead_code)]
mod flb;

use std::time::Instant;

use flb::{module_path, FlbHost, Returned};
use pumpguard::{Config, Engine};

fn best(runs: usize, mut f: impl FnMut() -> f64) -> f64 {
    (0..runs).map(|_| f()).fold(f64::INFINITY, f64::min)
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
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
    let wasm = best(3, || {
        let mut h = FlbHost::new(&module_path(), &[], "pumpguard_filter").expect("instantiate");
        let t = Instant::now();
        for l in &lines {
            assert!(matches!(
                h.call(b"saas.file", time, l.as_bytes()),
                Returned::Record(_)
            ));
        }
        t.elapsed().as_secs_f64()
    });
    println!(
        "{} records (samples/demo.ndjson ×17), best of 3, instantiation excluded\n",
        lines.len()
    );
    println!("| path | records/s | ratio to native |\n|---|---:|---:|");
    println!("| native core (baseline) | {:.0} | 1.00 |", n / native);
    println!(
        "| module through the filter_wasm ABI, wasmtime | {:.0} | {:.2} |",
        n / wasm,
        native / wasm
    );
}
