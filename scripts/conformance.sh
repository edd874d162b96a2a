#!/bin/sh
# The conformance run (tests/conformance/run.py): schemathesis against a real
# `wrangler dev`, driven by the service's own OpenAPI document. Installs the
# pinned Python packages into .tools/conformance first (again whenever
# tests/conformance/requirements.txt changes); expects a built Worker.
set -eu
cd "$(dirname "$0")/.."
VENV=.tools/conformance
REQUIREMENTS=tests/conformance/requirements.txt

if [ ! -x "$VENV/bin/python" ] || ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt"; then
  PYTHON=$(command -v python3.11 || command -v python3)
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
  cp "$REQUIREMENTS" "$VENV/requirements.txt"
fi

exec "$VENV/bin/python" tests/conformance/run.py "$@"
