/**
 * The webview's DOM-free modules, in Node: colour tables, matrix geometry and keys, and
 * the saved-state migration.
 */
import assert from 'node:assert/strict';
import { colorMapLut, lutIndex } from '../../webview/heatmap/colorMaps';
import {
  hitMatrix,
  layoutMatrix,
  moveCursor,
  panKeeping,
  panToShow,
  visibleRange,
} from '../../webview/heatmap/matrixLayout';
import { DEFAULT_STATE, migrateState } from '../../webview/viewState';

const hex = (lut: Uint8Array, k: number) =>
  [...lut.subarray(k * 3, k * 3 + 3)].map((v) => v.toString(16).padStart(2, '0')).join('');

describe('webview maths', () => {
  it('colour maps are matplotlib’s published tables end to end', () => {
    // First and last entries of matplotlib's _viridis_data, _cividis_data, _magma_data.
    assert.deepEqual(
      [hex(colorMapLut('viridis'), 0), hex(colorMapLut('viridis'), 255)],
      ['440154', 'fde725'],
    );
    assert.deepEqual(
      [hex(colorMapLut('cividis'), 0), hex(colorMapLut('cividis'), 255)],
      ['00224e', 'fee838'],
    );
    assert.deepEqual(
      [hex(colorMapLut('magma'), 0), hex(colorMapLut('magma'), 255)],
      ['000004', 'fcfdbf'],
    );
    assert.equal(hex(colorMapLut('viridis'), 128), '21918c');
    assert.deepEqual(
      [hex(colorMapLut('grays'), 0), hex(colorMapLut('grays'), 255)],
      ['000000', 'ffffff'],
    );
    for (const name of ['viridis', 'cividis', 'magma'] as const) {
      // Perceptual uniformity shows as monotonically rising lightness (Rec. 709 luma).
      const lut = colorMapLut(name);
      const luma = (k: number) =>
        0.2126 * lut[k * 3] + 0.7152 * lut[k * 3 + 1] + 0.0722 * lut[k * 3 + 2];
      for (let k = 8; k < 256; k += 8)
        assert.ok(luma(k) > luma(k - 8), `${name} lightness rises at ${k}`);
    }
  });

  it('maps values onto 256 steps of [0, max]', () => {
    assert.equal(lutIndex(0, 0.5), 0);
    assert.equal(lutIndex(0.5, 0.5), 255);
    assert.equal(lutIndex(0.25, 0.5), 128);
    assert.equal(lutIndex(2, 1), 255);
    assert.equal(lutIndex(0.3, 0), 0);
  });

  it('lays out, hit-tests and pans a zoomed matrix', () => {
    const l = layoutMatrix(100, 600, 500, { left: 80, top: 60 }, 4, -1e9, 0);
    assert.equal(l.cell, ((500 - 60 - 8) / 100) * 4);
    assert.equal(l.panX, l.plotWidth - 100 * l.cell, 'pan clamped to the right edge');
    const row2 = hitMatrix(l, 80 + 0.5 * l.cell, 60 + 2.5 * l.cell);
    assert.deepEqual(row2, { row: 2, col: Math.floor((0.5 * l.cell - l.panX) / l.cell) });
    assert.deepEqual(hitMatrix(l, 10, 60 + 3.5 * l.cell), { row: 3, col: -1 });
    assert.equal(hitMatrix(l, 10, 10), null);
    const [first, last] = visibleRange(l.panX, l.plotWidth, l.cell, 100);
    assert.equal(last, 100);
    assert.ok(first > 0);
    assert.equal(panToShow(0, 100, 10, 15), -60);
    assert.equal(panToShow(-60, 100, 10, 2), -20);
    assert.equal(panToShow(-60, 100, 10, 8), -60);
  });

  it('zooming keeps the cell under the pointer (or the plot centre) where it was', () => {
    const l = layoutMatrix(40, 500, 400, { left: 60, top: 50 }, 2, -30, -20);
    const cellAt = (pan: number, from: number, cell: number, at: number) =>
      (at - from - pan) / cell;
    for (const [x, y] of [
      [123, 77],
      [undefined, undefined],
    ]) {
      const px = x ?? l.left + l.plotWidth / 2;
      const py = y ?? l.top + l.plotHeight / 2;
      const pan = panKeeping(l, 1.5, x, y);
      assert.ok(
        Math.abs(cellAt(pan.x, l.left, l.cell * 1.5, px) - cellAt(l.panX, l.left, l.cell, px)) <
          1e-9,
      );
      assert.ok(
        Math.abs(cellAt(pan.y, l.top, l.cell * 1.5, py) - cellAt(l.panY, l.top, l.cell, py)) < 1e-9,
      );
    }
  });

  it('moves the cell cursor with the navigation keys, clamped to the matrix', () => {
    const at = { row: 3, col: 3 };
    assert.deepEqual(moveCursor(at, 'ArrowUp', false, 10, 4), { row: 2, col: 3 });
    assert.deepEqual(moveCursor(at, 'PageDown', false, 10, 4), { row: 7, col: 3 });
    assert.deepEqual(moveCursor(at, 'PageDown', false, 5, 4), { row: 4, col: 3 });
    assert.deepEqual(moveCursor(at, 'End', true, 10, 4), { row: 9, col: 9 });
    assert.deepEqual(moveCursor(at, 'Home', false, 10, 4), { row: 3, col: 0 });
    assert.equal(moveCursor(at, 'x', false, 10, 4), null);
  });

  it('migrates saved state, keeping only well-formed fields', () => {
    assert.deepEqual(migrateState(undefined), DEFAULT_STATE);
    assert.deepEqual(migrateState({ v: 2, view: 'head' }), DEFAULT_STATE);
    const kept = migrateState({
      ...DEFAULT_STATE,
      view: 'summary',
      head: 'rollout',
      zoom: 3,
      topK: 7,
      heads: [1, 2],
      weights: 'value-weighted',
    });
    assert.deepEqual(
      [kept.view, kept.head, kept.zoom, kept.topK, kept.heads, kept.weights],
      ['summary', 'rollout', 3, 7, [1, 2], 'value-weighted'],
    );
    const bad = migrateState({
      v: 1,
      view: 'x',
      layer: 1.5,
      head: -1,
      zoom: 0,
      colorMap: 'jet',
      topK: 0,
      heads: [-1],
      weights: 'norms',
    });
    assert.deepEqual(bad, DEFAULT_STATE);
  });
});
