/** View state surviving a reload, the CSP, and the exports, in real Chromium. */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { headMatrix } from '../../src/shared/squareMatrix';
import { WEBVIEW_PROTOCOL_VERSION, type WebviewToHost } from '../../src/protocol/webview';
import { runFixture, type FixtureResult } from './fixtureResult';
import { bundledResult } from './stepsPage';
import { launchChromium } from '../chromium';
import { WebviewPage } from './webviewPage';

/** True when `svg` parses as XML in the browser (no parsererror). */
function wellFormed(w: WebviewPage, svg: string): Promise<boolean> {
  return w.page.evaluate(
    (text) =>
      new DOMParser().parseFromString(text, 'image/svg+xml').querySelector('parsererror') === null,
    svg,
  );
}

type Posted<T extends WebviewToHost['type']> = Extract<WebviewToHost, { type: T }>;

async function lastOf<T extends WebviewToHost['type']>(
  w: WebviewPage,
  type: T,
): Promise<Posted<T>> {
  const found = (await w.posted()).filter((m) => m.type === type);
  assert.ok(found.length, `a ${type} message was posted`);
  return found[found.length - 1] as Posted<T>;
}

describe('state and export (Chromium)', () => {
  let browser: Browser;
  let result: FixtureResult;

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), runFixture()]);
  });
  after(() => browser?.close());

  it('says ready with the protocol version first', async () => {
    const w = await WebviewPage.open(browser);
    assert.deepEqual((await w.posted())[0], { type: 'ready', protocol: WEBVIEW_PROTOCOL_VERSION });
    await w.close();
  });

  it("asks for a small result's overviews at once, first layers first; a newer result's follow (issues 28, 22)", async () => {
    const w = await WebviewPage.open(browser);
    const older = await bundledResult(1);
    const newer = await bundledResult(2);
    w.host.hold(1, older.result);
    w.host.hold(2, newer.result);
    w.host.gateOverviews(0);
    await w.send({ type: 'didStartResult', meta: older.meta });
    const asked = () =>
      w.host.callsOf('overview').map(({ runId, kind, layer }) => `${runId}/${kind}/${layer}`);
    const layers = newer.meta.model.layers;
    const older4 = Array.from({ length: layers }, (_, l) => `1/encoder/${l}`);
    // The bundled model's layers are small: all in flight at once (a big result's few at a
    // time, and a newer result stops the rest: test/unit/webview/overviewPull.test.ts).
    assert.deepEqual(asked(), older4, 'every layer in flight, first layers first');
    await w.send({ type: 'didStartResult', meta: newer.meta });
    w.host.openGate();
    await w.settle();
    assert.deepEqual(asked(), [
      ...older4,
      ...Array.from({ length: layers }, (_, l) => `2/encoder/${l}`),
    ]);
    assert.equal(w.host.callsOf('slice').length, 0, 'the model view asks for no slice');
    assert.equal(await w.page.locator('.thumb.pending').count(), 0);
    await w.close();
  });

  it('keeps a small versioned state and restores it after a reload', async () => {
    const w = await WebviewPage.open(browser, { theme: 'light' });
    await w.sendResult(result);
    await w.page.click('#tab-head');
    await w.page.selectOption('.field:has-text("Layer") select', '1');
    await w.page.selectOption('.field:has-text("Colours") select', 'magma');
    await w.page.getByLabel('Word level (sub-words merged)').check();
    const state = await w.state();
    assert.deepEqual(state, {
      v: 1,
      view: 'head',
      layer: 1,
      head: 0,
      wordLevel: true,
      hideSpecial: false,
      zoom: 1,
      colorMap: 'magma',
      scale: 'max',
      topK: null,
      heads: [],
      attention: 'cross',
      weights: 'attention',
    });
    assert.ok(JSON.stringify(state).length < 300, 'no tensors in the state');
    await w.close();
    const reloaded = await WebviewPage.open(browser, { theme: 'light', state });
    await reloaded.sendResult(result);
    assert.equal(await reloaded.page.getAttribute('#tab-head', 'aria-selected'), 'true');
    assert.equal(await reloaded.page.inputValue('.field:has-text("Colours") select'), 'magma');
    assert.equal(await reloaded.page.textContent('.head-chips span'), 'Layer 1 heads:');
    assert.ok(await reloaded.page.getByLabel('Word level (sub-words merged)').isChecked());
    await reloaded.close();
  });

  it('ignores a malformed saved state', async () => {
    const w = await WebviewPage.open(browser, {
      state: { v: 1, view: 'nope', layer: -3, zoom: 1e9, heads: 'x' },
    });
    await w.sendResult(result);
    assert.equal(await w.page.getAttribute('#tab-model', 'aria-selected'), 'true');
    assert.equal(await w.page.locator('.thumb').count(), 4);
    await w.close();
  });

  it('copies the shown matrix as CSV and exports JSON for the selection or all', async () => {
    const w = await WebviewPage.open(browser);
    await w.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'matrix' },
    });
    await w.page.selectOption('.field:has-text("Head") select', '1');
    await w.page.click('text=Copy CSV');
    const copy = await lastOf(w, 'copyText');
    const n = result.meta.tokens.length;
    const lines = copy.text.trimEnd().split('\r\n');
    assert.equal(lines.length, n + 1);
    assert.equal(copy.what, 'layer 0 · head 1 as CSV');
    const row7 = lines[8].split(',').slice(-n).map(Number);
    const expected = [...headMatrix(result.layers[0], n, 1).data.subarray(7 * n, 8 * n)];
    // The panel holds the engine's float32 slice; the CSV keeps float32 precision.
    row7.forEach((v, j) => {
      assert.ok(Math.abs(v - expected[j]) <= 1e-6, `cell (7, ${j})`);
    });
    await w.page.click('text=JSON: selection');
    assert.deepEqual(await lastOf(w, 'exportJson'), {
      type: 'exportJson',
      runId: 1,
      layers: [0],
      heads: [1],
    });
    await w.page.click('text=JSON: all');
    assert.deepEqual(await lastOf(w, 'exportJson'), {
      type: 'exportJson',
      runId: 1,
      layers: [],
      heads: [],
    });
    await w.close();
  });

  it('saves the matrix view as a real SVG and as a PNG', async () => {
    const w = await WebviewPage.open(browser);
    await w.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'matrix' },
    });
    await w.page.click('button:text-is("SVG")');
    const svg = await lastOf(w, 'saveImage');
    assert.equal(svg.format, 'svg');
    assert.equal(svg.suggestedName, 'attention-matrix-L0-0.svg');
    const n = result.meta.tokens.length;
    const cells =
      svg.data.match(
        /<rect x="[\d.]+" y="[\d.]+" width="(\d+)" height="\1" fill="#[0-9a-f]{6}"><title>/g,
      ) ?? [];
    assert.equal(cells.length, (n * (n + 1)) / 2, 'one rect per visible (unmasked) cell');
    assert.match(svg.data, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg.data, /masked \(causal\)/);
    assert.ok(await wellFormed(w, svg.data), 'the SVG is well-formed XML');
    await w.page.click('button:text-is("PNG")');
    await w.page.waitForFunction(() =>
      (
        window as unknown as { __posted: { event: { type: string; format?: string } }[] }
      ).__posted.some((m) => m.event?.type === 'saveImage' && m.event.format === 'png'),
    );
    const png = await lastOf(w, 'saveImage');
    assert.match(png.data, /^data:image\/png;base64,/);
    const size = await w.page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, png.data);
    assert.ok(size[0] > 2 * n * 8 && size[1] > 2 * n * 8, `PNG is the full matrix at 2× (${size})`);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('saves the head and model views as SVG too', async () => {
    const w = await WebviewPage.open(browser);
    await w.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 2, defaultView: 'head' },
    });
    await w.page.click('button:text-is("SVG")');
    const head = await lastOf(w, 'saveImage');
    const n = result.meta.tokens.length;
    assert.equal(
      (head.data.match(/<line /g) ?? []).length,
      countLines(result, 2),
      'top-2 lines per token and head',
    );
    assert.equal((head.data.match(/<text /g) ?? []).length, 2 * n + 1);
    assert.ok(await wellFormed(w, head.data));
    await w.page.click('#tab-model');
    await w.page.click('button:text-is("SVG")');
    const model = await lastOf(w, 'saveImage');
    assert.equal((model.data.match(/<image /g) ?? []).length, 4);
    assert.ok(await wellFormed(w, model.data));
    await w.close();
  });
});

/** Lines the head view draws for layer 0: per head and query, top-k weights above 0.02. */
function countLines(result: FixtureResult, k: number): number {
  const n = result.meta.tokens.length;
  let count = 0;
  for (let h = 0; h < result.meta.model.heads; h++) {
    const m = headMatrix(result.layers[0], n, h);
    for (let i = 0; i < n; i++) {
      const row = [...m.data.subarray(i * n, (i + 1) * n)].filter((v) => v > 0.02);
      count += Math.min(k, row.length);
    }
  }
  return count;
}
