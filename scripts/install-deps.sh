#!/usr/bin/env bash
# Installs what the tests need and a fresh machine lacks: PostgreSQL's server binaries,
# Debian's Chromium (Playwright cannot download browsers here), Python 3 (the browser tests
# use its sqlite3 module) and docker-compose 1.29 (validates docker-compose.yml without an
# engine), then the locked npm packages of the frontend, of the test OpenID provider
# (tests/oidc) and of the test webhook receiver (tests/webhooks), and schemathesis and
# standardwebhooks (PyPI, pinned) in .venv-tests, and scim2-tester in .venv-scim. Does nothing
# that is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v python3 >/dev/null 2>&1 || need+=(python3)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing ${need[*]}; run: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # The Debian package starts a cluster of its own; the tests start their own servers.
  service postgresql stop >/dev/null 2>&1 || true
fi

if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
  (cd frontend && npm ci --no-audit --no-fund)
fi

# The OpenID provider the SSO tests run (tests/oidc).
if [ ! -d tests/oidc/node_modules ] || [ tests/oidc/package-lock.json -nt tests/oidc/node_modules/.package-lock.json ]; then
  (cd tests/oidc && npm ci --no-audit --no-fund)
fi

# The webhook receiver the webhook tests verify deliveries with (tests/webhooks).
if [ ! -d tests/webhooks/node_modules ] || [ tests/webhooks/package-lock.json -nt tests/webhooks/node_modules/.package-lock.json ]; then
  (cd tests/webhooks && npm ci --no-audit --no-fund)
fi

# schemathesis, which holds the API to its OpenAPI document (scripts/schemathesis.sh).
SCHEMATHESIS_VERSION=4.32.5
if ! .venv-tests/bin/st --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
  python3 -m venv .venv-tests 2>/dev/null || {
    [ "$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv .venv-tests
  }
  .venv-tests/bin/pip install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
# The Python reference library of Standard Webhooks: a test runs README's Python snippet with it.
STANDARDWEBHOOKS_VERSION=1.1.0
if ! .venv-tests/bin/pip show standardwebhooks 2>/dev/null | grep -q "^Version: $STANDARDWEBHOOKS_VERSION"; then
  .venv-tests/bin/pip install -q --disable-pip-version-check "standardwebhooks==$STANDARDWEBHOOKS_VERSION"
fi
# scim2-tester, the SCIM conformance checker (scripts/scim-conformance.sh), in its own
# environment: its pydantic and httpx2 pins are not schemathesis's business.
if ! cmp -s tests/scim/requirements.txt .venv-scim/requirements.txt 2>/dev/null; then
  python3 -m venv .venv-scim
  .venv-scim/bin/pip install -q --disable-pip-version-check -r tests/scim/requirements.txt
  cp tests/scim/requirements.txt .venv-scim/requirements.txt
fi
