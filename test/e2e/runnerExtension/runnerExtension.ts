/**
 * A development-only extension, linked into code-server's extensions folder by the end-to-end
 * suite and never packaged: its palette command runs the integration suite
 * (test/integration/suite, compiled beside it into ./suite) inside code-server's extension
 * host, as `@vscode/test-electron` would in desktop VS Code, and writes what mocha reported
 * to ./result.json for the e2e test to read.
 */
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the e2e test reads back. */
export interface SuiteResult {
  passed: string[];
  failed: { title: string; error: string }[];
  pending: string[];
  /** Set when `run()` itself threw or rejected outside a test. */
  error?: string;
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('attentionInspectorTests.runIntegrationSuite', async () => {
      const result = await runSuite(join(context.extensionPath, 'suite', 'index.js'));
      writeFileSync(join(context.extensionPath, 'result.json'), JSON.stringify(result, null, 2));
      const summary = `${result.passed.length} passing, ${result.failed.length} failing`;
      void vscode.window.showInformationMessage(`Integration suite: ${summary}`);
    }),
  );
}

/**
 * The suite builds its own Mocha instance; wrapping `Mocha.prototype.run` (same module, resolved
 * from the repository's node_modules) lets us listen to its runner without changing the suite.
 */
async function runSuite(indexPath: string): Promise<SuiteResult> {
  const result: SuiteResult = { passed: [], failed: [], pending: [] };
  const originalRun = Mocha.prototype.run;
  Mocha.prototype.run = function (this: Mocha, done?: (failures: number) => void) {
    const runner = originalRun.call(this, done);
    runner.on('pass', (test) => result.passed.push(test.fullTitle()));
    runner.on('fail', (test, error: Error) =>
      result.failed.push({ title: test.fullTitle(), error: String(error?.stack ?? error) }),
    );
    runner.on('pending', (test) => result.pending.push(test.fullTitle()));
    return runner;
  };
  try {
    const suite = (await import(indexPath)) as { run: () => Promise<void> };
    await suite.run();
  } catch (error) {
    result.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    Mocha.prototype.run = originalRun;
  }
  return result;
}
