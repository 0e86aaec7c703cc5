#!/usr/bin/env bash
# Installs what building, running and testing need on a fresh Debian machine (idempotent):
# Debian packages (Chromium for browser and end-to-end tests) and the npm dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install these Debian packages first (as root): ${need_apt[*]}" >&2
    exit 1
  fi
fi

# Install scripts are skipped: the ones in our tree only download binaries (unreachable
# offline); every native binary we use ships inside its npm package.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
