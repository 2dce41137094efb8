#!/usr/bin/env bash
# The database's own floor for what a 100,000-row import writes: the same rows as the upload
# (import rows) and the send (invitations, outbox rows, events), with their indexes, built by
# INSERT … SELECT inside the database — no HTTP, no parsing, no checks, no binding. Compare
# with `cargo bench -p skillstream-tests --bench csv_import`.
#
#     scripts/write-floor.sh                               # SQLite (needs the sqlite3 CLI)
#     scripts/with-postgres.sh scripts/write-floor.sh      # PostgreSQL too (needs psql)
#     ROWS=1000000 scripts/write-floor.sh                  # another size (95 % of it valid)
#
# Needs the release binary (cargo build --release --bin skillstream), which creates the schema.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/skillstream"
[ -x "$bin" ] || { echo "write-floor: build the release binary first" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rows=${ROWS:-100000}
valid=$((rows * 95 / 100))
# The SQL is written for 100,000 rows (95,000 valid); other sizes are swapped in.
sized() { sed -e "s/100000/$rows/g" -e "s/95000/$valid/g" "$1"; }
schema() {
  DATABASE_URL="$1" DATA_DIR="$work" "$bin" create-admin --org Floor \
    --email admin@floor.example.com --password "floor password 123" >/dev/null
}

if command -v sqlite3 >/dev/null; then
  echo "== SQLite (cache_size default)"
  schema "sqlite://$work/floor.db"
  sized "$root/scripts/floor/sqlite.sql" | sqlite3 "$work/floor.db"
else
  echo "write-floor: no sqlite3 CLI; SQLite skipped" >&2
fi

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  echo "== PostgreSQL"
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS write_floor" -c "CREATE DATABASE write_floor"
  url="${TEST_DATABASE_URL%/postgres}/write_floor"
  schema "$url"
  sized "$root/scripts/floor/postgres.sql" | psql -q "$url"
fi
