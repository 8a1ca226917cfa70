#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, all tests, the core built for every wasm
# target, and a benchmark smoke run (it checks the state cap; it asserts no timing).
# Installs what it needs itself (rustup targets and components).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if command -v rustup >/dev/null 2>&1; then
  step "rustup targets and components"
  rustup target add wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2 >/dev/null
  rustup component add clippy rustfmt >/dev/null 2>&1 || true
fi

step "cargo fmt --check"
cargo fmt --check

step "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --all-targets -- -D warnings

step "the core builds unchanged for every wasm target"
for target in wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2; do
  cargo build --locked --quiet --lib --release --target "$target"
  echo "ok: $target"
done

step "cargo test"
cargo test --locked

step "benchmark smoke run (state stays under its cap)"
cargo bench --locked --bench throughput -- --quick
