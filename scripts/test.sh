#!/usr/bin/env bash
# The README test command: installs what is missing, then runs every check and test:
# types, lint, unit and integration tests, the production build and the two-browser
# end-to-end suite. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export TURBO_TELEMETRY_DISABLED=1 CI="${CI:-}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Type check"
pnpm typecheck
step "Lint"
pnpm lint
step "Unit and integration tests"
pnpm test:unit
step "Production build"
pnpm build
step "End-to-end tests (real browsers, real server)"
pnpm test:e2e
