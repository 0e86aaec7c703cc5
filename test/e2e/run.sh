#!/usr/bin/env bash
# The end-to-end suite: installs (or reuses) code-server 4.100.3, packages the extension as
# users get it (`npm run package` → .vsix), and runs test/e2e/*.test.ts with mocha against
# that .vsix installed into code-server, driven in headless Debian Chromium. Screenshots go to
# out/screenshots/ (`npm run pictures` copies them to docs/). Ends with mocha's summary;
# exits non-zero on any failure.
#   bash test/e2e/run.sh            (or: npm run test:e2e)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

echo "== e2e: code-server"
bash tools/codeserver/install.sh >/dev/null

echo "== e2e: npm run package"
# vsix.test.ts reads vsce's output: the package must build without a warning.
mkdir -p out
npm run --silent package 2>&1 | tee out/vsce-package.log

VSIX=$PWD/$(node -p "const p = require('./package.json'); p.name + '-' + p.version + '.vsix'")
python3 - "$VSIX" <<'PY'
import os, sys, zipfile
path = sys.argv[1]
with zipfile.ZipFile(path) as z:
    files = [i for i in z.infolist() if not i.is_dir()]
print(f"== e2e: installing {os.path.basename(path)}: {os.path.getsize(path)} bytes "
      f"({os.path.getsize(path) / 2**20:.2f} MiB), {len(files)} files")
PY

echo "== e2e: mocha test/e2e (real VS Code: code-server)"
E2E_VSIX=$VSIX npx mocha --config test/e2e/.mocharc.json
