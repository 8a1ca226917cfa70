#!/usr/bin/env bash
# Builds the wasm-bindgen package of the playground and the Node example into web/pkg/
# (wasm32-unknown-unknown, `--target web`: an ES module that also loads in Node with initSync).
# Installs what it needs: the rustup target, and wasm-bindgen-cli at the version Cargo.lock pins.
set -euo pipefail
cd "$(dirname "$0")/.."
rustup target add wasm32-unknown-unknown >/dev/null 2>&1 || true
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$version" ]; then
  echo "installing wasm-bindgen-cli $version (a few minutes, once)" >&2
  # Not --locked: its lock file pins a webpki-roots the registry no longer serves.
  cargo install --quiet wasm-bindgen-cli --version "$version"
fi
cargo build --locked --quiet -p pumpguard-web --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir web/pkg target/wasm32-unknown-unknown/release/pumpguard_web.wasm
ls -l web/pkg/pumpguard_web_bg.wasm
