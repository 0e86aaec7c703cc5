#!/usr/bin/env bash
# Refreshes the pictures the README and the model card show. The test suites write their
# screenshots to out/ (git-ignored) and never touch docs/; this takes them again and copies
# them over docs/screenshots/ (README, .vsix) and docs/model-card/ (MODEL_CARD.md):
#   npm run pictures     (then review `git diff --stat docs/` and commit what you keep)
# The model card's pictures need the evaluation (.cache/train/eval.json, tools/train/eval.ts);
# without it they are left as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf out/screenshots out/model-card

node esbuild.mjs
echo "== pictures: webview views (Chromium)"
npx mocha --no-config --node-option import=tsx --timeout 60000 test/browser/screenshots.test.ts
# Issue 24's pair: the sink head as attention and value-weighted (README).
npx mocha --no-config --node-option import=tsx --timeout 200000 test/browser/weightedScreenshots.test.ts
echo "== pictures: the extension in a real VS Code (the end-to-end suite)"
bash test/e2e/run.sh
if [ -f .cache/train/eval.json ]; then
  echo "== pictures: model card"
  npx tsx test/browser/modelCardPictures.ts
else
  echo "== pictures: model card skipped (no .cache/train/eval.json: run tools/train/eval.ts)"
fi

mkdir -p docs/screenshots docs/model-card
cp out/screenshots/*.png docs/screenshots/
if [ -d out/model-card ]; then cp out/model-card/*.png docs/model-card/; fi
git status --short docs/screenshots docs/model-card
