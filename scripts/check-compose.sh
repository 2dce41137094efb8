#!/usr/bin/env bash
# Validates docker-compose.yml the way docker-compose 1.29 reads it (no engine needed), and
# checks the wiring the app depends on.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v docker-compose >/dev/null 2>&1 || { echo "compose: docker-compose is not installed (scripts/install-deps.sh)" >&2; exit 1; }
config=$(JWT_SECRET=check-check-check-check-check-check-42 docker-compose -f docker-compose.yml config)
for expected in "DATABASE_URL: postgres://skillstream:skillstream@postgres:5432/skillstream" \
                "SMTP_URL: smtp://mailpit:1025" "condition: service_healthy" "published: 8080" "published: 8025" "pgdata"; do
  grep -qF "$expected" <<<"$config" || { echo "compose: expected '$expected' in the resolved configuration" >&2; exit 1; }
done
# Without JWT_SECRET the stack refuses to start rather than run with no secret.
if env -u JWT_SECRET docker-compose -f docker-compose.yml config >/dev/null 2>&1; then
  echo "compose: a missing JWT_SECRET must be refused" >&2
  exit 1
fi
echo "compose: docker-compose.yml valid passed"
