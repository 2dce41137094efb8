#!/usr/bin/env bash
# Holds /scim/v2 to SCIM 2.0 with scim2-tester (PyPI, pinned in tests/scim/requirements.txt):
# starts the built binary on a fresh SQLite database, signs in, makes a department and a SCIM
# token, and runs every check of tests/scim/conformance.py; any failure fails.
# Usage: scripts/scim-conformance.sh   (after `cargo build --bin skillstream` and make deps)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${SKILLSTREAM_BIN:-target/debug/skillstream}
PY=${SCIM_PY:-.venv-scim/bin/python}
PORT=${SCIM_CONFORMANCE_PORT:-18571}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

DATABASE_URL="sqlite://$work/db.sqlite" DATA_DIR="$work" BIND_ADDR="127.0.0.1:$PORT" \
  PUBLIC_URL="http://127.0.0.1:$PORT" \
  STATIC_DIR="$work/none" ADMIN_EMAIL=admin@conformance.example.com \
  ADMIN_PASSWORD='conformance admin password' ORG_NAME=Conformance LOG=warn \
  RATE_LIMIT_LOGIN_PER_IP=0 RATE_LIMIT_LOGIN_PER_EMAIL=0 \
  "$BIN" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  sleep 0.1
done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }
api="http://127.0.0.1:$PORT/api/v1"
session=$(curl -sf "$api/auth/login" -H 'content-type: application/json' \
  -d '{"email":"admin@conformance.example.com","password":"conformance admin password"}' | json access_token)
auth=(-H "authorization: Bearer $session" -H 'content-type: application/json')
curl -sf "$api/departments" "${auth[@]}" -d '{"name":"Engineering"}' >/dev/null
token=$(curl -sf "$api/scim-tokens" "${auth[@]}" -d '{"name":"conformance"}' | json token)

status=0
"$PY" tests/scim/conformance.py "http://127.0.0.1:$PORT/scim/v2" "$token" || status=$?
if [ "$status" != 0 ]; then
  echo "scim-conformance: failures above; server log:" >&2
  tail -30 "$work/server.log" >&2
  exit "$status"
fi
echo "scim-conformance: passed"
