#!/usr/bin/env bash
# The real Fluent Bit with and without the pumpguard filter, in one run on the same input, read by
# `tail` and written by `file`: with no filter; with a wasm filter that hands every record back
# untouched (the module built with `--features bench-noop`: Fluent Bit's own cost of any wasm
# filter); and with pumpguard; each wasm filter interpreted (.wasm) and compiled ahead of time
# (.aot). Two streams: the bundled sample repeated (23 times: 134,573 lines, nearly all of them
# SMS sends and conversions), and a shared pipeline where 1 record in 10 is the sample and the
# rest are application and access logs. Each run is timed from start-up to the moment the last
# record reaches the output file (shutdown is left out); best of RUNS (default 2) per mode.
# Prints Markdown tables.
#
#   scripts/bench-fluent-bit.sh             # ../shared/hosts/fluent-bit-5.1.1/bin/fluent-bit
#   PUMPGUARD_FLUENT_BIT=/path/to/fluent-bit REPEAT=5 RUNS=3 scripts/bench-fluent-bit.sh
#   MODES="none noop-wasm wasm" STREAMS=mixed scripts/bench-fluent-bit.sh   # a part of it
#   MODULE_WASM=old.wasm MODULE_AOT=old.aot scripts/bench-fluent-bit.sh       # another build
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
cargo build --locked --quiet -p pumpguard-fluent-bit --release --target wasm32-wasip1 \
  --features bench-noop --target-dir target/noop
wasm=${MODULE_WASM:-target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm}
aot=${MODULE_AOT:-target/wasm32-wasip1/release/pumpguard_fluent_bit.aot}
noop_wasm=target/noop/wasm32-wasip1/release/pumpguard_fluent_bit.wasm
noop_aot=target/noop/wasm32-wasip1/release/pumpguard_fluent_bit.aot
wamrc=${FLB_WAMRC:-../shared/hosts/fluent-bit-5.1.1/bin/flb-wamrc}
if [ -n "${MODULE_AOT:-}" ] || bash scripts/fluent-bit-aot.sh >/dev/null; then
  "$wamrc" -o "$noop_aot" "$noop_wasm" >/dev/null
else
  echo "no .aot (flb-wamrc missing): the aot rows are skipped" >&2
fi

work=$(mktemp -d /tmp/pumpguard-bench-fb.XXXXXX)
trap 'rm -rf "$work"' EXIT
for _ in $(seq 1 "$repeat"); do cat samples/demo.ndjson; done > "$work/sms.ndjson"
# The shared pipeline: each sample line followed by nine records that are not SMS-related
# (structured application logs and JSON access logs, varied, about 300 bytes each); the sample
# three times over.
awk '{
  print
  for (k = 0; k < 9; k++) {
    n++
    if (n % 2) printf "{\"time\":\"2026-01-05T00:%02d:%02d.%03dZ\",\"level\":\"info\",\"service\":\"checkout\",\"host\":\"web-%d\",\"msg\":\"request completed\",\"request_id\":\"%08x%08x\",\"http\":{\"method\":\"GET\",\"path\":\"/api/cart/%d\",\"status\":200,\"duration_ms\":%d.%02d},\"user_agent\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0\"}\n", n / 60 % 60, n % 60, n % 1000, n % 20, n * 2654435761 % 4294967296, n, n * 7919 % 1000000, n % 80, n % 100
    else printf "{\"remote_addr\":\"198.51.%d.%d\",\"time_local\":\"05/Jan/2026:00:01:%02d +0000\",\"request\":\"GET /static/app.%x.js HTTP/1.1\",\"status\":200,\"body_bytes_sent\":%d,\"http_referer\":\"https://example.com/\",\"http_user_agent\":\"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)\",\"request_time\":0.004}\n", n % 256, n * 31 % 256, n % 60, n * 40503, n * 977 % 1000000
  }
}' <(for _ in 1 2 3; do cat samples/demo.ndjson; done) > "$work/mixed.ndjson"

config() { # mode stream → a YAML configuration in $work/<mode>.yaml
  local mode=$1 stream=$2 filter="" path=""
  case $mode in
    wasm) path=$wasm ;;
    aot) path=$aot ;;
    noop-wasm) path=$noop_wasm ;;
    noop-aot) path=$noop_aot ;;
  esac
  case $mode in
    none) ;;
    *)
      path=$(realpath "$path")
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
      path: $work/$stream.ndjson
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

once() { # mode → seconds until every record is in the output file ($lines)
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

# best: the fastest of $runs runs of once (scripts/bench-lib.sh).
source scripts/bench-lib.sh

modes=(none noop-wasm wasm)
[ -f "$aot" ] && modes+=(noop-aot aot)
[ -n "${MODES:-}" ] && read -r -a modes <<< "$MODES"
echo "Fluent Bit: $("$fb" --version | head -1); best of $runs runs per mode"
for stream in ${STREAMS:-sms mixed}; do
  lines=$(wc -l < "$work/$stream.ndjson")
  declare -A secs=()
  for m in "${modes[@]}"; do
    config "$m" "$stream"
    secs[$m]=$(best "$m")
  done
  echo
  case $stream in
    sms) echo "Stream: the sample ×$repeat ($lines records)" ;;
    mixed) echo "Stream: the sample ×3, each line followed by 9 records that are not SMS-related ($lines records)" ;;
  esac
  echo
  printf '| filter | records | seconds | records/s | ratio to no filter | ratio to no-op filter |\n'
  printf '|---|---:|---:|---:|---:|---:|\n'
  for m in "${modes[@]}"; do
    case $m in
      none) name="none"; base="" ;;
      noop-wasm) name="no-op wasm filter, interpreted"; base="" ;;
      noop-aot) name="no-op wasm filter, AOT"; base="" ;;
      wasm) name="pumpguard, interpreted (.wasm)"; base=${secs[noop-wasm]:-} ;;
      aot) name="pumpguard, AOT (.aot)"; base=${secs[noop-aot]:-} ;;
    esac
    awk -v n="$lines" -v t="${secs[$m]}" -v b="${secs[none]}" -v o="$base" -v name="$name" \
      'BEGIN { printf "| %s | %d | %.2f | %.0f | %.2f | %s |\n", name, n, t, n / t, b / t, (o == "" ? "" : sprintf("%.2f", o / t)) }'
  done
  unset secs
done
