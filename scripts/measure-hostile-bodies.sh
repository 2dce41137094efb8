#!/usr/bin/env bash
# Peak memory (VmHWM) of the release binary before and after hostile bodies at the size limit:
# a 20 MiB JSON batch of ~7 million empty objects, a 20 MiB CSV of empty lines, a 20 MiB CSV of
# 100,000 rows of long cells (the most a file within both limits can hold), the same as a
# multipart upload, a 20 MiB batch of 100,000 long invitations (dry run), and for comparison a
# real send of a 20 MiB batch (every invitation created and its email queued). Each body goes to a fresh server,
# so each figure is that body's own rise. Target: at most 100 MiB each.
# Usage: scripts/measure-hostile-bodies.sh   (builds target/release/skillstream first)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bin skillstream -q
BIN=target/release/skillstream
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

python3 - "$work" <<'EOF'
import sys
work = sys.argv[1]
limit = 20 * 1024 * 1024
n = (limit - 2) // 3
open(f"{work}/batch.json", "w").write("[" + ",".join(["{}"] * n) + "]")
open(f"{work}/empty-lines.csv", "w").write("email\n" + "\n" * (limit - 7))
row = "a" * 190 + "@example.com,,,learner,,\n"
rows = min(100_000, (limit - 100) // len(row))
open(f"{work}/long-cells.csv", "w").write("email,first_name,last_name,role,department,group\n" + row * rows)
item = '{"email":"' + "a" * 170 + '@example.com","role":"learner"},'
items = min(100_000, (limit - 100) // len(item))
open(f"{work}/long-batch.json", "w").write('{"dry_run":true,"invitations":[' + (item * items)[:-1] + "]}")
# Valid and all different: a real send of the most a 20 MiB batch can hold.
domain = "b" * 60 + "." + "c" * 60 + ".example.com"
valid = [f'{{"email":"{i:09d}{"a" * 40}@{domain}","role":"learner"}}' for i in range(100_000)]
while len(",".join(valid)) > limit - 100:
    valid.pop()
open(f"{work}/send-batch.json", "w").write("[" + ",".join(valid) + "]")
EOF

port=18600
measure() { # name, curl arguments...
  local name=$1; shift
  port=$((port + 1))
  local dir="$work/$name"; mkdir -p "$dir"
  DATABASE_URL="sqlite://$dir/db.sqlite" DATA_DIR="$dir" BIND_ADDR="127.0.0.1:$port" \
    STATIC_DIR="$dir/none" ADMIN_EMAIL=admin@bench.example.com ADMIN_PASSWORD='bench admin password' \
    OUTBOX_WORKER=false LOG=warn "$BIN" serve >"$dir/log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local token
  token=$(curl -s "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@bench.example.com","password":"bench admin password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  local before after status
  before=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  status=$(curl -s -o "$dir/answer" -w '%{http_code}' -H "authorization: Bearer $token" "$@")
  after=$(awk '/VmHWM/ {print $2}' /proc/$pid/status)
  printf '%-34s HTTP %s  peak RSS %4d → %4d MiB  (+%d MiB)\n' "$name" "$status" \
    $((before / 1024)) $((after / 1024)) $(((after - before) / 1024))
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

base() { echo "http://127.0.0.1:$((port + 1))"; }
measure "JSON batch, 7M empty objects" -H 'content-type: application/json' \
  --data-binary @"$work/batch.json" "$(base)/api/v1/invitations/batch"
measure "CSV, 20 MiB of empty lines" -H 'content-type: text/csv' \
  --data-binary @"$work/empty-lines.csv" "$(base)/api/v1/invitation-imports"
measure "CSV, 100k rows of long cells" -H 'content-type: text/csv' \
  --data-binary @"$work/long-cells.csv" "$(base)/api/v1/invitation-imports"
measure "multipart, same CSV" -F "file=@$work/long-cells.csv;type=text/csv" \
  "$(base)/api/v1/invitation-imports"
measure "JSON batch, 100k long rows (dry run)" -H 'content-type: application/json' \
  --data-binary @"$work/long-batch.json" "$(base)/api/v1/invitations/batch"
measure "JSON batch, send of a 20 MiB batch" -H 'content-type: application/json' \
  --data-binary @"$work/send-batch.json" "$(base)/api/v1/invitations/batch"
