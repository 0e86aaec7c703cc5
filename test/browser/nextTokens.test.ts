/**
 * Next-token predictions read per row (issue 22) in real Chromium: a held result's metadata
 * says `nextTokens` instead of carrying every row's, and the page asks the host for the
 * focused row (test host: the engine's `HeldResults.predictions` over the real result's table).
 * Hovering 200 tokens sends two requests (the first row, then the newest); the list waits as
 * pending, a late answer for an old row does not show under the newest, a refusal is one quiet
 * line, and the logit lens is offered as for a full result.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/protocol/webview';
import { visibleText } from '../../webview/format';
import { launchChromium } from '../chromium';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { type FixtureResult, fixtureOf, heldStyle, runFixture } from './fixtureResult';
import { WebviewPage } from './webviewPage';

const settings: HostToWebview & { type: 'didChangeSettings' } = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 3, defaultView: 'head' },
};

/** A function of ~200 tokens for the bundled model (512 positions). */
const LONG_TEXT = Array.from(
  { length: 9 },
  (_, i) => `def add_${i}(a, b):\n    total = a + b * ${i}\n    return total\n`,
).join('\n');

/** The predictions the focus panel lists, as drawn. */
const listed = (w: WebviewPage) =>
  w.page.$$eval('ol.predictions:not(.pending) .prediction', (els) => els.map((e) => e.textContent));

/** Row `row`'s predictions as the panel writes them. */
const expected = (fixture: FixtureResult, row: number) =>
  fixture.result.predictions![row]!.map((p) => visibleText(p.text));

/** Pointer-over on each query token in one task: as fast as any hand can hover. */
const hoverAll = (w: WebviewPage, rows: number[]) =>
  w.page.evaluate((list) => {
    for (const i of list) {
      document
        .getElementById(`q-${i}`)!
        .dispatchEvent(new PointerEvent('pointerover', { bubbles: true }));
    }
  }, rows);

/** Waits until the host has been asked for predictions `count` times, then a frame. */
async function askedTimes(w: WebviewPage, count: number): Promise<void> {
  await w.host.calledTimes('predictions', count);
  await w.frame();
}

/** Waits until the panel lists drawn predictions (an answer arrived and was drawn). */
const drawn = (w: WebviewPage) => w.page.waitForSelector('ol.predictions:not(.pending)');

describe('next-token predictions asked per row (issue 22, Chromium)', () => {
  let browser: Browser;
  let small: FixtureResult;
  let long: FixtureResult;
  let w: WebviewPage;
  const errors: string[] = [];

  before(async () => {
    [browser, small] = await Promise.all([launchChromium(), runFixture()]);
    const bundled = join(ROOT, 'models', 'mini-code-gpt');
    long = fixtureOf(await sharedEngine().inspect(bundled, LONG_TEXT), 2, 'long.py:1–24');
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser);
    errors.length = 0;
    w.page.on('pageerror', (e) => errors.push(e.message));
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    assert.deepEqual(errors, [], 'no unhandled rejection or error in the page');
    await w.close();
  });

  it('hovering 200 tokens asks twice, the panel pending meanwhile, then the last row’s', async () => {
    const n = long.meta.tokens.length;
    assert.ok(n >= 200, `only ${n} tokens`);
    await w.sendResult(heldStyle(long), settings);
    assert.deepEqual(w.host.callsOf('predictions'), [], 'nothing asked before a focus');
    w.host.holdPredictions = true;
    const rows = Array.from({ length: 200 }, (_, i) => i);
    await hoverAll(w, rows);
    await askedTimes(w, 1);
    const k = long.meta.predictions![0]!.length;
    assert.deepEqual(
      w.host.callsOf('predictions').map((c) => [c.rows, c.k]),
      [[[0], k]],
      'one request in flight',
    );
    // Pending: the list's place is kept (as many dimmed items as a list has), never "none".
    assert.equal(await w.page.locator('ol.predictions.pending li').count(), k);
    assert.equal(await w.page.getAttribute('ol.predictions.pending', 'aria-busy'), 'true');
    await w.host.answerPredictions([0]);
    await askedTimes(w, 2);
    assert.deepEqual(
      w.host.callsOf('predictions').map((c) => c.rows),
      [[0], [199]],
      'then only the newest row',
    );
    assert.equal(await w.page.locator('ol.predictions.pending').count(), 1, 'row 0’s not shown');
    await w.host.answerPredictions([199]);
    await drawn(w);
    assert.deepEqual(await listed(w), expected(long, 199));
    assert.equal(w.host.callsOf('predictions').length, 2);
    // Back on row 0: its answer was kept, nothing asked.
    await hoverAll(w, [0]);
    await w.frame();
    assert.deepEqual(await listed(w), expected(long, 0));
    assert.equal(w.host.callsOf('predictions').length, 2);
  });

  it('a late answer for an old row does not overwrite the newest', async () => {
    await w.sendResult(heldStyle(small), settings);
    w.host.holdPredictions = true;
    await w.page.hover('#q-3');
    await w.page.hover('#q-7');
    await askedTimes(w, 1);
    await w.host.answerPredictions([3]);
    await askedTimes(w, 2);
    assert.equal(await w.page.locator('ol.predictions.pending').count(), 1);
    assert.deepEqual(await listed(w), []);
    await w.host.answerPredictions([7]);
    await drawn(w);
    assert.deepEqual(await listed(w), expected(small, 7));
    assert.deepEqual(
      w.host.callsOf('predictions').map((c) => c.rows),
      [[3], [7]],
    );
  });

  it('a refusal is one quiet line; a new run asks again', async () => {
    await w.sendResult(heldStyle(small), settings);
    w.host.refusePredictions = 'the engine let this result go';
    await w.page.hover('#q-5');
    await w.settle();
    assert.equal(
      await w.page.textContent('.predictions-refused'),
      'Not available: the engine let this result go',
    );
    assert.equal(await w.page.locator('ol.predictions').count(), 0);
    w.host.refusePredictions = undefined;
    const next = heldStyle(await runFixture(undefined, 9));
    await w.sendResult(next, settings);
    await w.page.hover('#q-5');
    await w.settle();
    assert.deepEqual(await listed(w), expected(next, 5));
  });

  it('the logit lens is offered for a result that asks its predictions per row', async () => {
    await w.sendResult(heldStyle(small), settings);
    await w.send({ type: 'didFocusToken', runId: 1, index: 4 });
    await w.settle();
    assert.equal(await w.page.locator('.logit-lens button.read-lens').count(), 1);
    assert.deepEqual(await listed(w), expected(small, 4));
  });
});
