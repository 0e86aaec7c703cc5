/**
 * A continuation's panel after a reload (issue 23) in a real VS Code: a forked branch on show,
 * the workbench reloaded, the panel comes back with that branch's tokens (its ids forced), and
 * a click on one of its alternatives says it can no longer branch. With the prompt changed in
 * the file before the reload, it comes back as a plain inspection of the prompt, saying why.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame } from 'playwright-core';
import { type Session, startSession } from './harness/session';
import type { Workbench } from './harness/workbench';

const FILE = 'sample.py';

/** Steps the panel's step bar back to its first step with the keyboard. */
async function firstStep(wb: Workbench, frame: Frame): Promise<void> {
  const bar = frame.locator('.generation-bar');
  const position = bar.locator('.generation-position');
  await bar.locator('input[type=range]').focus();
  for (let tries = 0; tries < 100 && !/^1 \//.test((await position.textContent()) ?? ''); tries++)
    await wb.page.keyboard.press('ArrowLeft');
}

/** Every step's label in the panel's step bar ("k / G: token"), first to last. */
async function stepLabels(wb: Workbench, frame: Frame): Promise<string[]> {
  const bar = frame.locator('.generation-bar');
  const position = bar.locator('.generation-position');
  await firstStep(wb, frame);
  const labels = [(await position.textContent()) ?? ''];
  const count = Number(/^1 \/ (\d+)/.exec(labels[0]!)?.[1]);
  for (let step = 2; step <= count; step++) {
    await wb.page.keyboard.press('ArrowRight');
    await bar.locator('.generation-position', { hasText: new RegExp(`^${step} /`) }).waitFor();
    labels.push((await position.textContent()) ?? '');
  }
  return labels;
}

/** Reloads the workbench (VS Code restores its panels) and waits for the panel's page. */
async function reload(wb: Workbench, selector: string): Promise<Frame> {
  await wb.page.reload({ timeout: 120_000 });
  await wb.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return wb.frameWith(selector, 180_000);
}

describe('Continue with Attention: a panel restored after a reload (code-server)', () => {
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

  it('comes back as the forked branch it showed; its alternatives say it can no longer branch', async function () {
    this.timeout(480_000);
    const { wb } = session;
    await wb.openFile(FILE);
    await wb.selectLines(1, 1);
    await wb.page.keyboard.press('Control+Alt+G');
    let frame = await wb.frameWith('.generation-bar:not([hidden])', 120_000);
    const first = await stepLabels(wb, frame);
    await firstStep(wb, frame);
    await wb.page.keyboard.press('ArrowRight');
    await frame.locator('.generation-position', { hasText: /^2 \// }).waitFor();
    await frame.locator('.generation-candidates button').first().click();
    const picker = frame.locator('.generation-branches select');
    await picker.waitFor({ state: 'visible', timeout: 120_000 });
    assert.equal(await picker.locator('option').count(), 2);
    const forked = await stepLabels(wb, frame);
    assert.notDeepEqual(forked, first, 'the fork wrote other tokens');

    frame = await reload(wb, '.generation-bar:not([hidden])');
    assert.deepEqual(await stepLabels(wb, frame), forked, 'the fork, token for token');
    await frame.locator('.generation-candidates button').first().click();
    await wb.waitForNotification('this continuation can no longer branch');
  });

  it('comes back as a plain inspection of the prompt when the prompt changed, saying why', async function () {
    this.timeout(300_000);
    const { wb } = session;
    const path = join(session.workspace, FILE);
    writeFileSync(path, `# edited\n${readFileSync(path, 'utf8')}`);
    const frame = await reload(wb, 'body.result-stale');
    await frame
      .locator('body', { hasText: 'The prompt changed in the file since this continuation' })
      .waitFor({ timeout: 60_000 });
    assert.equal(await frame.locator('.generation-bar:not([hidden])').count(), 0);
  });
});
