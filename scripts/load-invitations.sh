#!/usr/bin/env bash
# Load test of the invitations list with two instances on one PostgreSQL (issue: production
# stack). Seeds 100,000 invitations through a CSV import, then drives
# GET /api/v1/invitations?per_page=50 at RATE requests/s in total (half to each instance) for
# DURATION with oha, and prints each instance's latency summary.
#
#   cargo build --release --bin skillstream && cargo install oha
#   scripts/with-postgres.sh scripts/load-invitations.sh
#
# RATE (default 1000), DURATION (default 30s), ROWS (default 100000), DB_POOL_SIZE (default 10),
# CONNECTIONS per instance (default 8: at 500 requests/s and ~2 ms each, one or two are busy).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${TEST_DATABASE_URL:?run under scripts/with-postgres.sh}"
RATE=${RATE:-1000}
DURATION=${DURATION:-30s}
ROWS=${ROWS:-100000}
BIN=target/release/skillstream
OHA=${OHA:-$(command -v oha || echo "$HOME/.cargo/bin/oha")}
[ -x "$BIN" ] || { echo "build first: cargo build --release --bin skillstream" >&2; exit 1; }
[ -x "$OHA" ] || { echo "install oha first: cargo install oha" >&2; exit 1; }

psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS load_invitations WITH (FORCE)" -c "CREATE DATABASE load_invitations"
DB=${TEST_DATABASE_URL%/*}/load_invitations
work=$(mktemp -d)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

start() { # port
  DATABASE_URL=$DB DATA_DIR=$work/$1 BIND_ADDR=127.0.0.1:$1 JWT_SECRET=load-secret-load-secret-load-secret-1 \
    ADMIN_EMAIL=admin@load.example.com ADMIN_PASSWORD='load test password' OUTBOX_WORKER=false \
    RATE_LIMIT_LOGIN_PER_IP=0 DB_POOL_SIZE=${DB_POOL_SIZE:-10} LOG=warn "$BIN" serve >"$work/$1.log" 2>&1 &
  pids+=($!)
}
start 18101
start 18102
for port in 18101 18102; do
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.1; done
done

token=$(curl -fs http://127.0.0.1:18101/api/v1/auth/login -H 'content-type: application/json' \
  -d '{"email":"admin@load.example.com","password":"load test password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
python3 - "$ROWS" >"$work/load.csv" <<'PY'
import sys
print("email,first_name,last_name,role")
for i in range(int(sys.argv[1])):
    print(f"person{i}@load.example.com,Person,{i},learner")
PY
id=$(curl -fs "http://127.0.0.1:18101/api/v1/invitation-imports?per_page=1" -H "authorization: Bearer $token" \
  -H 'content-type: text/csv' --data-binary @"$work/load.csv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
curl -fs "http://127.0.0.1:18101/api/v1/invitation-imports/$id/send" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' -d '{}' >/dev/null
# Measure the steady state, not the aftermath of the bulk write: let PostgreSQL settle its
# statistics, visibility map and dirty pages first, as autovacuum would have in production.
psql "$DB" -qc "VACUUM ANALYZE" -c "CHECKPOINT"
echo "seeded $ROWS invitations; driving $RATE requests/s for $DURATION across two instances"

half=$((RATE / 2))
drivers=()
for port in 18101 18102; do
  "$OHA" --no-tui -q "$half" -z "$DURATION" -c "${CONNECTIONS:-8}" -H "authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/v1/invitations?per_page=50&page=3" >"$work/oha-$port.txt" &
  drivers+=($!)
done
wait "${drivers[@]}"
for port in 18101 18102; do
  echo "== instance 127.0.0.1:$port"
  grep -E "Success rate|Requests/sec|Slowest|Fastest|Average|50.00%|90.00%|99.00%|99.90%|\[200\]" "$work/oha-$port.txt" || cat "$work/oha-$port.txt"
done
