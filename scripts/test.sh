#!/bin/sh
# `make test`: every phase of the Makefile, each timed, in two tracks that
# run side by side on the two cores:
#
#   setup (tools, npm packages, Chromium)
#   ‖1  build (wasm release, assets) ──────────────→ browser
#   ‖2  check → compile → unit ─(build)─→ api → deploy-check → conformance → browser-2
#
# The two browser runners share one queue of test files: the second takes
# what the first has not reached when track two's own work is done.
#
# Track one is mostly one core: LTO and wasm-opt, then one Chromium whose
# tests wait on the page as much as they compute. Track two fills the other
# core with compiles, then the API tests and the conformance run, which wait
# on their servers. The conformance run's Python environment is made while
# the Worker builds.
#
# Each phase's output goes to target/test-logs/<phase>.log and is printed
# when the phase ends; a table of the phases' times closes the run (and is
# kept in target/test-logs/phases.txt). A track stops at its first failure;
# the run fails when either does, after both have ended.
set -eu
cd "$(dirname "$0")/.."
LOGS=target/test-logs
mkdir -p "$LOGS"
TABLE="$LOGS/phases.txt"
BUILT="$LOGS/built"
# The browser test files, shared by a runner on each track (run.mjs --queue).
QUEUE="$LOGS/browser-queue"
: >"$TABLE"
rm -rf "$BUILT" "$QUEUE"
START=$(date +%s)
# Later phases use the build made once here, not their own.
MAKE="make --no-print-directory -o setup -o build"
# A clean checkout gains nothing from incremental compilation, only its cost.
[ -z "${CI:-}" ] || export CARGO_INCREMENTAL=0

# phase NAME COMMAND…: runs it into its log, prints the log, records the time.
phase() {
  name=$1
  shift
  t0=$(date +%s)
  if "$@" >"$LOGS/$name.log" 2>&1; then rc=0; else rc=$?; fi
  t1=$(date +%s)
  echo "==== $name ($((t1 - t0)) s)"
  cat "$LOGS/$name.log"
  printf '%s%-14s %5d s  %s\n' "${TRACK:-}" "$name" $((t1 - t0)) "$([ "$rc" -eq 0 ] && echo ok || echo "FAILED ($rc)")" >>"$TABLE"
  return "$rc"
}

summary() {
  echo
  echo "==== make test: phases (wall time; tracks ‖1 and ‖2 ran side by side)"
  cat "$TABLE"
  printf '%-14s %5d s  (%s)\n' total $(($(date +%s) - START)) "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') load at the end"
}
trap summary EXIT

phase setup sh scripts/setup.sh --browser

# Track one: the build, then the browser tests.
(
  trap - EXIT
  TRACK='‖1 '
  phase build make --no-print-directory -o setup build || exit 1
  : >"$BUILT"
  phase browser $MAKE browser BROWSER_QUEUE="$QUEUE"
) &
ONE=$!

# Track two: lints, the unit and API tests compiled, the unit tests; once
# the build is there, the API tests, the deploy check and the conformance run.
two() {
  TRACK='‖2 '
  sh scripts/conformance.sh --install >"$LOGS/conformance-install.log" 2>&1 &
  venv=$!
  phase check $MAKE check || return 1
  # One cargo run compiles the unit and the API tests, side by side.
  phase compile cargo test --workspace --lib --test api --no-run || return 1
  phase unit $MAKE unit || return 1
  wait "$venv" || { cat "$LOGS/conformance-install.log"; return 1; }
  while [ ! -e "$BUILT" ]; do
    kill -0 "$ONE" 2>/dev/null || return 1 # the build failed
    sleep 1
  done
  phase api $MAKE api || return 1
  phase deploy-check $MAKE deploy-check || return 1
  phase conformance $MAKE conformance || return 1
  # What the browser runner of track one has not taken yet.
  phase browser-2 $MAKE browser BROWSER_QUEUE="$QUEUE"
}
rc=0
two || rc=1
wait "$ONE" || rc=1
exit "$rc"
