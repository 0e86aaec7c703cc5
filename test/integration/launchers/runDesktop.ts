/**
 * Runs the integration suite in desktop VS Code with `@vscode/test-electron`, against the
 * minimum VS Code the manifest accepts and the current stable release (as rust-analyzer's
 * runTests.ts does). Where VS Code cannot be downloaded (offline build machines) it says so in
 * one line starting `NOT RUN:` and exits with {@link NOT_RUN_EXIT_CODE}, never 0, so that no
 * runner can mistake "not run" for "passed".
 *   npx tsx test/integration/launchers/runDesktop.ts
 * Env: VSCODE_EXECUTABLE=path uses an installed VS Code instead of downloading one;
 *      DESKTOP_DOWNLOAD_TIMEOUT_MS bounds the download probe (default 15000).
 */
import { download, runTests, SilentReporter } from '@vscode/test-electron';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite, repoRoot } from './buildSuite';

/** Exit status meaning "the suite was not run" (EX_CONFIG from sysexits.h). */
export const NOT_RUN_EXIT_CODE = 78;

const timeoutMs = Number(process.env.DESKTOP_DOWNLOAD_TIMEOUT_MS ?? 15_000);

async function main(): Promise<number> {
  const testsPath = await buildSuite();
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  const minimum = String(manifest.engines.vscode).replace(/^[\^~>=]+/, '');
  const targets = process.env.VSCODE_EXECUTABLE
    ? [{ label: 'installed', executable: process.env.VSCODE_EXECUTABLE }]
    : await downloadAll([minimum, 'stable']);
  if (!Array.isArray(targets)) {
    console.log(`NOT RUN: desktop VS Code could not be downloaded (${targets.reason})`);
    return NOT_RUN_EXIT_CODE;
  }
  for (const target of targets) {
    console.log(`desktop VS Code ${target.label}: running the integration suite`);
    const code = await runTests({
      vscodeExecutablePath: target.executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: testsPath,
      launchArgs: [join(repoRoot, 'test/e2e/workspace'), '--disable-extensions'],
    }).catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      return 1;
    });
    if (code !== 0) return code;
  }
  return 0;
}

/** Downloads each version, or returns why the first one could not be downloaded. */
async function downloadAll(
  versions: string[],
): Promise<{ label: string; executable: string }[] | { reason: string }> {
  const targets = [];
  for (const version of versions) {
    const started = Date.now();
    try {
      const executable = await withTimeout(
        download({ version, timeout: timeoutMs, reporter: new SilentReporter() }),
        timeoutMs,
      );
      targets.push({ label: version, executable });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const reason = `version ${version}: ${message.split('\n')[0]}; gave up after ${seconds} s`;
      return { reason };
    }
  }
  return targets;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
