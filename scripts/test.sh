#!/usr/bin/env bash
# The second command of the README (and what CI runs): install what the tests need — the test tools, a
# throw-away PostgreSQL cluster, the Rasa sidecar's virtual environment — then run the checks and every test,
# on SQLite and on PostgreSQL. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh test
scripts/rasa-setup.sh
scripts/browser-setup.sh
scripts/deploy-tools-setup.sh
scripts/media-setup.sh
export KOINOTITA_TEST_POSTGRES_URL="$(scripts/pg-start.sh)"
echo "PostgreSQL for tests: $KOINOTITA_TEST_POSTGRES_URL" >&2

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/koinotita knowledge check
.venv/bin/pytest "$@"
