#!/bin/sh
# Builds the Worker (Rust → WASM → build/worker/shim.mjs) with the pinned,
# locally installed wasm-bindgen, wasm-opt and esbuild, so nothing is
# downloaded at build time.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export WASM_BINDGEN_BIN="$HOME/.cargo/bin/wasm-bindgen"
export WASM_OPT_BIN="$PWD/node_modules/.bin/wasm-opt"
export ESBUILD_BIN="$PWD/node_modules/.bin/esbuild"
exec worker-build --release
