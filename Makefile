# The two commands of the README, and the steps behind them.
#   make dev   — build, apply D1 migrations locally, serve on 127.0.0.1:$(PORT)
#   make test  — every test: formatting, lints, unit, API and browser tests,
#                and the conformance run against the OpenAPI document
PORT ?= 8787
PERSIST ?= .wrangler/state
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false

.PHONY: dev test setup build check unit api browser deploy-check conformance bench

setup:
	sh scripts/setup.sh

build: setup
	sh scripts/build-worker.sh
	node scripts/build-assets.mjs

dev: build
	wrangler d1 migrations apply DB --local --persist-to $(PERSIST)
	SKIP_WORKER_BUILD=1 wrangler dev --local --ip 127.0.0.1 --port $(PORT) \
	  --persist-to $(PERSIST) --show-interactive-dev-session=false

check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# --workspace in both: the unit and API tests then build their common
# dependencies (chrono-tz, …) with the same features, once.
unit:
	cargo test --workspace --lib

api: build
	cargo test --workspace --test api -- --test-threads 4

# BROWSER_QUEUE=dir: runners of the same dir share the files (run.mjs).
browser: build
	sh scripts/setup.sh --browser
	node tests/browser/run.mjs $(if $(BROWSER_QUEUE),--queue $(BROWSER_QUEUE))

# The production bundle and configuration are valid and within the size
# limit, checked offline.
deploy-check: build
	SKIP_WORKER_BUILD=1 wrangler deploy --dry-run --env production --outdir target/deploy

# Schemathesis, driven by GET /api/openapi.json, against a real wrangler dev:
# fails on any 5xx, any answer the document does not describe and any input
# the document forbids that the service accepts. Bounded to a few minutes;
# CONFORMANCE_MAX_EXAMPLES, CONFORMANCE_MAX_TIME (s) and CONFORMANCE_SEED
# change the bounds. Report in target/conformance/.
conformance: build
	sh scripts/conformance.sh

# Every phase below, timed, independent ones side by side (scripts/test.sh);
# a table of the phases' times closes the run.
test:
	sh scripts/test.sh

# Not a test: prints a table and writes target/bench/results.json.
bench: build
	cargo run --release -p api-tests --example bench
