#!/usr/bin/env bash
# Install what the browser tests (tests/browser) need, from package registries only:
#   - Debian's chromium, driven by the Playwright Python package (no `playwright install`:
#     browser downloads are not available here);
#   - axe-core from the npm registry into .cache/npm, for the accessibility checks.
# Idempotent and quiet: does nothing when both are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
    echo "install-browser-deps: installing chromium (apt-get)"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

if [ ! -f .cache/npm/node_modules/axe-core/axe.min.js ]; then
    echo "install-browser-deps: installing axe-core (npm)"
    mkdir -p .cache/npm
    npm install --silent --no-save --no-audit --no-fund --no-package-lock --prefix .cache/npm axe-core@4 >/dev/null
fi
