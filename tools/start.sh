#!/usr/bin/env bash
# Sets up, builds, and opens the extension on the sample workspace in a real VS Code:
# desktop VS Code (`code` on the PATH) as an extension under development, otherwise the
# offline code-server install in the browser (the URL is printed). Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
node esbuild.mjs
workspace=test/e2e/workspace

if command -v code >/dev/null 2>&1; then
  echo "start: opening desktop VS Code with the extension under development"
  exec code --extensionDevelopmentPath="$PWD" "$workspace"
fi

entry=$(bash tools/codeserver/install.sh | tail -n 1)
state=.cache/start
mkdir -p "$state/extensions" "$state/user-data/User"
# code-server loads extensions from --extensions-dir; a link keeps rebuilds visible.
version=$(node -p "require('./package.json').version")
publisher=$(node -p "require('./package.json').publisher")
ln -sfn "$PWD" "$state/extensions/$publisher.attention-inspector-$version"
[ -f "$state/user-data/User/settings.json" ] ||
  echo '{ "workbench.startupEditor": "none" }' >"$state/user-data/User/settings.json"
port=${PORT:-8642}
echo "start: Attention Inspector in code-server: open http://127.0.0.1:$port/?folder=$PWD/$workspace"
echo "start: select some text, then F1 → 'Attention Inspector: Inspect Attention of Selection'"
exec node "$entry" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry \
  --disable-update-check --disable-workspace-trust \
  --extensions-dir "$state/extensions" --user-data-dir "$state/user-data" "$workspace"
