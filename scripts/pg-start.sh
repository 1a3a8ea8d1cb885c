#!/usr/bin/env bash
# Start a throw-away PostgreSQL cluster for the tests (installing PostgreSQL from Debian's packages where the
# machine lacks it) and print the URL to use as KOINOTITA_TEST_POSTGRES_URL. Idempotent: an already running
# cluster is reused. Stop it with scripts/pg-stop.sh.
set -euo pipefail
PG_DIR="${KOINOTITA_PG_DIR:-${TMPDIR:-/tmp}/koinotita-pg}"
PG_PORT="${KOINOTITA_PG_PORT:-54329}"
PG_USER=koinotita

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
PGBIN="$(find_bin)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "PostgreSQL server not found: installing it from Debian's packages" >&2
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  PGBIN="$(find_bin)"
fi

# initdb and postgres refuse to run as root: use the postgres system user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url="postgresql+asyncpg://${PG_USER}@127.0.0.1:${PG_PORT}/postgres"
if "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
  echo "$url"
  exit 0
fi
mkdir -p "$PG_DIR"
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; fi
if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
  as_owner "$PGBIN/initdb" -D "$PG_DIR/data" -A trust -U "$PG_USER" -E UTF8 --no-sync >/dev/null
fi
# fsync off: a test cluster is thrown away, and the tests should not wait for the disk.
as_owner "$PGBIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "$url"
