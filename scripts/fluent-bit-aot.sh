#!/usr/bin/env bash
# Compiles the Fluent Bit filter module ahead of time with flb-wamrc, the WAMR compiler that
# Fluent Bit builds with -DFLB_WAMRC=On (it must match the WAMR inside your fluent-bit):
#   target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm -> …/pumpguard_fluent_bit.aot
# Point `wasm_path` of the shipped configuration at the .aot to run it compiled.
#   FLB_WAMRC=/path/to/flb-wamrc scripts/fluent-bit-aot.sh
# Default compiler: ../shared/hosts/fluent-bit-5.1.1/bin/flb-wamrc (the test hosts).
set -euo pipefail
cd "$(dirname "$0")/.."
wamrc=${FLB_WAMRC:-../shared/hosts/fluent-bit-5.1.1/bin/flb-wamrc}
wasm=target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm
aot=target/wasm32-wasip1/release/pumpguard_fluent_bit.aot
if [ ! -x "$wamrc" ]; then
  echo "flb-wamrc not found at $wamrc: set FLB_WAMRC (build Fluent Bit with -DFLB_WAMRC=On)" >&2
  exit 2
fi
if ldd "$wamrc" | grep -q 'not found'; then
  # The Debian packages ../shared/hosts/README.md lists for it.
  apt-get update >/dev/null && apt-get install -y libllvm15 libedit2 libz3-4 libxml2 >/dev/null
fi
if [ ! -f "$wasm" ]; then
  rustup target add wasm32-wasip1 >/dev/null 2>&1 || true
  cargo build --locked --quiet -p pumpguard-fluent-bit --release --target wasm32-wasip1
fi
if [ ! -f "$aot" ] || [ "$wasm" -nt "$aot" ]; then
  "$wamrc" -o "$aot.tmp" "$wasm" >/dev/null
  mv "$aot.tmp" "$aot"
fi
ls -l "$aot"
