/**
 * The continuation step control (issue 23) in real Chromium, on a real continuation: the
 * project's engine lets the GPT-2 fixture continue a text, the page gets the result as the
 * host sends it. Step t focuses generated token t's row (the editor is told its weights over
 * prompt + earlier tokens), the candidates are those predicted before it with the chosen one
 * marked; ← / → on the slider and the buttons step; a result without one hides the bar.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { InspectResult } from '../../src/engine/types';
import type { FocusMessage, HostToWebview } from '../../src/protocol/webview';
import { formatPercent, visibleText } from '../../webview/format';
import { launchChromium } from '../chromium';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { fixtureOf, heldStyle, runFixture } from './fixtureResult';
import { WebviewPage } from './webviewPage';

const settings: HostToWebview & { type: 'didChangeSettings' } = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 3, defaultView: 'matrix' },
};

async function lastFocus(w: WebviewPage): Promise<FocusMessage> {
  const focus = (await w.posted()).filter((m) => m.type === 'focusToken');
  return focus.at(-1) as FocusMessage;
}

describe('continuation steps (Chromium)', () => {
  let browser: Browser;
  let w: WebviewPage;
  let result: InspectResult;

  before(async () => {
    browser = await launchChromium();
    result = await sharedEngine().inspect(
      join(ROOT, 'test', 'fixtures', 'hf', 'gpt2'),
      'def add(a, b):',
      { generate: { maxNewTokens: 6 } },
    );
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(fixtureOf(result, 3, 'add.py:1'), settings);
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('steps with → and ← on the slider: each step focuses that token and marks it among the candidates', async () => {
    const generation = result.generation!;
    const n = generation.promptTokens;
    const bar = w.page.locator('.generation-bar');
    assert.ok(await bar.isVisible());
    assert.equal(await bar.locator('input[type=range]').getAttribute('max'), '6');
    assert.match((await bar.textContent()) ?? '', /6 tokens written, greedy/);
    await bar.locator('input[type=range]').focus();
    await w.page.keyboard.press('ArrowRight');
    await w.settle();
    assert.match((await bar.locator('.generation-position').textContent()) ?? '', /^2 \/ 6/);
    let focus = await lastFocus(w);
    assert.equal(focus.index, n + 1, 'generated token 2 is row N + 1');
    const weights = [...(focus.weights as unknown as number[])];
    assert.equal(weights.length, n + 6);
    assert.ok(
      weights.slice(n + 2).every((x) => x === 0),
      'no weight on tokens after it',
    );
    const chosen = result.predictions![n]!.find((p) => p.id === generation.generated[1]!.id);
    assert.ok(chosen, 'greedy: the chosen token is the top prediction');
    const marked = (await bar.locator('.generation-candidates .chosen').textContent()) ?? '';
    assert.ok(marked.endsWith(` ${formatPercent(chosen.prob)}`), marked);
    await w.page.keyboard.press('ArrowLeft');
    await w.settle();
    focus = await lastFocus(w);
    assert.equal(focus.index, n);
    await bar.locator('button[title^="Next"]').click();
    await bar.locator('button[title^="Next"]').click();
    await w.settle();
    assert.equal((await lastFocus(w)).index, n + 2);
  });

  it('a held result’s candidates are asked for every step at once, and drawn when they arrive', async () => {
    const n = result.generation!.promptTokens;
    const fixture = heldStyle(fixtureOf(result, 7, 'add.py:1'));
    w.host.hold(7, fixture.result);
    w.host.holdPredictions = true;
    await w.send({ type: 'didStartResult', meta: fixture.meta });
    await w.host.calledTimes('predictions', 1);
    await w.frame();
    const k = fixture.meta.nextTokens!.k;
    const rows = Array.from({ length: 6 }, (_, t) => n - 1 + t);
    assert.deepEqual(
      w.host.callsOf('predictions').map((c) => [c.runId, c.rows, c.k]),
      [[7, rows, k]],
      'one request: the row before each written token',
    );
    const candidates = w.page.locator('.generation-bar .generation-candidates');
    assert.equal(await candidates.getAttribute('class'), 'generation-candidates pending');
    await w.host.answerPredictions(rows);
    await w.page.waitForSelector('.generation-candidates:not(.pending) li');
    const want = (step: number) =>
      result.predictions![n - 1 + step]!.map(
        (p) => `${visibleText(p.text)} ${formatPercent(p.prob)}`,
      );
    assert.deepEqual(await candidates.locator('li').allTextContents(), want(0));
    assert.equal(await candidates.locator('.chosen').count(), 1);
    // Step 2, and the focus panel on its row: both already answered.
    await w.page.locator('.generation-bar input[type=range]').focus();
    await w.page.keyboard.press('ArrowRight');
    await w.frame();
    assert.deepEqual(await candidates.locator('li').allTextContents(), want(1));
    assert.equal(w.host.callsOf('predictions').length, 1);
  });

  it("an encoder-decoder's greedy target: the same steps over its decoder rows (cross-attention)", async () => {
    const translation = await sharedEngine().inspect(
      join(ROOT, 'test', 'fixtures', 'hf', 't5-small-tiny'),
      'The cat sat on the mat.',
      { target: { kind: 'greedy', maxNewTokens: 5 } },
    );
    const written = translation.seq2seq!.decoderTokens.length - 1;
    await w.sendResult(fixtureOf(translation, 5, 'cat.txt:1'), settings);
    await w.page.selectOption('.seq2seq-bar select', 'encoder');
    const bar = w.page.locator('.generation-bar');
    assert.equal(await bar.locator('input[type=range]').getAttribute('max'), String(written));
    await bar.locator('input[type=range]').focus();
    await w.page.keyboard.press('ArrowRight');
    await w.settle();
    assert.equal(await w.page.locator('.seq2seq-bar select').inputValue(), 'cross');
    const focus = await lastFocus(w);
    assert.deepEqual([focus.attention, focus.index], ['cross', 2], 'target token 2, after <pad>');
    assert.equal(await bar.locator('.generation-candidates li').count(), 0);
  });

  it('a result without a continuation hides the bar', async () => {
    const plain = await runFixture(undefined, 4);
    await w.sendResult(plain, settings);
    assert.equal(await w.page.locator('.generation-bar').isVisible(), false);
  });
});
