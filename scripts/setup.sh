#!/usr/bin/env bash
# Installs what is missing on a fresh Debian/Ubuntu machine that has Node.js 20+ and npm:
# pnpm, the workspace dependencies (frozen lockfile) and, with --test, the Debian
# packages the test suites drive (chromium, coturn, redis-server, ffmpeg, janus, iproute2, iptables,
# procps, and a Korean font for the screenshots of the Korean pages).
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=12.21.0
export TURBO_TELEMETRY_DISABLED=1

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_node() {
  if ! command -v node >/dev/null; then
    echo "Node.js 20 or newer is needed: install it from your distribution or nodejs.org, then run this again." >&2
    exit 1
  fi
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  if [ "$major" -lt 20 ]; then
    echo "Node.js $(node -v) is too old: version 20 or newer is needed." >&2
    exit 1
  fi
}

ensure_pnpm() {
  if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
    log "Installing pnpm $PNPM_VERSION"
    npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
    hash -r
  fi
}

ensure_dependencies() {
  log "Installing dependencies"
  pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -v 'Unsupported engine' || true
  test -d node_modules/.pnpm || { echo "pnpm install failed" >&2; exit 1; }
}

ensure_debian_packages() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  command -v turnserver >/dev/null || missing+=(coturn)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v ffmpeg >/dev/null || missing+=(ffmpeg)
  # The media server (VideoRoom plugin, WebSocket transport); janus-cfgconv comes with it.
  command -v janus >/dev/null || missing+=(janus)
  # The network e2e tests build namespaces, veth links and NAT rules of their own.
  command -v ip >/dev/null || [ -x /usr/sbin/ip ] || missing+=(iproute2)
  command -v iptables >/dev/null || [ -x /usr/sbin/iptables ] || missing+=(iptables)
  # Their namespaces route and turn IPv6 off with sysctl (slim images leave procps out).
  command -v sysctl >/dev/null || [ -x /usr/sbin/sysctl ] || missing+=(procps)
  # Without a Hangul font the screenshots of the Korean pages would show empty boxes.
  fc-list :lang=ko 2>/dev/null | grep -q . || missing+=(fonts-nanum)
  if [ ${#missing[@]} -gt 0 ]; then
    log "Installing ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The Debian coturn, redis and janus packages start system services; the tests start their own.
  as_root systemctl disable --now coturn redis-server janus >/dev/null 2>&1 || true
}

ensure_node
ensure_pnpm
if [ "${1:-}" = "--test" ]; then ensure_debian_packages; fi
ensure_dependencies
