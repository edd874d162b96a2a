# The two commands of the README, and the steps behind them.
#   make dev   — build, apply D1 migrations locally, serve on 127.0.0.1:$(PORT)
#   make test  — every test: formatting, lints, unit, API and browser tests
PORT ?= 8787
PERSIST ?= .wrangler/state
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/.tools/bin:$(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false

.PHONY: dev test setup build check unit api browser deploy-check bench

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

unit:
	cargo test --lib

api: build
	cargo test -p api-tests -- --test-threads 4

browser: build
	sh scripts/setup.sh --browser
	node --test --test-concurrency=1 'tests/browser/*.test.mjs'

# The production bundle and configuration are valid and within the size
# limit, checked offline.
deploy-check: build
	SKIP_WORKER_BUILD=1 wrangler deploy --dry-run --env production --outdir target/deploy

test: check unit api browser deploy-check

# Not a test: prints a table and writes target/bench/results.json.
bench: build
	cargo run --release -p api-tests --example bench
