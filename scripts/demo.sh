#!/usr/bin/env bash
# The main job: builds the pumpguard WebAssembly component (wasm32-wasip2) and the CLI, then
# scores the bundled sample through the component (hosted by wasmtime in the CLI). Scored
# records go to scored.ndjson (or $1); the incidents are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-scored.ndjson}
if command -v rustup >/dev/null 2>&1; then
  rustup target add wasm32-wasip2 >/dev/null 2>&1
fi
cargo build --locked --quiet -p pumpguard-component --release --target wasm32-wasip2
cargo build --locked --quiet --release
./target/release/pumpguard version | sed -n '/^scorer/p'
./target/release/pumpguard scan samples/demo.ndjson > "$out"
echo "(scored records: $out)"
