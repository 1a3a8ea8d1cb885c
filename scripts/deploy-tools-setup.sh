#!/usr/bin/env bash
# Installs the tools that check the deployment files (tests/e2e/test_deploy_files.py), if missing:
# systemd's `systemd-analyze verify` for deploy/systemd/*, Caddy's `caddy validate` for deploy/caddy/Caddyfile,
# and PostgreSQL's client tools (pg_dump/pg_restore) for `koinotita backup`/`restore`.
set -euo pipefail
missing=()
command -v systemd-analyze >/dev/null || missing+=(systemd)
command -v caddy >/dev/null || missing+=(caddy)
command -v pg_dump >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends "${missing[@]}"; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
