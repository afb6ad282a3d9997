#!/bin/sh
# Starts Chromium inside the network namespace named by NETNS (the browser then sees only
# that namespace's interfaces and routes). Playwright launches this in place of Chromium.
set -eu
: "${NETNS:?NETNS names the network namespace to run Chromium in}"
exec ip netns exec "$NETNS" "${NETNS_CHROMIUM:-/usr/bin/chromium}" "$@"
