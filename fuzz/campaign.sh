#!/usr/bin/env bash
# A fuzzing campaign: every target in turn for SECS seconds (default 600), growing
# fuzz/corpus/<target>, then one summary line per target in fuzz/campaign.log: executions,
# coverage (libFuzzer's `cov`, edges) at the end and half way, when coverage last grew, corpus
# size, findings. A last gain early in the run, and the same coverage half way as at the end,
# mean the target had plateaued. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags.
#   fuzz/campaign.sh [SECS] [TARGET...]
#   fuzz/campaign.sh --summary SECS TARGET...   (summarise existing logs only)
set -uo pipefail
cd "$(dirname "$0")"

summary() {
  local t=$1 secs=$2 rc=$3
  local execs
  execs=$(grep -oP 'stat::number_of_executed_units:\s*\K\d+' "logs/$t.log" | tail -1)
  grep -E '^#[0-9]+' "logs/$t.log" | awk -v E="${execs:-0}" -v S="$secs" -v t="$t" -v rc="$rc" \
    -v corpus="$(ls "corpus/$t" | wc -l)" -v crashes="$(ls "artifacts/$t" 2>/dev/null | wc -l)" '
    {
      n = substr($1, 2) + 0
      if (match($0, /cov: [0-9]+/)) c = substr($0, RSTART + 5, RLENGTH - 5) + 0; else next
      if (c > cov) { cov = c; at = n }
      if (n <= E / 2) half = c
    }
    END {
      gain = (E > 0) ? int(at / E * S) : -1
      printf "%s\t%ss\texit %s\texecs %s\tcov %s\tcov half-way %s\tlast cov gain ~%ss\tcorpus %s\tfindings %s\n",
        t, S, rc, E, cov, half, gain, corpus, crashes
    }'
}

if [ "${1:-}" = "--summary" ]; then
  secs=$2
  shift 2
  for t in "$@"; do summary "$t" "$secs" "?"; done
  exit 0
fi

secs=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O >/dev/null
mkdir -p logs
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t"
  cargo fuzz run -O "$t" -- -max_total_time="$secs" -max_len=16384 -print_final_stats=1 \
    >"logs/$t.log" 2>&1
  summary "$t" "$secs" $? | tee -a campaign.log
done
