//! Hostile records (`support::hostile_records`: invalid UTF-8, 1 MiB and 16 MiB, nesting
//! 100,000 deep, numbers as strings and strings as numbers, duplicate keys, huge integers,
//! NaN / Infinity, control characters in numbers, 10,000 forged reasons and tags …) through every
//! host that runs the scorer in-process: the native core, the Fluent Bit module in WAMR and in
//! wasmtime, and the CLI with the component. The sidecar and the Envoy filter get the same
//! records in their own tests. Every record comes out once, tagged (or unchanged when it is not
//! SMS), in the output contract the fuzzers check (`fuzz/fuzz_targets/common.rs`), and running
//! the whole set again grows nothing.

use std::io::Write;
use std::process::{Command, Stdio};

use pumpguard::{Config, Engine};
use pumpguard_flb_host::wasmtime::WasmtimeHost;
use pumpguard_flb_host::{module_path, FilterHost, Returned};

use crate::output_check::trim_end;
use crate::support::{check_hostile as check, hostile_records};

/// The Fluent Bit module's output without its route member.
fn without_route(out: &[u8], record: &[u8]) -> Vec<u8> {
    if out == trim_end(record) {
        return out.to_vec();
    }
    let suffix = ["alerts", "review", "rejected", "archive"]
        .iter()
        .map(|r| format!(r#","pumpguard_route":"{r}"}}"#))
        .find(|s| out.ends_with(s.as_bytes()))
        .expect("a tagged record ends with its route");
    [&out[..out.len() - suffix.len()], b"}"].concat()
}

#[test]
fn the_native_core_tags_every_hostile_record_and_keeps_its_bytes() {
    let mut e = Engine::new(Config::default()).expect("engine");
    let mut out = Vec::new();
    for _ in 0..2 {
        for (name, record) in hostile_records() {
            out.clear();
            e.process(&record, None, &mut out);
            check(name, &record, &out);
        }
    }
    assert!(e.state_bytes() <= e.config().limits.max_state_bytes);
}

fn through_the_module(host: &mut dyn FilterHost) -> (usize, usize) {
    let mut memory = Vec::new();
    for _ in 0..2 {
        for (name, record) in hostile_records() {
            let out = match host.call(b"saas.logs", (1_767_787_200, 0), &record) {
                Returned::Record(out) => out,
                Returned::Dropped(why) => panic!("{name}: Fluent Bit would drop it: {why}"),
            };
            check(name, &record, &without_route(&out, &record));
        }
        memory.push(host.memory_bytes());
    }
    (memory[0], memory[1])
}

#[test]
fn the_fluent_bit_module_tags_every_hostile_record_and_stops_growing() {
    let wasm = module_path();
    assert!(wasm.exists(), "{} is missing", wasm.display());
    let mut host = WasmtimeHost::new(&wasm, &[], "pumpguard_filter").expect("wasmtime");
    let (first, second) = through_the_module(&mut host);
    eprintln!("linear memory {first} bytes after one pass, {second} after two");
    assert!(
        second <= first + (1 << 20),
        "a second pass grew linear memory {first} → {second}"
    );
}

#[test]
fn the_cli_with_the_component_keeps_every_hostile_line() {
    let records = hostile_records();
    let mut input = Vec::new();
    for (_, r) in &records {
        input.extend_from_slice(r);
        input.push(b'\n');
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["scan", "-", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().expect("output");
    writer.join().expect("writer").expect("write");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&[u8]> = out
        .stdout
        .strip_suffix(b"\n")
        .unwrap_or(&out.stdout)
        .split(|b| *b == b'\n')
        .collect();
    assert_eq!(lines.len(), records.len(), "one output line per input line");
    for ((name, record), line) in records.iter().zip(lines) {
        check(name, record, line);
    }
}
