//! Parity: the same fixtures through the WebAssembly component (hosted by wasmtime in the CLI)
//! and through the core linked natively give byte-identical output. Needs the component built
//! (`cargo build -p pumpguard-component --release --target wasm32-wasip2`; `scripts/test.sh`
//! does it first).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    crate::support::root().to_path_buf()
}

fn scan(file: &PathBuf, native: bool) -> (Vec<u8>, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pumpguard"));
    cmd.arg("scan").arg(file);
    if native {
        cmd.arg("--native");
    }
    let out = cmd.output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "scan failed (native = {native}): {err}");
    (out.stdout, err)
}

#[test]
fn component_and_native_core_give_identical_output() {
    let component = std::env::var_os("PUMPGUARD_COMPONENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/wasm32-wasip2/release/pumpguard_component.wasm"));
    assert!(
        component.exists(),
        "component not built: cargo build -p pumpguard-component --release --target wasm32-wasip2"
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.to_string_lossy().ends_with(".ndjson") && !p.to_string_lossy().ends_with(".expected.ndjson")
        })
        .collect();
    files.sort();
    files.push(root().join("samples/demo.ndjson"));
    assert!(files.len() >= 10);
    // One stream of every fixture and the demo: two component loads, and state carried across
    // profiles exercised too.
    let all = std::env::temp_dir().join(format!("pumpguard-parity-{}.ndjson", std::process::id()));
    let mut text = Vec::new();
    for f in &files {
        text.extend_from_slice(&std::fs::read(f).expect("read"));
    }
    std::fs::write(&all, &text).expect("write");
    let (a, ra) = scan(&all, false);
    let (b, rb) = scan(&all, true);
    assert_eq!(
        a.iter().filter(|c| **c == b'\n').count(),
        text.iter().filter(|c| **c == b'\n').count()
    );
    assert!(a == b, "component and native output differ");
    assert_eq!(ra, rb, "incident reports differ");
    let _ = std::fs::remove_file(&all);
}

#[test]
fn version_names_the_component() {
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .arg("version")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("pumpguard_component.wasm"), "{text}");
    assert!(text.contains("scorer pumpguard/"), "{text}");
}

#[test]
fn a_missing_component_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_pumpguard"))
        .args(["scan", "-"])
        .env("PUMPGUARD_COMPONENT", "/nonexistent/pumpguard.wasm")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--native") && err.contains("wasm32-wasip2"), "{err}");
}
