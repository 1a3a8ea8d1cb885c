#!/usr/bin/env bash
# Installs what voice needs, from Debian's packages, if missing: espeak-ng (the synthetic Greek voice of «🔊 Ακούστε»)
# and opus-tools (opusenc encodes it to Ogg/Opus, the format of Telegram voice messages; opusdec decodes in tests),
# and ffmpeg (converts recordings uploaded in the console as MP3 or M4A, what many phone recorders save, to Ogg/Opus).
set -euo pipefail
if command -v espeak-ng >/dev/null 2>&1 && command -v opusenc >/dev/null 2>&1 && command -v opusdec >/dev/null 2>&1 \
  && command -v ffmpeg >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends espeak-ng opus-tools ffmpeg; then
  # The package lists may be missing or stale on a fresh machine.
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends espeak-ng opus-tools ffmpeg
fi
espeak-ng --version >&2
command -v ffmpeg >&2
