#!/usr/bin/env bash
# Sets up and runs every check: lint and format (Biome), then the test suites: unit (Node),
# browser (Debian Chromium), hostile inputs (generated model folders, texts, CLI arguments,
# webview payloads: test/hostile), end-to-end
# (the packaged .vsix in a real VS Code: code-server), and the @vscode/test-electron
# launcher where desktop VS Code can be downloaded. Ends with one summary line
# "N passed, N failed"; exits non-zero on any failure or skipped test.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh || exit 1

logs=.cache/test-logs
mkdir -p "$logs"
passed=0
failed=0
summary=()

# run_suite NAME COMMAND... — runs a mocha-based suite, reads its spec-reporter counts.
run_suite() {
  local name=$1
  shift
  echo
  echo "=== suite: $name"
  local started=$SECONDS
  "$@" 2>&1 | tee "$logs/$name.log"
  local status=${PIPESTATUS[0]}
  local ok bad skipped
  ok=$(grep -Eo '^ +[0-9]+ passing' "$logs/$name.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  bad=$(grep -Eo '^ +[0-9]+ failing' "$logs/$name.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  skipped=$(grep -Eo '^ +[0-9]+ pending' "$logs/$name.log" | tail -1 | grep -Eo '[0-9]+' || echo 0)
  if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi # crashed before reporting
  if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then bad=1; echo "suite $name ran no test"; fi
  if [ "$skipped" -ne 0 ]; then bad=$((bad + skipped)); echo "suite $name skipped $skipped test(s): counted as failed"; fi
  passed=$((passed + ok))
  failed=$((failed + bad))
  summary+=("$(printf '%-28s %4d passed, %d failed (%ds)' "$name" "$ok" "$bad" $((SECONDS - started)))")
}

echo "=== build and type-check"
if ! { node esbuild.mjs && npm run --silent check; }; then
  echo "build or type-check failed"
  echo "0 passed, 1 failed"
  exit 1
fi

echo
echo "=== lint and format (biome.jsonc: rules, import boundaries, formatting)"
lint_started=$SECONDS
npm run --silent lint 2>&1 | tee "$logs/lint.log"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  summary+=("$(printf '%-28s clean (%ds)' lint $((SECONDS - lint_started)))")
else
  failed=$((failed + 1))
  summary+=("$(printf '%-28s FAILED: see %s' lint "$logs/lint.log")")
fi

run_suite unit npx mocha
run_suite browser npx mocha --config test/browser/.mocharc.json
run_suite hostile npx mocha --config test/hostile/.mocharc.json
run_suite e2e-code-server bash test/e2e/run.sh

echo
echo "=== suite: integration-test-electron"
npx tsx test/integration/launchers/runDesktop.ts 2>&1 | tee "$logs/test-electron.log"
electron_status=${PIPESTATUS[0]}
if [ "$electron_status" -eq 0 ] && grep -q ' passing' "$logs/test-electron.log"; then
  ok=$(grep -Eo '[0-9]+ passing' "$logs/test-electron.log" | tail -1 | grep -Eo '[0-9]+')
  passed=$((passed + ok))
  summary+=("$(printf '%-28s %4d passed, 0 failed' integration-test-electron "$ok")")
elif grep -q '^NOT RUN' "$logs/test-electron.log"; then
  summary+=("$(printf '%-28s NOT RUN: %s' integration-test-electron "$(grep -m1 '^NOT RUN' "$logs/test-electron.log" | cut -d: -f2-)")")
else
  failed=$((failed + 1))
  summary+=("$(printf '%-28s FAILED (exit %d)' integration-test-electron "$electron_status")")
fi

# The failures again, last, so that a log cut to its tail still names them.
for log in "$logs"/*.log; do
  if grep -Eq '^ +[0-9]+ failing' "$log"; then
    echo
    echo "=== failures in $(basename "$log" .log)"
    sed -n '/^ \+[0-9]\+ failing/,$p' "$log" | grep -v '^ *at ' | head -80
  fi
done

echo
echo "=== summary"
printf '%s\n' "${summary[@]}"
grep -ho 'integration suite in code-server: .*' "$logs/e2e-code-server.log" | sed 's/^/  (inside e2e) /'
grep -h '^== e2e: installing' "$logs/e2e-code-server.log" | sed 's/^== e2e: /.vsix tested in code-server: /'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
