#!/usr/bin/env bash
# The real Fluent Bit with and without the pumpguard filter, in one run on the same input: the
# bundled sample repeated (23 times: 134,573 lines by default), read by `tail` and written by
# `file`, with no filter, with the module interpreted (.wasm) and compiled ahead of time (.aot).
# Each run is timed from start-up to the moment the last record reaches the output file (start-up
# and shutdown are left out); best of RUNS (default 2) per mode. Prints a Markdown table.
#
#   scripts/bench-fluent-bit.sh             # ../shared/hosts/fluent-bit-5.1.1/bin/fluent-bit
#   PUMPGUARD_FLUENT_BIT=/path/to/fluent-bit REPEAT=5 RUNS=3 scripts/bench-fluent-bit.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fb=${PUMPGUARD_FLUENT_BIT:-../shared/hosts/fluent-bit-5.1.1/bin/fluent-bit}
repeat=${REPEAT:-23}
runs=${RUNS:-2}
if [ ! -x "$fb" ]; then
  echo "Fluent Bit not found at $fb: set PUMPGUARD_FLUENT_BIT" >&2
  exit 1
fi
cargo build --locked --quiet -p pumpguard-fluent-bit --release --target wasm32-wasip1
wasm=target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm
aot=target/wasm32-wasip1/release/pumpguard_fluent_bit.aot
bash scripts/fluent-bit-aot.sh >/dev/null || echo "no .aot (flb-wamrc missing): the aot row is skipped" >&2

work=$(mktemp -d /tmp/pumpguard-bench-fb.XXXXXX)
trap 'rm -rf "$work"' EXIT
for _ in $(seq 1 "$repeat"); do cat samples/demo.ndjson; done > "$work/input.ndjson"
lines=$(wc -l < "$work/input.ndjson")

config() { # mode → a YAML configuration in $work/<mode>.yaml
  local mode=$1 filter=""
  case $mode in
    wasm|aot)
      local path
      path=$(realpath "$( [ "$mode" = wasm ] && echo "$wasm" || echo "$aot" )")
      filter="  filters:
    - name: wasm
      match: 'bench'
      wasm_path: $path
      function_name: pumpguard_filter
      event_format: json
      accessible_paths: $work
      wasm_heap_size: 1M
      wasm_stack_size: 1M"
      ;;
  esac
  cat > "$work/$mode.yaml" <<EOF
service:
  flush: 1
  grace: 1
  log_level: warn
parsers:
  - name: bench_json
    format: json
pipeline:
  inputs:
    - name: tail
      tag: bench
      path: $work/input.ndjson
      parser: bench_json
      read_from_head: true
      buffer_max_size: 16M
      skip_long_lines: on
$filter
  outputs:
    - name: file
      match: '*'
      path: $work/out
      file: out.ndjson
      format: plain
EOF
}

once() { # mode → seconds until every record is in the output file
  local mode=$1
  rm -rf "$work/out" && mkdir -p "$work/out"
  local s e
  s=$(date +%s.%N)
  "$fb" -c "$work/$mode.yaml" > "$work/$mode.log" 2>&1 &
  local pid=$! deadline=$((SECONDS + 900))
  while :; do
    local n=0
    [ -f "$work/out/out.ndjson" ] && n=$(wc -l < "$work/out/out.ndjson")
    if [ "$n" -ge "$lines" ]; then e=$(date +%s.%N); break; fi
    if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "$mode: only $n of $lines records came out; log:" >&2
      cat "$work/$mode.log" >&2
      kill "$pid" 2>/dev/null || true
      exit 1
    fi
    sleep 0.1
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
}

best() { # mode → best seconds of $runs
  local b=999999 t
  for _ in $(seq 1 "$runs"); do
    t=$(once "$1")
    b=$(awk -v t="$t" -v b="$b" 'BEGIN { print (t < b) ? t : b }')
  done
  echo "$b"
}

modes=(none wasm)
[ -f "$aot" ] && modes+=(aot)
declare -A secs
for m in "${modes[@]}"; do
  config "$m"
  secs[$m]=$(best "$m")
done
echo "Fluent Bit: $("$fb" --version | head -1); $lines records; best of $runs runs per mode"
echo
printf '| filter | records | seconds | records/s | ratio to no filter |\n|---|---:|---:|---:|---:|\n'
for m in "${modes[@]}"; do
  case $m in none) name="none";; wasm) name="pumpguard, interpreted (.wasm)";; aot) name="pumpguard, AOT (.aot)";; esac
  awk -v n="$lines" -v t="${secs[$m]}" -v b="${secs[none]}" -v name="$name" \
    'BEGIN { printf "| %s | %d | %.2f | %.0f | %.2f |\n", name, n, t, n / t, b / t }'
done
