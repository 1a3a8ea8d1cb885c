#!/usr/bin/env bash
# Serve a trained Rasa NLU model as the bot's sidecar, on 127.0.0.1 only.
#
# Usage: scripts/rasa-serve.sh [--model PATH] [--port P]
#   --model PATH  a model archive, or a directory whose newest archive is used
#                 (default: nlu/rasa/models, where scripts/rasa-train.sh puts them)
#   --port P      default 5005; point the bot at it with KOINOTITA_RASA_URL=http://127.0.0.1:P
# The HTTP API (--enable-api) has no authentication, so it never listens beyond this machine.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KOINOTITA_RASA_VENV:-$ROOT/.rasa-venv}"
MODEL="$ROOT/nlu/rasa/models"
PORT=5005

while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL="${2:?--model needs a path}"; shift 2 ;;
    --port) PORT="${2:?--port needs a number}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "rasa-serve: unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$VENV/bin/rasa" ]]; then
  echo "rasa-serve: $VENV/bin/rasa not found; run scripts/rasa-setup.sh first" >&2
  exit 1
fi
if [[ -d "$MODEL" ]] && ! compgen -G "$MODEL/*.tar.gz" >/dev/null; then
  echo "rasa-serve: no model in $MODEL; run scripts/rasa-train.sh first" >&2
  exit 1
fi
if [[ ! -e "$MODEL" ]]; then
  echo "rasa-serve: $MODEL does not exist" >&2
  exit 1
fi

export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
exec "$VENV/bin/rasa" run --enable-api -m "$MODEL" -i 127.0.0.1 -p "$PORT"
