/**
 * The matrix view on a 2,048-token result (issue 22): it never asks for a whole head. Zoomed
 * out it draws one block-maximum picture of the head; zoomed in, it asks for exactly the tiles
 * on screen; a hover asks for one row; what the page holds stays under the tile cache's bound.
 */
import assert from 'node:assert/strict';
import { colorMapLut } from '../../webview/heatmap/colorMaps';
import { PICTURE_SIDE, TILE_CACHE_BYTES, tilesCovering } from '../../webview/headTiles';
import { fixtureOf } from './fixtureResult';
import { longResult, N } from './longResult';
import { matrixCellsOf } from './matrixCells';
import { webviewPagesForSuite } from './suiteChromium';
import type { WebviewPage } from './webviewPage';

const SETTINGS = {
  type: 'didChangeSettings' as const,
  settings: { colorMap: 'viridis' as const, topK: 3, defaultView: 'matrix' as const },
};

describe('matrix view tiles at 2,048 tokens (Chromium)', () => {
  let w: WebviewPage;
  const fixture = fixtureOf(longResult(), 7, 'long.js:1–700');
  const openPage = webviewPagesForSuite();
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  const tilesOf = async (): Promise<{ drawn: string; heldBytes: number }> =>
    JSON.parse((await w.page.getAttribute('.matrix-base', 'data-tiles')) ?? '{}');
  const slices = () => w.host.sliceCalls();

  it('zoomed out, draws one block-maximum picture of the head; a hover asks for its row alone', async () => {
    w = await openPage();
    await w.sendResult(fixture, SETTINGS);
    await w.page.waitForFunction(() =>
      document.querySelector('.matrix-base')?.getAttribute('data-tiles')?.includes('picture'),
    );
    const asked = slices();
    assert.equal(asked.length, 1, JSON.stringify(asked));
    const block = Math.ceil(N / PICTURE_SIDE);
    assert.deepEqual(
      { heads: asked[0].heads, rows: asked[0].rows, block: asked[0].block, cols: asked[0].cols },
      { heads: [0], rows: { start: 0, end: N }, block, cols: undefined },
    );
    assert.equal(asked[0].reduce, 'max');
    const { drawn, heldBytes } = await tilesOf();
    assert.equal(drawn, 'picture');
    assert.equal(heldBytes, (N / block) ** 2 * 4);
    // The diagonal below the main one holds weight 1: its blocks are as bright as the map goes.
    const l = await matrixCellsOf(w);
    const lut = colorMapLut('viridis');
    const at = (i: number, j: number) =>
      w.pixel('.matrix-base', l.left + (j + 0.5) * l.cell, l.top + (i + 0.5) * l.cell);
    assert.deepEqual((await at(1000, 998)).slice(0, 3), [...lut.slice(255 * 3, 256 * 3)]);
    assert.deepEqual((await at(1500, 100)).slice(0, 3), [...lut.slice(0, 3)]);
    // A hover asks for its row; the tooltip shows the weight once the row is here.
    const box = (await w.page.locator('.matrix-base').boundingBox())!;
    await w.page.mouse.move(box.x + l.left + 100.5 * l.cell, box.y + l.top + 1500.5 * l.cell);
    await w.page.waitForFunction(() =>
      /\n0$/.test(document.querySelector('.matrix-view .tooltip')?.textContent ?? ''),
    );
    const rowAsks = slices().slice(1);
    assert.equal(rowAsks.length, 1);
    assert.ok(Array.isArray(rowAsks[0].rows) && rowAsks[0].rows.length === 1);
    // No whole image of the head to save; Copy CSV of it would be a 40 MB string: zoom in.
    assert.equal(await w.page.locator('button:text-is("PNG")').isDisabled(), true);
    await w.page.click('text=Copy CSV');
    assert.equal((await w.posted()).filter((m) => m.type === 'copyText').length, 0);
    assert.match((await w.page.textContent('.status .banner')) ?? '', /Zoom in to at most 512/);
  });

  it('zoomed in, asks for exactly the tiles on screen, again after a pan, and one row on hover', async () => {
    w = await openPage({ state: { v: 1, zoom: 8, head: 0 } });
    await w.sendResult(fixture, SETTINGS);
    await w.page.waitForFunction(() =>
      document.querySelector('.matrix-base')?.getAttribute('data-tiles')?.includes('"tiles"'),
    );
    await w.settle();
    const expectTiles = async (from: number) => {
      const l = await matrixCellsOf(w);
      const rows = [-l.panY / l.cell, (l.plotHeight - l.panY) / l.cell];
      const cols = [-l.panX / l.cell, (l.plotWidth - l.panX) / l.cell];
      const covering = tilesCovering(
        Math.max(0, Math.floor(rows[0])),
        Math.min(N, Math.ceil(rows[1])),
        Math.max(0, Math.floor(cols[0])),
        Math.min(N, Math.ceil(cols[1])),
        N,
        N,
      );
      const asked = slices()
        .slice(from)
        .filter((s) => s.cols !== undefined)
        .map((s) => {
          const rows = s.rows as { start: number; end: number };
          return `${rows.start}:${rows.end}/${s.cols?.start}:${s.cols?.end}`;
        });
      const expected = covering.map((t) => `${t.row}:${t.row + t.rows}/${t.col}:${t.col + t.cols}`);
      assert.deepEqual(asked.sort(), expected.sort());
      assert.ok(expected.length > 0 && expected.length <= 25, `${expected.length} tiles`);
    };
    assert.ok(slices().every((s) => s.block !== undefined || s.cols !== undefined));
    await expectTiles(0);
    // Copy CSV copies the part on screen, read from its tiles.
    await w.page.click('text=Copy CSV');
    const copy = (await w.posted()).filter((m) => m.type === 'copyText').at(-1) as {
      text: string;
      what: string;
    };
    const shown = await matrixCellsOf(w);
    const rowsShown = Math.ceil(shown.plotHeight / shown.cell);
    const colsShown = Math.ceil(shown.plotWidth / shown.cell);
    assert.match(copy.what, new RegExp(`tokens 0–${rowsShown - 1} × 0–${colsShown - 1}`));
    const lines = copy.text.trimEnd().split('\r\n');
    assert.equal(lines.length, rowsShown + 1);
    const row9 = lines[10].split(',').slice(-colsShown).map(Number);
    assert.deepEqual(row9.slice(0, 10), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    // Pan down and right by one wheel event: only the tiles then on screen are asked for.
    const before = slices().length;
    const box = (await w.page.locator('.matrix-base').boundingBox())!;
    await w.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await w.page.mouse.wheel(2500, 3000);
    await w.settle();
    const l = await matrixCellsOf(w);
    assert.ok(l.panY < -2000 && l.panX < -1500, `panned to ${l.panX}, ${l.panY}`);
    const seen = new Set(
      slices()
        .slice(0, before)
        .map((s) => JSON.stringify([s.rows, s.cols])),
    );
    const fresh = slices()
      .slice(before)
      .filter((s) => !seen.has(JSON.stringify([s.rows, s.cols])));
    assert.ok(fresh.length > 0, 'the pan asked for new tiles');
    assert.ok(fresh.every((s) => s.cols !== undefined || Array.isArray(s.rows)));
    await expectTiles(before);
    const { heldBytes } = await tilesOf();
    assert.ok(heldBytes <= TILE_CACHE_BYTES, `${heldBytes} bytes held`);
    // A hover on cell (i, i − 1) asks for row i alone and posts its weight.
    const i = Math.ceil(-l.panY / l.cell) + 3;
    const asked = slices().length;
    await w.page.mouse.move(
      box.x + l.left + l.panX + (i - 0.5) * l.cell,
      box.y + l.top + l.panY + (i + 0.5) * l.cell,
    );
    await w.settle();
    const rowAsks = slices().slice(asked);
    assert.deepEqual(
      rowAsks.map((s) => s.rows),
      [[i]],
    );
    const focus = (await w.posted()).filter((m) => m.type === 'focusToken').at(-1) as unknown as {
      index: number;
      weights: number[];
    };
    assert.equal(focus.index, i);
    assert.equal(focus.weights[i - 1], 1);
    assert.match(
      (await w.page.textContent('.tooltip')) ?? '',
      new RegExp(`#${i}\\) → .*\\(#${i - 1}\\)\\n1\\.000`),
    );
  });
});
