#!/usr/bin/env bash
# Stop the throw-away test cluster started by scripts/pg-start.sh.
set -euo pipefail
PG_DIR="${KOINOTITA_PG_DIR:-${TMPDIR:-/tmp}/koinotita-pg}"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -f "$PG_DIR/data/PG_VERSION" ] || exit 0
if [ "$(id -u)" = 0 ]; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true
else
  "$PGBIN/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null || true
fi
