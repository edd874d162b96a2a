#!/bin/sh
# `make test`: every phase of the Makefile, each timed, with what is
# independent side by side on the two cores:
#
#   setup
#   build (wasm release, assets) → deploy-check  ‖  check → unit → API tests compiled
#   api → browser → conformance
#
# Each phase's output goes to target/test-logs/<phase>.log and is printed
# when the phase ends; a table of the phases' times closes the run (and is
# kept in target/test-logs/phases.txt). Stops at the first failure, after
# the phase running beside it has ended.
set -eu
cd "$(dirname "$0")/.."
LOGS=target/test-logs
mkdir -p "$LOGS"
TABLE="$LOGS/phases.txt"
: >"$TABLE"
START=$(date +%s)
# Later phases use the build made once here, not their own.
MAKE="make --no-print-directory -o setup -o build"

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

phase setup make --no-print-directory setup

# Track one: the wasm release build (LTO and wasm-opt spend most of it on
# one core), then the offline deploy check.
(
  trap - EXIT
  TRACK='‖1 '
  phase build make --no-print-directory -o setup build && phase deploy-check $MAKE deploy-check
) &
BUILD=$!
# Track two, on the other core: lints, unit tests, the API tests' binary.
host=0
TRACK='‖2 '
phase check $MAKE check || host=$?
[ "$host" -ne 0 ] || phase unit $MAKE unit || host=$?
[ "$host" -ne 0 ] || phase api-compile cargo test --workspace --test api --no-run || host=$?
wasm=0
wait "$BUILD" || wasm=$?
TRACK=''
[ "$host" -eq 0 ] && [ "$wasm" -eq 0 ] || exit 1

phase api $MAKE api
phase browser $MAKE browser
phase conformance $MAKE conformance
