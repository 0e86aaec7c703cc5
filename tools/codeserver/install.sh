#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3) for the end-to-end suite, offline from the npm
# registry and Debian apt only, into a per-user cache outside the checkout (so that fresh
# clones, as CI makes, reuse it; CODE_SERVER_DIR overrides it). Idempotent: a finished
# install leaves a stamp file and a second run returns at once. Prints the path of entry.js last.
#   bash tools/codeserver/install.sh
set -euo pipefail

VERSION=4.100.3
DIR=${CODE_SERVER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/attention-inspector/code-server-$VERSION}
PKG=$DIR/node_modules/code-server
ENTRY=$PKG/out/node/entry.js
STAMP=$DIR/.installed-$VERSION

log() { echo "[codeserver] $*" >&2; }

# Native modules build against libkrb5; the release's ripgrep download step cannot run offline, so
# Debian's rg stands in; chromium is the browser the e2e suite drives.
ensure_apt_packages() {
  local missing=()
  for pkg in libkrb5-dev ripgrep chromium; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "apt-get install ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >&2
}

ensure_apt_packages

if [ -f "$STAMP" ] && [ -f "$ENTRY" ]; then
  log "code-server $VERSION already installed in $DIR"
  echo "$ENTRY"
  exit 0
fi

start=$SECONDS
log "installing code-server $VERSION into $DIR (a few minutes, once per machine)"
rm -rf "$DIR"
mkdir -p "$DIR"
# Lifecycle scripts download prebuilt binaries (unreachable here); run the needed steps by hand.
npm install --ignore-scripts --no-audit --no-fund --prefix "$DIR" "code-server@$VERSION" >&2

cd "$PKG/lib/vscode"
npm install --omit=dev --ignore-scripts --no-audit --no-fund >&2
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# node-pty's post-install step runs `npx node-gyp`; let npx fetch it from the registry.
npm_config_yes=true npm rebuild kerberos node-pty @vscode/spdlog @parcel/watcher @vscode/deviceid \
  native-watchdog >&2
# The release expects an asar archive of node_modules; a link to the plain folder serves as well.
ln -sfn node_modules node_modules.asar

# The built-in extensions share one dependency, TypeScript (the TS language server).
cd "$PKG/lib/vscode/extensions"
npm install --omit=dev --ignore-scripts --no-audit --no-fund >&2

cd "$DIR"
npm rebuild argon2 >&2

node "$ENTRY" --version >&2
touch "$STAMP"
log "installed in $((SECONDS - start)) s"
echo "$ENTRY"
