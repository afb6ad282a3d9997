#!/usr/bin/env bash
# The README run command: installs what is missing, then starts the signaling server and
# the web client in dev mode (`pnpm dev`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export TURBO_TELEMETRY_DISABLED=1
if [ -n "${LAN:-}${HTTPS:-}" ]; then
  printf '\n\033[1mOpen one of the https:// addresses printed below\033[0m (a phone can scan the QR code)\n\n'
else
  printf '\n\033[1mOpen http://127.0.0.1:5173 in your browser\033[0m (signaling on http://127.0.0.1:%s)\n\n' "${PORT:-3000}"
fi
exec pnpm dev
