#!/usr/bin/env bash
# Create the Rasa sidecar's own virtual environment (.rasa-venv/ in the repo root).
#
# Rasa Open Source 3.6 needs Python 3.10 and pins SQLAlchemy 1.4 / pydantic 1, so it can never
# share the bot's Python 3.11 environment (DESIGN.md, "Real parts"). Idempotent: a marker file
# records what was installed and a second run with the same pins only checks that rasa imports.
#
# Usage: scripts/rasa-setup.sh [--force]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${KOINOTITA_RASA_VENV:-$ROOT/.rasa-venv}"
MARKER="$VENV/.koinotita-rasa-setup"

RASA_PIN="rasa==3.6.21"
# Every transitive package frozen from an install that trained and served on CPU: unpinned, pip
# picks newer releases (jax, ml-dtypes, ...) that rasa 3.6 and tensorflow 2.12 never saw.
CONSTRAINTS="$ROOT/nlu/rasa/constraints.txt"
# The pip and setuptools the constraints were verified with; rasa 3.6.21 itself pins
# setuptools 70.3 because it still imports pkg_resources.
BOOTSTRAP_PINS=("pip>=23,<25" "setuptools==70.3.0" "wheel")

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "rasa-setup: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

find_python310() {
  # 1. pyenv's 3.10.13, by path (works without shims on PATH).
  local root=""
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root 2>/dev/null || true)"
  fi
  for cand in "${root:+$root/versions/3.10.13/bin/python3.10}" \
              "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.10.13/bin/python3.10"; do
    if [[ -n "$cand" && -x "$cand" ]]; then
      echo "$cand"; return 0
    fi
  done
  # 2. python3.10 on PATH (a pyenv shim needs PYENV_VERSION to resolve to 3.10).
  if command -v python3.10 >/dev/null 2>&1; then
    local exe
    exe="$(PYENV_VERSION=3.10.13 python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null \
           || python3.10 -c 'import sys; print(sys.executable)' 2>/dev/null || true)"
    if [[ -n "$exe" ]] && "$exe" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
      echo "$exe"; return 0
    fi
  fi
  return 1
}

PY310="$(find_python310)" || {
  echo "rasa-setup: Python 3.10 not found. Install it (e.g. 'pyenv install 3.10.13' or the" >&2
  echo "  distribution's python3.10 with its venv module) and run this script again." >&2
  exit 1
}
PYVER="$("$PY310" -c 'import platform; print(platform.python_version())')"
# The marker holds the interpreter, the pins and a checksum of the constraints: change any of them
# and the next run reinstalls.
WANT="python=$PYVER ${BOOTSTRAP_PINS[*]} $RASA_PIN constraints=$(sha256sum "$CONSTRAINTS" | cut -c1-16)"

if [[ $FORCE -eq 0 && -f "$MARKER" && "$(cat "$MARKER")" == "$WANT" ]]; then
  if "$VENV/bin/python" -c 'import rasa' >/dev/null 2>&1; then
    echo "rasa-setup: already installed ($WANT)"
    exit 0
  fi
  echo "rasa-setup: marker present but rasa does not import; reinstalling" >&2
fi

start=$(date +%s)
if [[ $FORCE -eq 1 || ! -x "$VENV/bin/python" ]] \
   || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then
  echo "rasa-setup: creating $VENV with $PY310 ($PYVER)"
  rm -rf "$VENV"
  "$PY310" -m venv "$VENV"
fi
rm -f "$MARKER"

"$VENV/bin/python" -m pip install --quiet --upgrade "${BOOTSTRAP_PINS[@]}"
echo "rasa-setup: installing $RASA_PIN (this takes a few minutes)"
"$VENV/bin/python" -m pip install --prefer-binary -c "$CONSTRAINTS" "$RASA_PIN"

# Prove it works before writing the marker: import rasa and the NLU components we train with.
"$VENV/bin/python" - <<'EOF'
import rasa
import rasa.nlu.classifiers.diet_classifier  # noqa: F401  (pulls in tensorflow)
print("rasa-setup: rasa", rasa.__version__, "imports")
EOF

echo "$WANT" > "$MARKER"
echo "rasa-setup: done in $(( $(date +%s) - start ))s"
