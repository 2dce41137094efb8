#!/usr/bin/env bash
# Compares the import bench of an earlier revision with the working tree: builds REV's release
# binary in a git worktree (kept under /tmp, so a second run reuses it) and the working tree's,
# then runs the import bench with COMPARE_BIN, which alternates the two builds send by send on a
# fresh database each (RUNS sends per build and backend, default 6) and prints each build's
# median and fastest send and its server CPU time. This machine drifts by ±25 % over minutes,
# so only sends taken side by side compare fairly.
#
#     scripts/bench-compare.sh 7630a87        # before the activity log, against now
#     RUNS=10 scripts/bench-compare.sh HEAD~3
set -euo pipefail

rev=${1:?usage: scripts/bench-compare.sh REV}
root=$(git rev-parse --show-toplevel)
short=$(git -C "$root" rev-parse --short "$rev")
before=/tmp/skillstream-bench-$short

if [ ! -d "$before" ]; then
  git -C "$root" worktree add --detach "$before" "$short" >/dev/null
fi
echo "bench-compare: building $short and the working tree (release)"
(cd "$before" && cargo build -q --release --bin skillstream)
cd "$root"
cargo build -q --release --bin skillstream
COMPARE_BIN="$before/target/release/skillstream" RUNS=${RUNS:-6} \
  scripts/with-postgres.sh cargo bench -q -p skillstream-tests --bench csv_import
