#!/usr/bin/env bash
# Train the Rasa NLU model of the sidecar on nlu/data with nlu/rasa/config.yml.
#
# Usage: scripts/rasa-train.sh [--epochs N] [--out DIR] [--data DIR]
#   --epochs N  DIETClassifier epochs (default: the config's 100)
#   --out DIR   where the model archive goes (default: nlu/rasa/models, git-ignored)
#   --data DIR  Rasa-format training data (default: nlu/data)
# Needs .rasa-venv/ (scripts/rasa-setup.sh). Prints the model path and the training time.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KOINOTITA_RASA_VENV:-$ROOT/.rasa-venv}"
CONFIG="$ROOT/nlu/rasa/config.yml"
OUT="$ROOT/nlu/rasa/models"
DATA="$ROOT/nlu/data"
EPOCHS=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --epochs) EPOCHS="${2:?--epochs needs a number}"; shift 2 ;;
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --data) DATA="${2:?--data needs a directory}"; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "rasa-train: unknown argument: $1" >&2; exit 2 ;;
  esac
done

if [[ ! -x "$VENV/bin/rasa" ]]; then
  echo "rasa-train: $VENV/bin/rasa not found; run scripts/rasa-setup.sh first" >&2
  exit 1
fi
if [[ -n "$EPOCHS" && ! "$EPOCHS" =~ ^[1-9][0-9]*$ ]]; then
  echo "rasa-train: --epochs must be a positive whole number" >&2
  exit 2
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
DATA="$(cd "$DATA" && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [[ -n "$EPOCHS" ]]; then
  # The config has exactly one `epochs:` line (DIETClassifier's).
  sed -E "s/^([[:space:]]*epochs:[[:space:]]*)[0-9]+[[:space:]]*$/\1$EPOCHS/" "$CONFIG" > "$WORK/config.yml"
  CONFIG="$WORK/config.yml"
fi

# No telemetry (no network); Rasa's training cache (.rasa/) goes next to the models, not into the
# caller's working directory.
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
export RASA_CACHE_DIRECTORY="$OUT/.cache"
NAME="koinotita-nlu-$(date -u +%Y%m%dT%H%M%SZ)"
start=$(date +%s)
(cd "$WORK" && "$VENV/bin/rasa" train nlu --nlu "$DATA" --config "$CONFIG" --out "$OUT" --fixed-model-name "$NAME")
echo "rasa-train: $OUT/$NAME.tar.gz trained in $(( $(date +%s) - start ))s"
