#!/usr/bin/env bash
# A fuzzing campaign: every target in turn for SECS seconds (default 600), growing
# fuzz/corpus/<target>, then one summary line per target (executions, coverage, corpus,
# findings) in fuzz/campaign.log. Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags.
#   fuzz/campaign.sh [SECS] [TARGET...]
set -uo pipefail
cd "$(dirname "$0")"
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
  rc=$?
  execs=$(grep -oP 'stat::number_of_executed_units:\s*\K\d+' "logs/$t.log" | tail -1)
  last=$(grep -E '^#[0-9]+' "logs/$t.log" | tail -1)
  cov=$(grep -oP 'cov: \K\d+' <<<"$last")
  ft=$(grep -oP 'ft: \K\d+' <<<"$last")
  # When coverage last grew (the last NEW line's execution count, as a share of all): a
  # plateau shows as a last gain early in the run.
  lastnew=$(grep -E '^#[0-9]+\s+NEW' "logs/$t.log" | tail -1 | grep -oP '^#\K\d+')
  lastgain=$(awk -v a="${lastnew:-0}" -v b="${execs:-0}" -v s="$secs" 'BEGIN { if (b > 0) printf "%d", a / b * s; else print "?" }')
  printf '%s\t%ss\texit %s\texecs %s\tcov %s\tft %s\tlast gain ~%ss\tcorpus %s\tcrashes %s\n' \
    "$t" "$secs" "$rc" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$lastgain" \
    "$(ls "corpus/$t" | wc -l)" "$(ls "artifacts/$t" 2>/dev/null | wc -l)" | tee -a campaign.log
done
