# The two commands: `make run` (the app on SQLite, mail to files) and `make test` (everything).
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: bench bench-import run test test-rust test-sqlite test-postgres lint fmt openapi migrate build release frontend

## Run the app: builds the web app (when present) and serves API + SPA + docs on SQLite.
run: frontend
	$(CARGO) run --bin skillstream -- serve

## Every test: Rust on SQLite and on a throwaway PostgreSQL, plus the frontend's tests.
test: test-rust

test-rust: test-sqlite test-postgres

test-sqlite:
	$(CARGO) test --workspace

test-postgres:
	scripts/with-postgres.sh $(CARGO) test -p skillstream-tests

## fmt, clippy with warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Regenerate openapi.yaml from the code (a test fails while it is stale).
openapi:
	$(CARGO) run -q --bin skillstream -- openapi > openapi.yaml

migrate:
	$(CARGO) run --bin skillstream -- migrate

build:
	$(CARGO) build --bin skillstream

release: frontend
	$(CARGO) build --release --bin skillstream

frontend:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi

## Benchmarks (release build): bulk import over HTTP and outbox delivery, SQLite then PostgreSQL.
bench:
	$(CARGO) build --release --bin skillstream
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench csv_import
	$(CARGO) bench -p skillstream-tests --bench outbox_delivery
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench outbox_delivery

bench-import:
	$(CARGO) build --release --bin skillstream
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench csv_import
