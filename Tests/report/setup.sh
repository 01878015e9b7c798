#!/bin/sh
# Installs what check_report.py needs: Debian's chromium package and a font (python3 is assumed). Idempotent:
# does nothing when a Chromium is already there. Uses sudo when not run as root.
set -eu

if [ -n "${CHROMIUM:-}" ] && [ -x "$CHROMIUM" ]; then
    echo "chromium: $CHROMIUM (from \$CHROMIUM)"
    exit 0
fi
if [ -x /usr/lib/chromium/chromium ] || command -v chromium >/dev/null 2>&1; then
    echo "chromium: already installed ($(/usr/lib/chromium/chromium --version 2>/dev/null || chromium --version 2>/dev/null))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup.sh: not root and no sudo: install the chromium package yourself" >&2
    exit 1
fi

$SUDO apt-get update
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-liberation
echo "chromium: installed ($(/usr/lib/chromium/chromium --version))"
