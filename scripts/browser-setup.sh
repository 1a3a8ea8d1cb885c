#!/usr/bin/env bash
# Installs Debian's Chromium for the console's browser test (tests/e2e/test_console_browser.py), if missing.
# Playwright drives this system browser (executable_path=/usr/bin/chromium): no browser download at test time.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y --no-install-recommends chromium; then
  # The package lists may be missing or stale on a fresh machine.
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends chromium
fi
/usr/bin/chromium --version >&2
