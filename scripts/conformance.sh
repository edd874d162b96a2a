#!/bin/sh
# The conformance run (tests/conformance/run.py): schemathesis against a real
# `wrangler dev`, driven by the service's own OpenAPI document. Installs the
# pinned Python packages first into a virtual environment named by the hash
# of tests/conformance/requirements.txt, kept under ~/.cache so that another
# checkout with the same pins finds it; expects a built Worker.
# `--install` makes the environment and stops.
set -eu
cd "$(dirname "$0")/.."
REQUIREMENTS=tests/conformance/requirements.txt
PINS=$(sha256sum "$REQUIREMENTS" | cut -c1-16)
VENV="${XDG_CACHE_HOME:-$HOME/.cache}/eonjebolkka/conformance-$PINS"

if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt"; then
  PYTHON=$(command -v python3.11 || command -v python3)
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  # Written last: a half-made environment is made again next time.
  cp "$REQUIREMENTS" "$VENV/requirements.txt"
fi

# --install: only the environment (make test makes it while the Worker builds).
[ "${1:-}" != "--install" ] || exit 0
exec "$VENV/bin/python" tests/conformance/run.py "$@"
