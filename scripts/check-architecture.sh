#!/usr/bin/env bash
# The layers the compiler keeps honest, checked: `store` and `app` do not depend on actix-web
# (directly or through another crate); `api` does not depend on diesel, and no file of it
# names a diesel table (`schema::`). Fails with the offending lines.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

for crate in skillstream-store skillstream-app skillstream-domain; do
  if cargo tree -q -p "$crate" -e normal --prefix none | grep -E '^actix' >/dev/null; then
    echo "architecture: $crate depends on actix:" >&2
    cargo tree -q -p "$crate" -e normal -i actix-web >&2 || true
    status=1
  fi
done

if cargo tree -q -p skillstream-domain -e normal --prefix none | grep -E '^diesel ' >/dev/null; then
  echo "architecture: skillstream-domain depends on diesel without its 'diesel' feature" >&2
fi

direct=$(cargo tree -q -p skillstream-api -e normal --depth 1 --prefix none | grep -E '^(diesel|diesel_migrations|libsqlite3-sys) ' || true)
if [ -n "$direct" ]; then
  echo "architecture: skillstream-api depends on diesel directly (persistence belongs in crates/store):" >&2
  echo "$direct" >&2
  status=1
fi

if grep -rnE '(^|[^_[:alnum:]])(schema::|diesel::)' crates/api/src; then
  echo "architecture: the lines above in crates/api name diesel tables or diesel itself" >&2
  status=1
fi

if grep -rnE 'actix' crates/app/src crates/store/src crates/domain/src; then
  echo "architecture: the lines above mention actix outside crates/api" >&2
  status=1
fi

[ "$status" = 0 ] && echo "architecture: ok (store and app without actix-web; api without diesel)"
exit "$status"
