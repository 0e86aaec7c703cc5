/**
 * The matrix view in real Chromium, fed the fixture model's real output: what is drawn,
 * how hover and keys react, and what reaches the host.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { headMatrix, matrixMax, matrixRow } from '../../src/shared/squareMatrix';
import { topK } from '../../src/shared/topK';
import { unitLabel } from '../../src/shared/unitLabels';
import type { FocusMessage } from '../../src/protocol/webview';
import { colorMapLut, lutIndex } from '../../webview/heatmap/colorMaps';
import { runFixture, type FixtureResult } from './fixtureResult';
import { launchChromium } from '../chromium';
import { cellCenter, type MatrixCells, matrixCellsOf } from './matrixCells';
import { WebviewPage } from './webviewPage';

/** Moves the mouse to canvas-local point `p`. */
function hover(w: WebviewPage, l: MatrixCells, p: { x: number; y: number }): Promise<void> {
  return w.page.mouse.move(l.x + p.x, l.y + p.y);
}

/** Colours equal up to canvas anti-aliasing of a fractional-pixel line. */
function assertNear(actual: number[], expected: number[], message: string): void {
  assert.ok(
    actual.every((v, k) => Math.abs(v - expected[k]) <= 4),
    `${message}: got ${actual}, expected ${expected}`,
  );
}

async function lastFocus(w: WebviewPage): Promise<FocusMessage> {
  const focus = (await w.posted()).filter((m) => m.type === 'focusToken');
  return focus[focus.length - 1] as FocusMessage;
}

describe('matrix view (Chromium)', () => {
  let browser: Browser;
  let result: FixtureResult;
  let w: WebviewPage;

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), runFixture()]);
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 3, defaultView: 'matrix' },
    });
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('colours each cell by its weight through the colour map, masked cells distinctly', async () => {
    const n = result.meta.tokens.length;
    const head = headMatrix(result.layers[0], n, 0);
    const max = matrixMax(head);
    const lut = colorMapLut('viridis');
    const l = await matrixCellsOf(w);
    assert.equal(l.n, n);
    const cells: [number, number][] = [
      [0, 0],
      [5, 1],
      [n - 1, 0],
      [n - 1, n - 1],
      [20, 13],
      [33, 32],
    ];
    for (const [i, j] of cells) {
      const { x, y } = cellCenter(l, i, j);
      const [r, g, b] = await w.pixel('.matrix-base', x, y);
      const k = lutIndex(head.data[i * n + j], max) * 3;
      assert.deepEqual([r, g, b], [lut[k], lut[k + 1], lut[k + 2]], `cell (${i}, ${j})`);
    }
    // Above the diagonal a causal model masks keys: grey hatching, never the colour of 0.
    const { x, y } = cellCenter(l, 3, 40);
    const [r, g, b] = await w.pixel('.matrix-base', x, y);
    assert.ok(r === g && g === b, `masked cell is neutral grey, got ${[r, g, b]}`);
    assert.notDeepEqual([r, g, b], [lut[0], lut[1], lut[2]]);
  });

  it('colours by each row’s own maximum on the row scale', async () => {
    await w.page.selectOption('.field:has-text("Scale") select', 'row');
    const n = result.meta.tokens.length;
    const head = headMatrix(result.layers[0], n, 0);
    const lut = colorMapLut('viridis');
    const l = await matrixCellsOf(w);
    for (const [i, j] of [
      [7, 2],
      [30, 11],
      [n - 1, 5],
    ]) {
      const rowMax = Math.max(...matrixRow(head, i));
      const [r, g, b] = await w.pixel('.matrix-base', cellCenter(l, i, j).x, cellCenter(l, i, j).y);
      const k = lutIndex(head.data[i * n + j], rowMax) * 3;
      assert.deepEqual([r, g, b], [lut[k], lut[k + 1], lut[k + 2]], `cell (${i}, ${j})`);
    }
    assert.match((await w.page.textContent('.legend')) ?? '', /row max/);
  });

  it('hovering a cell highlights the top-k keys of its row and posts exactly those weights', async () => {
    const n = result.meta.tokens.length;
    const l = await matrixCellsOf(w);
    const i = 30;
    const { x, y } = cellCenter(l, i, 4);
    await hover(w, l, { x, y });
    const row = matrixRow(headMatrix(result.layers[0], n, 0), i);
    const expected = topK(row, 3);
    const focus = await lastFocus(w);
    assert.equal(focus.index, i);
    assert.equal(focus.label, 'layer 0 · head 0');
    const weights = focus.weights as unknown as number[];
    assert.equal(weights.length, n);
    for (let j = 0; j < n; j++)
      assert.equal(weights[j], expected.includes(j) ? row[j] : 0, `key ${j}`);
    // The overlay outlines the top-k cells of the row and leaves other cells untouched.
    for (const j of expected) {
      const px = await w.pixel('.matrix-overlay', l.left + l.panX + j * l.cell + 1, y);
      assert.ok(px[3] > 0, `top-k cell ${j} outlined`);
    }
    const other = [...Array(i + 1).keys()].find(
      (j) => !expected.includes(j) && !expected.includes(j - 1) && !expected.includes(j + 1),
    )!;
    assert.equal((await w.pixel('.matrix-overlay', cellCenter(l, i, other).x, y))[3], 0);
    assert.match((await w.page.textContent('.tooltip')) ?? '', /→/);
    assert.equal(
      await w.page.textContent('.focus-panel h2'),
      unitLabel([i], result.meta.tokens, result.meta.text),
    );
  });

  it('moves a cell cursor with the keyboard and reveals the key with Enter', async () => {
    await w.page.focus('.matrix-base');
    for (let k = 0; k < 4; k++) await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('ArrowRight');
    const focus = await lastFocus(w);
    assert.equal(focus.index, 4);
    await w.page.keyboard.press('Enter');
    const posted = await w.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'revealToken', runId: 1, index: 1 });
    // Announced from a timer (after the pointer settles; at once for the keyboard): wait for it.
    await w.page.waitForFunction(
      () =>
        /token 5 of \d+, attends to /.test(document.querySelector('#announcer')?.textContent ?? ''),
      undefined,
      { timeout: 5000 },
    );
    await w.page.keyboard.press('Escape');
    assert.equal((await lastFocus(w)).index, null);
    // A click on a row label reveals that (query) token.
    const l = await matrixCellsOf(w);
    await w.page.mouse.click(l.x + l.left - 10, l.y + cellCenter(l, 9, 0).y);
    const last = (await w.posted()).pop();
    assert.deepEqual(last, { type: 'revealToken', runId: 1, index: 9 });
  });

  it('zooms with the keyboard and keeps the focused row in view', async () => {
    await w.page.focus('.matrix-base');
    for (let k = 0; k < 3; k++) await w.page.keyboard.press('+');
    const l = await matrixCellsOf(w);
    assert.ok(l.cell > 0);
    assert.equal((await w.state()).zoom, 1.5 ** 3);
    await w.page.keyboard.press('End');
    await w.page.keyboard.press('Control+End');
    const after = await matrixCellsOf(w);
    assert.ok(after.panX < 0 && after.panY < 0, 'panned to the bottom-right corner');
    await w.page.click('button[aria-label="Fit the whole matrix (0)"]');
    assert.equal((await w.state()).zoom, 1);
    await w.page.click('.zoom button:text-is("+")');
    assert.equal((await w.state()).zoom, 1.5);
  });

  it('a drag pans the zoomed matrix and reveals nothing; a press that barely moves is a click', async () => {
    await w.page.focus('.matrix-base');
    for (let k = 0; k < 3; k++) await w.page.keyboard.press('+');
    const l = await matrixCellsOf(w);
    const reveals = async () => (await w.posted()).filter((m) => m.type === 'revealToken');
    const start = cellCenter(l, 10, 10);
    await hover(w, l, start);
    await w.page.mouse.down();
    await hover(w, l, { x: start.x - 30, y: start.y - 20 });
    await hover(w, l, { x: start.x - 60, y: start.y - 40 });
    await w.page.mouse.up();
    const dragged = await matrixCellsOf(w);
    assert.deepEqual([dragged.panX, dragged.panY], [l.panX - 60, l.panY - 40]);
    assert.deepEqual(await reveals(), [], 'a drag is no click');
    const cell = cellCenter(dragged, 12, 7);
    await hover(w, dragged, cell);
    await w.page.mouse.down();
    await hover(w, dragged, { x: cell.x + 1, y: cell.y + 1 });
    await w.page.mouse.up();
    assert.deepEqual(await reveals(), [{ type: 'revealToken', runId: 1, index: 7 }]);
    const after = await matrixCellsOf(w);
    assert.deepEqual([after.panX, after.panY], [dragged.panX, dragged.panY], 'no pan');
  });

  it('merges words and hides special tokens when the toggles say so', async () => {
    await w.page.getByLabel('Word level (sub-words merged)').check();
    let l = await matrixCellsOf(w);
    const wordCount = l.n;
    assert.ok(wordCount < result.meta.tokens.length);
    await w.page.getByLabel('Hide special tokens (rows renormalised)').check();
    l = await matrixCellsOf(w);
    assert.equal(l.n, wordCount - 1);
    await hover(w, l, cellCenter(l, 2, 0));
    const focus = await lastFocus(w);
    const weights = focus.weights as unknown as number[];
    assert.equal(weights[0], 0, 'the hidden <|endoftext|> carries no weight');
    // "function" is one word of four pieces; every piece carries the word's weight.
    const fn = result.meta.tokens
      .slice(1, 5)
      .map((t) => t.text)
      .join('');
    assert.equal(fn, 'function');
    assert.ok(weights[1] > 0 && [2, 3, 4].every((t) => weights[t] === weights[1]));
    assert.match((await w.page.textContent('.status')) ?? '', /word level \(sub-words merged\)/);
  });

  it('renders the high-contrast theme with its own outline colours and cell borders', async () => {
    const hc = await WebviewPage.open(browser, { theme: 'high-contrast' });
    await hc.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 3, defaultView: 'matrix' },
    });
    for (const page of [w, hc]) {
      const l = await matrixCellsOf(page);
      await hover(page, l, cellCenter(l, 10, 2));
    }
    const outline = async (page: WebviewPage) => {
      const l = await matrixCellsOf(page);
      return (
        await page.pixel(
          '.matrix-overlay',
          l.left + l.panX + 20.5 * l.cell,
          l.top + l.panY + 10 * l.cell,
        )
      ).slice(0, 3);
    };
    assertNear(
      await outline(hc),
      [0xf3, 0x85, 0x18],
      'contrastActiveBorder outlines the focused row',
    );
    assertNear(await outline(w), [0x00, 0x78, 0xd4], 'focusBorder outlines it in the dark theme');
    const tabBorder = (page: WebviewPage) =>
      page.page.$eval(
        '#tab-matrix',
        (el) => `${getComputedStyle(el).outlineStyle} ${getComputedStyle(el).outlineColor}`,
      );
    assert.equal(await tabBorder(hc), 'solid rgb(243, 133, 24)');
    assert.equal(await tabBorder(w), 'none rgb(204, 204, 204)');
    await hc.close();
  });
});
