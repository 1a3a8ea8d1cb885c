#!/usr/bin/env bash
# The first command of the README: set everything up and run Koinotita on its embedded defaults
# (SQLite under ./var, the built-in NLU engine, the local chat in this terminal when there is no Telegram token).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh
exec .venv/bin/koinotita run "$@"
