#!/usr/bin/env bash
# The shipped Vector pipeline with and without the pumpguard hop, in one run on the same input:
# a simulated stream (seeds 21-23, a week each: about 370,000 lines) dropped into the `file`
# source of vector-config/vector.yaml, timed from Vector's start until every record is in the
# output files (best of RUNS, default 2). Variants:
#   - without the hop: the same file with `classify` reading `normalize` directly (no sink to the
#     sidecar, no source back): Vector's own path, the baseline;
#   - the shipped file with `pumpguard serve` (component, as the README starts it), and with
#     `--state` (journal and snapshots);
#   - the sink tuned other ways (batch.max_events, compression), to show why the shipped values.
# Prints a Markdown table. Then the sidecar alone: `cargo bench --bench sidecar`.
#
#   scripts/bench-vector.sh            # ../shared/hosts/vector-0.58.0/bin/vector
#   PUMPGUARD_VECTOR=/path/to/vector RUNS=3 scripts/bench-vector.sh
#   VARIANTS="nohop shipped batch5000" scripts/bench-vector.sh   # some of them
set -euo pipefail
cd "$(dirname "$0")/.."
vector=$(realpath "${PUMPGUARD_VECTOR:-../shared/hosts/vector-0.58.0/bin/vector}")
runs=${RUNS:-2}
[ -x "$vector" ] || { echo "Vector not found at $vector: set PUMPGUARD_VECTOR" >&2; exit 1; }
rustup target add wasm32-wasip2 >/dev/null 2>&1 || true
# PUMPGUARD_BIN: a pumpguard already built (e.g. by `cargo bench`), instead of `cargo build --release`.
if [ -z "${PUMPGUARD_BIN:-}" ]; then
  cargo build --locked --quiet --release
fi
cargo build --locked --quiet -p pumpguard-component --release --target wasm32-wasip2
pumpguard=$(realpath "${PUMPGUARD_BIN:-target/release/pumpguard}")
python3 -c 'import yaml' 2>/dev/null || apt-get install -y python3-yaml >/dev/null

work=$(mktemp -d /tmp/pumpguard-bench-vector.XXXXXX)
side_pid=""
cleanup() { [ -n "$side_pid" ] && kill "$side_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
for seed in 21 22 23; do
  "$pumpguard" simulate --seed "$seed" --days 7 --out "$work/sim$seed" 2>/dev/null
  cat "$work/sim$seed/traffic.ndjson"
done > "$work/input.ndjson"
lines=$(wc -l < "$work/input.ndjson")

# variant → $work/<variant>.yaml: the shipped file, its directory and ports rewritten.
config() {
  local v=$1 max_events=5000 compression=gzip
  case $v in
    batch*) max_events=${v#batch}; max_events=${max_events%plain} ;;
  esac
  case $v in
    *plain) compression=none ;;
  esac
  sed -e "s|/tmp/pumpguard-vector|$work/run|g" \
      -e "s|max_events: 5000$|max_events: $max_events|" \
      -e "s|compression: gzip|compression: $compression|" \
      vector-config/vector.yaml > "$work/$v.yaml"
  if [ "$v" = nohop ]; then
    # classify reads normalize; the sink to the sidecar and the source back are removed.
    python3 - "$work/$v.yaml" <<'EOF'
import sys, yaml
p = sys.argv[1]
c = yaml.safe_load(open(p))
del c["sinks"]["to_pumpguard"]
del c["sources"]["from_pumpguard"]
c["transforms"]["classify"]["inputs"] = ["normalize"]
yaml.safe_dump(c, open(p, "w"), sort_keys=False)
EOF
  fi
}

once() { # variant [serve args…] → seconds until every record is out
  local v=$1; shift
  rm -rf "$work/run" "$work"/pumpguard.state* && mkdir -p "$work/run/data" "$work/run/in" "$work/run/out"
  if [ "$v" != nohop ]; then
    "$pumpguard" serve --listen 127.0.0.1:8687 --forward http://127.0.0.1:8688/scored "$@" \
      2>"$work/serve.log" &
    side_pid=$!
    until curl -sf http://127.0.0.1:8687/healthz >/dev/null; do sleep 0.1; done
  fi
  local s e
  s=$(date +%s.%N)
  (cd vector-config && exec "$vector" --quiet --config "$work/$v.yaml" >/dev/null 2>"$work/vector.log") &
  local vpid=$! deadline=$((SECONDS + 900))
  cp "$work/input.ndjson" "$work/run/in/input.ndjson"
  while :; do
    local n
    n=$(cat "$work"/run/out/*.ndjson 2>/dev/null | wc -l)
    if [ "$n" -ge "$lines" ]; then e=$(date +%s.%N); break; fi
    if ! kill -0 "$vpid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "$v: only $n of $lines records came out" >&2; tail -20 "$work/vector.log" >&2; exit 1
    fi
    sleep 0.2
  done
  kill -TERM "$vpid" 2>/dev/null || true; wait "$vpid" 2>/dev/null || true
  if [ -n "$side_pid" ]; then kill -TERM "$side_pid"; wait "$side_pid" 2>/dev/null || true; side_pid=""; fi
  awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
}

# best: the fastest of $runs runs of once (scripts/bench-lib.sh).
source scripts/bench-lib.sh

declare -A secs name
name[nohop]="without the scoring hop (baseline)"
name[shipped]="shipped: sidecar hop, batches of 5,000, gzip"
name[state]="shipped, sidecar with --state (journal, snapshots)"
name[batch5000plain]="batches of 5,000, no compression"
name[batch1000]="batches of 1,000, gzip"
name[batch10000]="batches of 10,000, gzip"
variants=(${VARIANTS:-nohop shipped state batch5000plain batch1000 batch10000})
for v in "${variants[@]}"; do
  if [ "$v" = state ]; then
    secs[$v]=$(best shipped --state "$work/pumpguard.state")
  else
    config "$v"
    secs[$v]=$(best "$v")
  fi
done
echo "$("$vector" --version); $lines records through the file source; best of $runs runs"
echo
printf '| pipeline | seconds | records/s | ratio to without the hop |\n|---|---:|---:|---:|\n'
for v in "${variants[@]}"; do
  awk -v n="$lines" -v t="${secs[$v]}" -v b="${secs[nohop]}" -v name="${name[$v]}" \
    'BEGIN { printf "| %s | %.2f | %.0f | %.2f |\n", name, t, n / t, b / t }'
done
