# Shared by the host benchmarks (sourced): best() runs the caller's `once ARGS…` $runs times and
# prints the smallest number of seconds.
best() {
  local b=999999 t
  for _ in $(seq 1 "$runs"); do
    t=$(once "$@")
    b=$(awk -v t="$t" -v b="$b" 'BEGIN { print (t < b) ? t : b }')
  done
  echo "$b"
}
