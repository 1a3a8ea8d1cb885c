#!/usr/bin/env bash
# The first command of the README: set everything up and run Koinotita on its embedded defaults
# (SQLite under ./var, the built-in NLU engine, the local chat in this terminal when there is no Telegram token).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh
# The synthetic voice of «🔊 Ακούστε» (espeak-ng, opus-tools); without them the bot says the recording is missing.
scripts/media-setup.sh || echo "espeak-ng / opus-tools / ffmpeg could not be installed: listening uses uploaded recordings only, and MP3/M4A uploads are refused" >&2
exec .venv/bin/koinotita run "$@"
