#!/bin/sh
# Installs everything the project needs on a fresh machine, idempotently:
# the wasm32 target, worker-build and the wasm-bindgen CLI at pinned
# versions, the npm packages from the committed lockfile, and (with
# --browser) Debian's Chromium for the UI tests.
set -eu
cd "$(dirname "$0")/.."
WORKER_BUILD_VERSION=0.8.7
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml
export PATH="$HOME/.cargo/bin:$PATH"

# Downloads beside compiles: the npm packages (and Chromium) install while
# cargo builds the two tools.
NPM=""
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund &
  NPM=$!
fi
APT=""
if [ "${1:-}" = "--browser" ] && { [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi nanum; }; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  ( $SUDO apt-get update \
    && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends chromium fonts-nanum ) &
  APT=$!
fi

rustup target list --installed | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

if ! worker-build --version 2>/dev/null | grep -q "$WORKER_BUILD_VERSION"; then
  cargo install worker-build --version "$WORKER_BUILD_VERSION"
fi

# Installed beside worker-build in ~/.cargo/bin, so a fresh checkout on a
# machine that already has the pinned version does not compile it again
# (three minutes); a different version there is replaced.
if ! "$HOME/.cargo/bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  # --locked fails against the registry mirror here; the version pin is what matters.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

[ -z "$NPM" ] || wait "$NPM"
[ -z "$APT" ] || wait "$APT"
