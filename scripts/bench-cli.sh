#!/usr/bin/env bash
# Component vs native core through the CLI, in the same run: the bundled sample repeated 40
# times (234,040 lines), best of 3 per mode, plus start-up on empty input. Release builds.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet -p pumpguard-component --release --target wasm32-wasip2
cargo build --locked --quiet --release
input=$(mktemp)
trap 'rm -f "$input"' EXIT
for _ in $(seq 1 40); do cat samples/demo.ndjson; done > "$input"
lines=$(wc -l < "$input")
best() { # best wall time in seconds of 3 runs of: pumpguard scan <args>
  local b=999
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s.%N); ./target/release/pumpguard scan -q "$@" > /dev/null; e=$(date +%s.%N)
    t=$(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')
    b=$(awk -v t="$t" -v b="$b" 'BEGIN { print (t < b) ? t : b }')
  done
  echo "$b"
}
comp=$(best "$input"); nat=$(best --native "$input")
comp0=$(best /dev/null); nat0=$(best --native /dev/null)
printf '| mode | lines | best wall s | lines/s | start-up s (empty input) |\n|---|---:|---:|---:|---:|\n'
div() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
printf '| component (wasmtime) | %d | %.3f | %.0f | %.3f |\n' "$lines" "$comp" "$(div "$lines" "$comp")" "$comp0"
printf '| native core | %d | %.3f | %.0f | %.3f |\n' "$lines" "$nat" "$(div "$lines" "$nat")" "$nat0"
printf 'ratio component / native (lines/s): %.2f\n' "$(div "$nat" "$comp")"
