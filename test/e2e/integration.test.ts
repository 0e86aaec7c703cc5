import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildRunnerExtension,
  RUNNER_COMMAND_TITLE,
  RUNNER_EXTENSION_ID,
} from './runnerExtension/buildRunnerExtension';
import type { SuiteResult } from './runnerExtension/runnerExtension';
import { startSession, type Session } from './harness/session';

describe('the integration suite inside code-server (test/integration/suite)', () => {
  let session: Session;
  let runnerDir: string;

  before(async () => {
    runnerDir = await buildRunnerExtension();
    session = await startSession('light', [{ id: RUNNER_EXTENSION_ID, dir: runnerDir }]);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('runs in the extension host beside the installed .vsix; every test passes', async function () {
    this.timeout(300_000);
    await session.wb.openFile('sample.ts');
    await session.wb.runCommand(RUNNER_COMMAND_TITLE);
    // The suite's own tests open panels and notifications; the runner's result file is the signal.
    const resultFile = join(runnerDir, 'result.json');
    for (let waited = 0; !existsSync(resultFile); waited += 500) {
      assert.ok(waited < 240_000, 'the runner wrote no result within 4 minutes');
      await session.wb.page.waitForTimeout(500);
    }
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult;
    for (const title of result.passed) console.log(`      ✔ ${title}`);
    for (const { title, error } of result.failed) console.log(`      ✘ ${title}\n${error}`);
    console.log(
      `      integration suite in code-server: ${result.passed.length} passing, ` +
        `${result.failed.length} failing, ${result.pending.length} pending`,
    );
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.pending, []);
    assert.ok(result.passed.length > 0, 'the suite ran no tests');
    assert.equal(result.error, undefined);
  });
});
