/**
 * The Steps view in Chromium with the bundled model's real steps: it asks the host for the
 * chosen head, shows the query and key vectors, the scores table and the checks, follows
 * the query token by keyboard, and says why when the host cannot answer.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { FixtureResult } from './fixtureResult';
import { answerPositions, answerSteps, bundledResult, failSteps, stepsRequests } from './stepsPage';
import { screenshotDir } from '../screenshotDir';
import { launchChromium } from '../chromium';
import { WebviewPage } from './webviewPage';

const OUT = screenshotDir;

describe('Steps view (Chromium, bundled model)', () => {
  let browser: Browser;
  let result: FixtureResult;

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), bundledResult()]);
  });
  after(() => browser?.close());

  async function openSteps(theme: 'light' | 'dark' = 'dark', height = 900): Promise<WebviewPage> {
    const w = await WebviewPage.open(browser, {
      theme,
      width: 1200,
      height,
      state: { v: 1, layer: 1, head: 2 },
    });
    await w.sendResult(result);
    await w.page.click('#tab-steps');
    return w;
  }

  it('asks for the chosen head once, then shows the steps with both checks passing', async () => {
    const w = await openSteps();
    assert.deepEqual(stepsRequests(w), [{ runId: 1, layer: 1, head: 2 }]);
    assert.match(
      (await w.page.textContent('.steps-status')) ?? '',
      /Computing the steps of layer 1, head 2/,
    );
    const steps = await answerSteps(w, result);
    const n = result.meta.tokens.length;
    assert.equal(await w.page.locator('.score-table tbody tr').count(), n);
    // default query: the last token, which sees every key
    assert.equal(await w.page.locator('.score-table tr.masked').count(), 0);
    const checks = await w.page.locator('.steps-check').allTextContents();
    assert.equal(checks.length, 2);
    for (const text of checks) assert.match(text, /^✓ .* \(largest difference \d\.\de-\d+\)$/);
    assert.match(
      (await w.page.textContent('h2')) ?? '',
      new RegExp(`Layer 1 · head 2 · query .* #${n - 1}`),
    );
    // the scores column is q·k, the scaled column q·k × 1/√d
    const first = await w.page
      .locator('.score-table tbody tr')
      .first()
      .locator('td')
      .allTextContents();
    const lastRow = (n - 1) * steps.m;
    assert.equal(first[1], steps.scores[lastRow].toPrecision(4));
    assert.equal(first[2], (steps.scores[lastRow] * steps.scale).toPrecision(4));
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('moves the query with the keyboard: query 0 keeps only key 0 under the causal mask', async () => {
    const w = await openSteps();
    await answerSteps(w, result);
    await w.page.focus('.steps-tokens');
    await w.page.keyboard.press('Home');
    const n = result.meta.tokens.length;
    assert.equal(await w.page.locator('.score-table tr.masked').count(), n - 1);
    assert.equal(await w.page.getAttribute('#steps-token-0', 'aria-selected'), 'true');
    for (const text of await w.page.locator('.steps-check').allTextContents())
      assert.match(text, /^✓/);
    await w.page.keyboard.press('ArrowRight');
    assert.equal(await w.page.locator('.score-table tr.masked').count(), n - 2);
    // the vector grid reads its numbers by keyboard too
    await w.page.focus('.vector-grid canvas');
    await w.page.keyboard.press('ArrowRight');
    assert.match(
      (await w.page.textContent('.vector-grid .visually-hidden')) ?? '',
      /^q .* \[1\] = -?\d/,
    );
    await w.close();
  });

  it('asks again for another head, and says why when the host cannot answer', async () => {
    const w = await openSteps();
    await w.page.selectOption('.field:has-text("Head") select', '3');
    assert.deepEqual(stepsRequests(w).at(-1), { runId: 1, layer: 1, head: 3 });
    await failSteps(w, 'The model is gone.');
    assert.match(
      (await w.page.textContent('.steps-status')) ?? '',
      /could not be computed: The model is gone\./,
    );
    await w.page.selectOption('.field:has-text("Head") select', 'mean');
    assert.match(
      (await w.page.textContent('.steps-status')) ?? '',
      /Steps are per head: pick one head/,
    );
    await w.close();
  });

  it('asks once for the positions and shows the learned table and the per-head shifts', async () => {
    const w = await openSteps();
    await answerSteps(w, result);
    assert.deepEqual(w.host.callsOf('positions'), [{ runId: 1 }]);
    assert.match((await w.page.textContent('.positions p')) ?? '', /Measuring/);
    const report = await answerPositions(w, result);
    assert.match((await w.page.textContent('.positions p')) ?? '', /learned position vector/);
    assert.equal(await w.page.getAttribute('.position-map', 'width'), String(128 * 2));
    const rows = await w.page.locator('.effects-table tbody tr').allTextContents();
    assert.equal(rows.length, 4);
    assert.ok(rows[2].includes(report.effects!.position[1][2].toFixed(3)), rows[2]);
    assert.equal(await w.page.locator('.effects-table tr.focused').count(), 1);
    await w.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`screenshot, ${theme} theme`, async () => {
      mkdirSync(OUT, { recursive: true });
      const w = await openSteps(theme, 2300);
      await answerSteps(w, result);
      await answerPositions(w, result);
      await w.page.click('#steps-token-12');
      await w.page.mouse.move(0, 0);
      await w.page.screenshot({ path: join(OUT, `webview-steps-${theme}.png`), fullPage: true });
      await w.close();
    });
  }
});
