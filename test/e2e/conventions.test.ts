import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './harness/paths';
import { startSession, type Session } from './harness/session';

/** The walkthrough's sample opens with its first function selected (src/commands/openSample.ts). */
const SAMPLE = readFileSync(join(repoRoot, 'media/walkthrough/sample.py'), 'utf8');
const SELECTED = SAMPLE.indexOf('\n\n\n');

/** What a VS Code user expects of a well-made extension: a log to read, a walkthrough to follow. */
describe('VS Code conventions in a real VS Code (code-server, the .vsix installed)', () => {
  let session: Session;

  before(async () => {
    session = await startSession('light');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  /** Open Sample, then wait until its selection is in place before the next command types. */
  async function openSample(): Promise<void> {
    await session.wb.runCommand('Attention Inspector: Open Sample to Inspect');
    await session.wb.waitForStatus(`(${SELECTED} selected)`);
  }

  it('the walkthrough ticks off "Inspect a selection" when the sample is inspected', async () => {
    const { wb } = session;
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pickQuickItem('Watch a transformer attend to your code');
    const step = wb.page.locator('.getting-started-step[data-step-id$="#inspect"]');
    await step.waitFor({ timeout: 30_000 });
    assert.equal(await step.getAttribute('aria-checked'), 'false');
    await openSample();
    await wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    await wb.frameWith('#view canvas');
    await wb.runCommand('Welcome: Open Walkthrough...');
    await wb.pickQuickItem('Watch a transformer attend to your code');
    await wb.page.waitForFunction(
      () =>
        document
          .querySelector('.getting-started-step[data-step-id$="#inspect"]')
          ?.getAttribute('aria-checked') === 'true',
      undefined,
      { timeout: 30_000 },
    );
  });

  it('Show Log opens the log, which says what was loaded and how long the inspection took', async () => {
    const { wb } = session;
    await openSample();
    await wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    await wb.frameWith('#view canvas');
    await wb.runCommand('Attention Inspector: Show Log');
    const output = wb.page.locator('.part.panel .output-view .view-lines');
    await output.waitFor({ timeout: 30_000 });
    await wb.page.waitForFunction(
      () => {
        const text = document.querySelector('.part.panel .output-view .view-lines')?.textContent;
        return /model\sloaded:\smini-code-gpt/.test(text ?? '') && /inspected\s/.test(text ?? '');
      },
      undefined,
      { timeout: 30_000 },
    );
  });
});
