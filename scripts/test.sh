#!/usr/bin/env bash
# Runs the whole test suite: unit tests, and every store and end-to-end test on SQLite
# and on PostgreSQL. Starts the local PostgreSQL when it is not running.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
fi
pg_isready -h 127.0.0.1 -p 5432 >/dev/null || {
  echo "PostgreSQL is not reachable on 127.0.0.1:5432 (set WARROOM_TEST_PG to another admin URL)" >&2
  exit 1
}

cargo test --workspace --all-targets "$@"
