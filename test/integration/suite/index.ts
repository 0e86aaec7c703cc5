/**
 * The integration suite's entry: runs every `*.test.js` compiled beside this file with mocha,
 * inside a real VS Code extension host (`@vscode/test-electron`'s `extensionTestsPath`, or the
 * code-server runner extension). Rejects when any test fails.
 */
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, slow: 5_000 });
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    // INTEGRATION_GREP=activation runs only the files whose name holds it (one file's check).
    .filter((name) => name.includes(process.env.INTEGRATION_GREP ?? ''))
    .sort();
  if (files.length === 0)
    return Promise.reject(new Error(`No *.test.js files beside ${__filename}.`));
  for (const file of files) mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) =>
        failures > 0 ? reject(new Error(`${failures} integration test(s) failed.`)) : resolve(),
      );
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
