/** Model, head and summary views in real Chromium, fed the fixture model's real output. */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { meanOverHeads } from '../../src/shared/headAggregates';
import { headMatrix, matrixMax, matrixRow } from '../../src/shared/squareMatrix';
import { colorMapLut, lutIndex } from '../../webview/heatmap/colorMaps';
import { topK } from '../../src/shared/topK';
import type { FocusMessage } from '../../src/protocol/webview';
import { heldStyle, runFixture, type FixtureResult } from './fixtureResult';
import { launchChromium } from '../chromium';
import { WebviewPage } from './webviewPage';

const settings = (defaultView: 'model' | 'head' | 'summary') => ({
  type: 'didChangeSettings' as const,
  settings: { colorMap: 'cividis' as const, topK: 4, defaultView },
});

describe('model, head and summary views (Chromium)', () => {
  let browser: Browser;
  let result: FixtureResult;
  let w: WebviewPage;

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), runFixture()]);
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser, { theme: 'light' });
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('model view shows layers × heads thumbnails as layers arrive, and Enter opens one', async () => {
    const { meta } = result;
    w.host.hold(meta.runId, result.result);
    w.host.gateOverviews(1);
    await w.send([settings('model'), { type: 'didStartResult', meta }]);
    const thumbs = w.page.locator('.thumb');
    assert.equal(await thumbs.count(), meta.model.layers * meta.model.heads);
    assert.equal(
      await w.page.locator('.thumb.pending').count(),
      meta.model.heads,
      'layer 1 still pending',
    );
    assert.match((await w.page.textContent('.status')) ?? '', /received 1 of 2 layers/);
    w.host.openGate();
    await w.settle();
    assert.equal(await w.page.locator('.thumb.pending').count(), 0);
    assert.deepEqual(w.host.callsOf('slice'), [], 'thumbnails come from the overviews alone');
    // Every thumbnail is drawn (opaque pixels at its top-left cell).
    const drawn = await w.page.$$eval('.thumb canvas', (cs) =>
      cs.map((c) => (c as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, 1, 1).data[3]),
    );
    assert.deepEqual(drawn, [255, 255, 255, 255]);
    await w.page.focus('.thumb[data-layer="0"][data-head="0"]');
    await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('ArrowRight');
    await w.page.keyboard.press('Enter');
    assert.equal(await w.page.getAttribute('#tab-matrix', 'aria-selected'), 'true');
    const state = await w.state();
    assert.deepEqual([state.view, state.layer, state.head], ['matrix', 1, 1]);
    await w.settle();
    assert.deepEqual(
      w.host.callsOf('slice'),
      [{ runId: 1, kind: 'encoder', layer: 1, heads: [1] }],
      'opening one head asks for that head alone',
    );
    assert.equal(await w.page.evaluate(() => document.activeElement?.className), 'matrix-base');
  });

  it('head view draws lines per head, hover keeps a token’s top-k, click pins it', async () => {
    await w.sendResult(result, settings('head'));
    const n = result.meta.tokens.length;
    assert.equal(await w.page.locator('.queries .token').count(), n);
    assert.equal(await w.page.locator('.chip[aria-pressed="true"]').count(), 2);
    const i = 25;
    await w.page.hover(`#q-${i}`);
    const mean = meanOverHeads(result.layers[0], n, 2);
    const expected = topK(matrixRow(mean, i), 4);
    const shown = await w.page.$$eval('.keys .token.top', (els) =>
      els.map((e) => Number((e as HTMLElement).dataset.unit)),
    );
    assert.deepEqual(
      shown.sort((a, b) => a - b),
      [...expected].sort((a, b) => a - b),
    );
    assert.ok(await w.page.locator('.head-lines.dim').count(), 'other lines dimmed');
    const shades = await w.page.$$eval('.keys .token .shade', (els) =>
      els.map((e) => Number((e as HTMLElement).style.opacity || 0)),
    );
    const row = matrixRow(mean, i);
    shades.forEach((v, j) => {
      assert.ok(Math.abs(v - row[j]) < 1e-6, `key ${j} shaded by weight`);
    });
    const focus = (await w.posted()).filter((m) => m.type === 'focusToken').pop() as FocusMessage;
    assert.equal(focus.index, i);
    assert.equal(focus.label, 'layer 0 · mean of all heads');
    await w.page.click(`#q-${i}`);
    await w.page.mouse.move(5, 5);
    assert.equal(await w.page.textContent('.focus-meta'), `#${i} of ${n} · pinned`);
    // Turning one head off shows, and mirrors, that head alone.
    await w.page.click('.chip:nth-of-type(2)');
    const single = (await w.posted()).filter((m) => m.type === 'focusToken').pop() as FocusMessage;
    assert.equal(single.label, 'layer 0 · head 0');
    assert.deepEqual((await w.state()).heads, [0]);
    // Keyboard: the query list moves the focus with arrow keys.
    await w.page.focus('.queries');
    await w.page.keyboard.press('ArrowDown');
    assert.equal(
      ((await w.posted()).filter((m) => m.type === 'focusToken').pop() as FocusMessage).index,
      i + 1,
    );
  });

  it('summary view lists every head, sorts by a column, and opens a head', async () => {
    await w.sendResult(result, settings('summary'));
    const rows = w.page.locator('.summary-table tbody tr');
    assert.equal(await rows.count(), 4);
    await w.page.click('th:nth-child(5) button');
    const firstShares = await w.page.$$eval(
      '.summary-table tbody tr td:nth-child(5) .value',
      (els) => els.map((e) => Number(e.textContent)),
    );
    assert.deepEqual(
      firstShares,
      [...firstShares].sort((a, b) => b - a),
      'sorted by first-token share, descending',
    );
    assert.equal(await w.page.getAttribute('th:nth-child(5)', 'aria-sort'), 'descending');
    await w.page.click('.summary-table tbody tr:first-child button.link');
    assert.equal(await w.page.getAttribute('#tab-matrix', 'aria-selected'), 'true');
  });

  it('summary view names a sliding window and a soft-cap, and nothing for a model without them', async () => {
    await w.sendResult(result, settings('summary'));
    assert.equal(await w.page.isHidden('.attention-features'), true);
    const attention = {
      slidingWindow: { size: 3, layers: [1], from: 'graph' as const },
      softcap: { value: 4, from: 'graph' as const },
    };
    const model = { ...result.meta.model, attention };
    await w.sendResult({ ...result, meta: { ...result.meta, model } }, settings('summary'));
    const text = (await w.page.textContent('.attention-features')) ?? '';
    assert.match(text, /Sliding window: in layer 1 a token sees only the last 3 tokens/);
    assert.match(text, /4 · tanh\(s \/ 4\)/);
  });

  it('shows the head the host names (a Find Heads… example) in the matrix view, ignoring others', async () => {
    await w.sendResult(result, settings('summary'));
    await w.send({ type: 'didShowHead', runId: 1, layer: 1, head: 1 });
    assert.equal(await w.page.getAttribute('#tab-matrix', 'aria-selected'), 'true');
    const chosen = (name: string) =>
      w.page.locator(`.field:has-text("${name}") select`).first().inputValue();
    assert.equal(await chosen('Layer'), '1');
    assert.equal(await chosen('Head'), '1');
    await w.send({ type: 'didShowHead', runId: 9, layer: 0, head: 0 });
    await w.send({ type: 'didShowHead', runId: 1, layer: 99, head: 0 });
    assert.equal(await chosen('Layer'), '1', 'another run or a layer it lacks changes nothing');
  });

  it('follows the editor cursor, goes stale on an edit, and asks for a re-run', async () => {
    await w.sendResult(result, settings('head'));
    await w.send({ type: 'didFocusToken', runId: 1, index: 7 });
    assert.equal(await w.page.getAttribute('#q-7', 'class'), 'token focused');
    assert.equal(await w.page.getAttribute('#q-7', 'aria-selected'), 'true');
    const mirrored = (await w.posted())
      .filter((m) => m.type === 'focusToken')
      .pop() as FocusMessage;
    assert.equal(mirrored.index, 7);
    await w.send({ type: 'didInvalidate', runId: 1, reason: 'the document changed' });
    assert.ok(await w.page.evaluate(() => document.body.classList.contains('result-stale')));
    assert.match((await w.page.textContent('.banner')) ?? '', /Stale: the document changed/);
    assert.equal(await w.page.locator('.token.focused').count(), 0, 'highlights dropped');
    const before = (await w.posted()).length;
    await w.page.hover('#q-3');
    assert.equal((await w.posted()).length, before, 'no highlights sent for a stale result');
    await w.page.click('.banner button');
    assert.deepEqual((await w.posted()).pop(), { type: 'rerun', runId: 1 });
    await w.send({ type: 'didStartRun', runId: 2, label: 'sample.js:1–3' });
    assert.match((await w.page.textContent('.status .info')) ?? '', /^Inspecting sample\.js:1–3…/);
    await w.send({ type: 'didFail', runId: 2, message: 'the model folder is missing' });
    assert.match(
      (await w.page.textContent('.banner')) ?? '',
      /Inspection failed: the model folder is missing/,
    );
  });

  it('reaches every view and its content with the keyboard alone', async () => {
    await w.sendResult(result, settings('model'));
    const targets: Record<string, string> = {
      model: 'thumb',
      matrix: 'matrix-base',
      head: 'queries',
      summary: 'sort',
    };
    await w.page.focus('#tab-model');
    for (const view of ['model', 'matrix', 'head', 'summary']) {
      if (view !== 'model') {
        await w.page.focus('[role="tab"][aria-selected="true"]');
        await w.page.keyboard.press('ArrowRight');
      }
      assert.equal(await w.page.getAttribute(`#tab-${view}`, 'aria-selected'), 'true');
      await w.page.focus(`#tab-${view}`);
      let reached = false;
      for (let k = 0; k < 20 && !reached; k++) {
        await w.page.keyboard.press('Tab');
        reached = await w.page.evaluate(
          (cls) => document.activeElement?.classList.contains(cls) ?? false,
          targets[view],
        );
      }
      assert.ok(reached, `Tab reaches the ${view} view's ${targets[view]}`);
    }
  });

  it('shows an encoder without a mask and merges its WordPiece pieces into words', async () => {
    const encoder = await runFixture('Tokenization handles unbelievable words.', 1, 'encoder-bert');
    await w.sendResult(encoder, settings('head'));
    await w.page.getByLabel('Word level (sub-words merged)').check();
    const words = () =>
      w.page.$$eval('.queries .token .text', (els) => els.map((e) => e.textContent));
    assert.deepEqual(await words(), [
      '[CLS]',
      'Tokenization',
      'handles',
      'unbelievable',
      'words',
      '.',
      '[SEP]',
    ]);
    await w.page.getByLabel('Hide special tokens (rows renormalised)').check();
    assert.deepEqual(await w.page.$$eval('.keys .token .text', (els) => els.length), 5);
    await w.page.getByLabel('Word level (sub-words merged)').uncheck();
    await w.page.getByLabel('Hide special tokens (rows renormalised)').uncheck();
    await w.page.click('#tab-matrix');
    const n = encoder.meta.tokens.length;
    const layout = JSON.parse((await w.page.getAttribute('.matrix-base', 'data-layout'))!);
    const head = headMatrix(encoder.layers[0], n, 0);
    const lut = colorMapLut('cividis');
    const [i, j] = [2, 20];
    const px = await w.pixel(
      '.matrix-base',
      layout.left + layout.panX + (j + 0.5) * layout.cell,
      layout.top + layout.panY + (i + 0.5) * layout.cell,
    );
    const k = lutIndex(head.data[i * n + j], matrixMax(head)) * 3;
    assert.deepEqual(
      px.slice(0, 3),
      [lut[k], lut[k + 1], lut[k + 2]],
      'keys after the query are drawn',
    );
    assert.doesNotMatch((await w.page.textContent('.legend')) ?? '', /masked/);
  });

  // A full result carries every row's predictions; a held one's are asked for the row focused.
  for (const [path, shown] of [
    ['with the result', (r: FixtureResult) => r],
    ['asked per row', heldStyle],
  ] as const) {
    it(`shows the model’s next-token predictions beside the focused token (${path})`, async () => {
      await w.sendResult(shown(result), settings('head'));
      await w.page.hover('#q-10');
      await w.settle();
      const predicted = await w.page.$$eval('.predictions .prediction', (els) =>
        els.map((e) => e.textContent),
      );
      const expected = result.meta.predictions![10].map(
        (p) => p.text.replace(/ /g, '·').replace(/\n/g, '↵') || '∅',
      );
      assert.deepEqual(predicted, expected);
      const asked = w.host.callsOf('predictions').map((c) => [c.rows, c.k]);
      assert.deepEqual(asked, shown === heldStyle ? [[[10], expected.length]] : []);
    });
  }
});
