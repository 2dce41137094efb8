#!/usr/bin/env bash
# Holds the API to its OpenAPI document: starts the built binary on a fresh SQLite database
# (rate limits off), signs in, creates an API token, and runs schemathesis with every check
# against /api/v1/openapi.json. Config: tests/schemathesis/schemathesis.toml.
# Usage: scripts/schemathesis.sh   (after `cargo build --bin skillstream` and make deps)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SKILLSTREAM_BIN:-target/debug/skillstream}
ST=${ST:-.venv-tests/bin/st}
PORT=${SCHEMATHESIS_PORT:-18570}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

DATABASE_URL="sqlite://$work/db.sqlite" DATA_DIR="$work" BIND_ADDR="127.0.0.1:$PORT" \
  STATIC_DIR="$work/none" ADMIN_EMAIL=admin@schemathesis.example.com \
  ADMIN_PASSWORD='schemathesis admin password' ORG_NAME=Schemathesis LOG=warn \
  RATE_LIMIT_LOGIN_PER_IP=0 RATE_LIMIT_LOGIN_PER_EMAIL=0 \
  RATE_LIMIT_PUBLIC_PER_IP=0 RATE_LIMIT_PUBLIC_PER_TOKEN=0 \
  "$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
session=$(curl -sf "http://127.0.0.1:$PORT/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@schemathesis.example.com","password":"schemathesis admin password"}' | json access_token)
token=$(curl -sf "http://127.0.0.1:$PORT/api/v1/api-tokens" -H "authorization: Bearer $session" \
  -H 'content-type: application/json' -d '{"name":"schemathesis"}' | json token)

status=0
"$ST" --config-file tests/schemathesis/schemathesis.toml run \
  "http://127.0.0.1:$PORT/api/v1/openapi.json" --checks all \
  -H "Authorization: Bearer $token" --max-examples "${MAX_EXAMPLES:-25}" --workers 1 \
  --seed "${SEED:-1}" --no-color || status=$?
if [ "$status" != 0 ]; then
  echo "schemathesis: failures above; server log:" >&2
  tail -50 "$work/server.log" >&2
  exit "$status"
fi
echo "schemathesis: passed"
