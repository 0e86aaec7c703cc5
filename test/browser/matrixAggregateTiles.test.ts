/**
 * The matrix view's mean and max over heads on a 2,048-token result (issue 22): like one
 * head, they are drawn from the engine's tiles, pictures and rows (`acrossHeads`): the view
 * never asks for a whole layer, and what it draws is the heads combined.
 */
import assert from 'node:assert/strict';
import { colorMapLut } from '../../webview/heatmap/colorMaps';
import { PICTURE_SIDE } from '../../webview/headTiles';
import { fixtureOf } from './fixtureResult';
import { longResult, N } from './longResult';
import { cellCenter, matrixCellsOf } from './matrixCells';
import { webviewPagesForSuite } from './suiteChromium';
import type { WebviewPage } from './webviewPage';

const SETTINGS = {
  type: 'didChangeSettings' as const,
  settings: { colorMap: 'viridis' as const, topK: 3, defaultView: 'matrix' as const },
};

describe('matrix view: mean and max over heads at 2,048 tokens, from tiles (Chromium)', () => {
  let w: WebviewPage;
  const fixture = fixtureOf(longResult(), 7, 'long.js:1–700');
  const openPage = webviewPagesForSuite();
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  const slices = () => w.host.sliceCalls();
  const tilesOf = async (): Promise<{ drawn: string; heldBytes: number }> =>
    JSON.parse((await w.page.getAttribute('.matrix-base', 'data-tiles')) ?? '{}');
  /** Every ask combines the heads in the engine and is a picture, a tile or one row. */
  const assertNoWholeLayer = (across: string) => {
    for (const s of slices()) {
      assert.equal(s.acrossHeads, across, JSON.stringify(s));
      assert.equal(s.heads, undefined);
      const one = Array.isArray(s.rows) && s.rows.length === 1;
      assert.ok(s.block !== undefined || s.cols !== undefined || one, JSON.stringify(s));
    }
  };
  /** Page coordinates of cell (i, j)'s centre. */
  const cellAt = async (i: number, j: number) => {
    const l = await matrixCellsOf(w);
    return { ...cellCenter(l, i, j), page: { x: l.x, y: l.y } };
  };

  it('mean, zoomed out: one block-maximum picture of the mean, a hover asks for its row', async () => {
    w = await openPage({ state: { v: 1, head: 'mean' } });
    await w.sendResult(fixture, SETTINGS);
    await w.page.waitForFunction(() =>
      document.querySelector('.matrix-base')?.getAttribute('data-tiles')?.includes('picture'),
    );
    const block = Math.ceil(N / PICTURE_SIDE);
    const [picture, ...more] = slices();
    assert.equal(more.length, 0, JSON.stringify(more));
    assert.deepEqual(
      { rows: picture.rows, block: picture.block, reduce: picture.reduce },
      { rows: { start: 0, end: N }, block, reduce: 'max' },
    );
    assertNoWholeLayer('mean');
    // One picture of the combined heads is all the page holds (not one per head).
    const { drawn, heldBytes } = await tilesOf();
    assert.equal(drawn, 'picture');
    assert.equal(heldBytes, (N / block) ** 2 * 4);
    // Row 0 of both heads is 1 at (0, 0); far below the diagonal the mean is 1/1501/2.
    const lut = colorMapLut('viridis');
    const pixel = async (i: number, j: number) => {
      const at = await cellAt(i, j);
      return (await w.pixel('.matrix-base', at.x, at.y)).slice(0, 3);
    };
    assert.deepEqual(await pixel(0, 0), [...lut.slice(255 * 3, 256 * 3)]);
    assert.deepEqual(await pixel(1500, 100), [...lut.slice(0, 3)]);
    // The hover's row is the mean of the two heads': (1 + 1/1501) / 2 at (1500, 1499).
    const at = await cellAt(1500, 1499);
    await w.page.mouse.move(at.page.x + at.x, at.page.y + at.y);
    await w.page.waitForFunction(() =>
      /\n0\.500$/.test(document.querySelector('.matrix-view .tooltip')?.textContent ?? ''),
    );
    const rowAsks = slices().slice(1);
    assert.deepEqual(
      rowAsks.map((s) => s.rows),
      [[1500]],
    );
    assertNoWholeLayer('mean');
  });

  it('max, zoomed in: asks for the tiles on screen, draws the heads’ maximum, a hover focuses its row', async () => {
    w = await openPage({ state: { v: 1, zoom: 8, head: 'max' } });
    await w.sendResult(fixture, SETTINGS);
    await w.page.waitForFunction(() =>
      document.querySelector('.matrix-base')?.getAttribute('data-tiles')?.includes('"tiles"'),
    );
    await w.settle();
    assert.ok(
      slices().some((s) => s.cols !== undefined && s.block === undefined),
      'tiles asked',
    );
    assertNoWholeLayer('max');
    // The maximum of a previous-token head and an even head: 1 at (i, i − 1), drawn at full resolution.
    const lut = colorMapLut('viridis');
    const cell = await cellAt(9, 8);
    assert.deepEqual((await w.pixel('.matrix-base', cell.x, cell.y)).slice(0, 3), [
      ...lut.slice(255 * 3, 256 * 3),
    ]);
    const before = slices().length;
    const i = 6;
    const at = await cellAt(i, i - 1);
    await w.page.mouse.move(at.page.x + at.x, at.page.y + at.y);
    await w.settle();
    assert.deepEqual(
      slices()
        .slice(before)
        .map((s) => s.rows),
      [[i]],
    );
    assertNoWholeLayer('max');
    const focus = (await w.posted()).filter((m) => m.type === 'focusToken').at(-1) as unknown as {
      index: number;
      weights: number[];
    };
    assert.equal(focus.index, i);
    assert.equal(focus.weights[i - 1], 1);
    // Key 0: only the even head looks there, 1/(i + 1) (the mean would be half of it).
    assert.ok(Math.abs(focus.weights[0] - 1 / (i + 1)) < 1e-6, `${focus.weights[0]}`);
  });
});
