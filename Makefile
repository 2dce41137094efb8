# The two commands: `make run` (the app on SQLite, mail to files) and `make test` (everything).
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: deps test-architecture test-compose test-contract bench bench-import run test test-rust test-sqlite test-postgres test-frontend test-e2e lint fmt openapi migrate build release frontend frontend-deps lighthouse

## Run the app: builds the web app (when present) and serves API + SPA + docs on SQLite.
run: frontend
	$(CARGO) run --bin skillstream -- serve

## Every test: Rust on SQLite and on a throwaway PostgreSQL, the frontend's checks and unit
## tests, and the browser journeys in Chromium against the real app.
test: deps test-architecture test-rust test-frontend test-e2e test-contract test-compose

## What the tests need that a fresh machine lacks (apt packages, npm packages).
deps:
	scripts/install-deps.sh

## docker-compose.yml is valid (docker-compose 1.29 checks it without an engine).
test-compose:
	scripts/check-compose.sh

test-rust: test-sqlite test-postgres

## The layers: store and app without actix-web, api without diesel (scripts/check-architecture.sh).
test-architecture:
	scripts/check-architecture.sh

## schemathesis with every check against the built binary's OpenAPI document, and scim2-tester
## (SCIM 2.0 conformance) against its /scim/v2.
test-contract:
	$(CARGO) build --bin skillstream
	scripts/schemathesis.sh
	scripts/scim-conformance.sh

test-sqlite:
	$(CARGO) test --workspace

test-postgres:
	$(CARGO) build --bin skillstream
	scripts/with-postgres.sh $(CARGO) test -p skillstream-tests -- --include-ignored

## fmt, clippy with warnings as errors.
lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

## Regenerate openapi.yaml from the code and the frontend's types from it (checks fail while
## either is stale).
openapi:
	$(CARGO) run -q --bin skillstream -- openapi > openapi.yaml
	@if [ -d frontend/node_modules ]; then cd frontend && npm run -s api:generate; fi

migrate:
	$(CARGO) run --bin skillstream -- migrate

build:
	$(CARGO) build --bin skillstream

release: frontend
	$(CARGO) build --release --bin skillstream

frontend-deps:
	@cd frontend && { [ -d node_modules ] || npm ci --no-audit --no-fund; }

frontend: frontend-deps
	cd frontend && npm run build

## API types up to date, type check, lint, unit tests.
test-frontend: frontend-deps
	cd frontend && npm run api:check && npm run typecheck && npm run lint && FORCE_COLOR=0 npm test

## Playwright in Debian's Chromium against the built binary on a fresh SQLite database.
test-e2e: frontend
	$(CARGO) build --bin skillstream
	cd frontend && FORCE_COLOR=0 npx playwright test

## Benchmarks (release build): bulk import over HTTP, outbox and webhook delivery, the scheduler;
## SQLite then PostgreSQL.
bench:
	$(CARGO) build --release --bin skillstream
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench csv_import
	$(CARGO) bench -p skillstream-tests --bench outbox_delivery
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench outbox_delivery
	$(CARGO) bench -p skillstream-tests --bench scheduler
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench scheduler
	$(CARGO) bench -p skillstream-tests --bench webhook_delivery
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench webhook_delivery
	$(CARGO) bench -p skillstream-tests --bench scim_sync
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench scim_sync

## Lighthouse (mobile: simulated slow 4G, 4x CPU slowdown) on the Invitations page, the import
## page and the invitee landing page, release build: fails below performance 90 or accessibility 95.
lighthouse: release
	cd frontend && node scripts/lighthouse.mjs

bench-import:
	$(CARGO) build --release --bin skillstream
	scripts/with-postgres.sh $(CARGO) bench -p skillstream-tests --bench csv_import
