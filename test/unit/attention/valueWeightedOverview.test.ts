/**
 * The model view's value-weighted thumbnails (issue 24): the engine's `overview` with
 * `weights: 'value-weighted'` equals the block means of its own value-weighted slices taken
 * as each row's share (the panel's reading, webview/valueWeighted.ts), token level and as a
 * view groups tokens, on a result longer than a thumbnail; a slice's `rowShares` cut into
 * tiles and blocks equals the whole rows' shares cut afterwards; a result without norms is
 * refused with the engine's reason.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/engine';
import { type LayerOverview, THUMBNAIL_SIDE } from '../../../src/engine/types';
import { displayUnits, projectMatrix } from '../../../src/shared/displayUnits';
import { headMatrix } from '../../../src/shared/squareMatrix';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { worstDifference } from './referenceAgreement';
import { inspectUnread, withUnreadProjection } from './unreadProjectionFolder';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = Array.from(
  { length: 30 },
  (_, i) => `def helper_${i}(value):\n    return value * ${i} + helper_${i + 1}(value)\n`,
).join('');

/** Each `cols`-long row of `weights` over its sum (double precision), a new array. */
function shares(weights: Float32Array, cols: number): Float32Array {
  const out = new Float32Array(weights.length);
  for (let at = 0; at < weights.length; at += cols) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += weights[at + j];
    for (let j = 0; j < cols; j++) out[at + j] = sum > 0 ? weights[at + j] / sum : 0;
  }
  return out;
}

/** Means of `block` × `block` cells of each `[n, n]` head (last blocks hold fewer). */
function blockMeans(layer: Float32Array, heads: number, n: number, block: number): Float32Array {
  const side = Math.ceil(n / block);
  const out = new Float64Array(heads * side * side);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        out[(h * side + Math.floor(i / block)) * side + Math.floor(j / block)] +=
          layer[(h * n + i) * n + j];
      }
    }
    for (let bi = 0; bi < side; bi++) {
      for (let bj = 0; bj < side; bj++) {
        const cells = Math.min(block, n - bi * block) * Math.min(block, n - bj * block);
        out[(h * side + bi) * side + bj] /= cells;
      }
    }
  }
  return Float32Array.from(out);
}

/** Layer `layer`'s value-weighted overview and its attention overview. */
async function bothOverviews(
  engine: Engine,
  resultId: number,
  layer: number,
): Promise<[LayerOverview, LayerOverview]> {
  const weighted = await engine.overview(resultId, 'encoder', layer, undefined, 'value-weighted');
  return [weighted, await engine.overview(resultId, 'encoder', layer)];
}

describe('value-weighted overviews and row shares (issue 24)', () => {
  it('thumbnails are the block means of the value-weighted slices’ row shares, within 1e-6', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = held.tokens.length;
    const heads = held.model.heads;
    assert.ok(n > THUMBNAIL_SIDE, `the text is ${n} tokens`);
    for (let layer = 0; layer < held.model.layers; layer++) {
      const [got, plain] = await bothOverviews(engine, held.resultId, layer);
      const raw = await engine.slice(held.resultId, {
        kind: 'encoder',
        layer,
        weights: 'value-weighted',
      });
      const expected = blockMeans(shares(raw, n), heads, n, got.blockRows);
      assert.equal(got.weights, 'value-weighted');
      assert.equal(plain.weights, undefined, 'the attention overview says nothing of weights');
      assert.equal(got.blockRows, Math.ceil(n / THUMBNAIL_SIDE));
      const worst = worstDifference(got.thumbnails, expected);
      assert.ok(worst <= 1e-6, `layer ${layer}: differs by ${worst}`);
      assert.ok(worstDifference(got.thumbnails, plain.thumbnails) > 1e-3, 'same as attention');
      assert.deepEqual(got.summaries, plain.summaries, 'summaries stay on attention weights');
      assert.deepEqual(got.writes, plain.writes);
    }
  });

  it('grouped thumbnails project the row shares as the views do, within 1e-6', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = held.tokens.length;
    const heads = held.model.heads;
    const display = displayUnits(held.tokens, held.text, { wordLevel: true, hideSpecial: false });
    const count = display.units.length;
    const units = { unitOfToken: Array.from(display.unitOfToken), renormalise: false };
    const layer = 1;
    const got = await engine.overview(held.resultId, 'encoder', layer, units, 'value-weighted');
    const raw = await engine.slice(held.resultId, {
      kind: 'encoder',
      layer,
      weights: 'value-weighted',
    });
    const layerShares = shares(raw, n);
    const projected = new Float32Array(heads * count * count);
    for (let h = 0; h < heads; h++) {
      projected.set(projectMatrix(headMatrix(layerShares, n, h), display).data, h * count * count);
    }
    const expected = blockMeans(projected, heads, count, got.blockRows);
    assert.equal(got.weights, 'value-weighted');
    const worst = worstDifference(got.thumbnails, expected);
    assert.ok(worst <= 1e-6, `differs by ${worst}`);
  });

  it('rowShares divides whole rows before a tile is cut or blocks are reduced', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = held.tokens.length;
    const base = {
      kind: 'encoder' as const,
      layer: 1,
      heads: [1],
      weights: 'value-weighted' as const,
    };
    const whole = shares(await engine.slice(held.resultId, base), n);
    const rows = { start: 100, end: 164 };
    const cols = { start: 32, end: 96 };
    const tile = await engine.slice(held.resultId, { ...base, rows, cols, rowShares: true });
    const cut = new Float32Array(64 * 64);
    for (let r = 0; r < 64; r++) {
      cut.set(whole.subarray((100 + r) * n + 32, (100 + r) * n + 96), r * 64);
    }
    assert.ok(worstDifference(tile, cut) <= 1e-6);
    const block = 4;
    const picture = await engine.slice(held.resultId, {
      ...base,
      rows: { start: 0, end: n },
      block,
      reduce: 'mean',
      rowShares: true,
    });
    assert.ok(worstDifference(picture, blockMeans(whole, 1, n, block)) <= 1e-6);
    const row = await engine.slice(held.resultId, { ...base, rows: [n - 1], rowShares: true });
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 1e-5, 'a row of shares sums to 1');
  });

  it('a bnb4 result (MatMulBnb4 output projections, dequantized): the value-weighted overview is drawn', async () => {
    const engine = sharedEngine();
    const dir = join(HF_FIXTURES, 'gpt2-optimized');
    const held = await engine.inspectHeld(dir, 'the cat sat', { maxTokens: 8, variant: 'bnb4' });
    for (const layer of [0, 1]) {
      const [got, plain] = await bothOverviews(engine, held.resultId, layer);
      assert.equal(got.weights, 'value-weighted');
      assert.ok(worstDifference(got.thumbnails, plain.thumbnails) > 1e-3, 'same as attention');
      assert.equal(got.writes?.mean.length, held.model.heads);
    }
  });

  it('a result without norms: the value-weighted overview is refused with the engine’s reason', async () => {
    const engine = sharedEngine();
    // A MatMulBnb4 W_O with transB 0 is not read (unreadProjectionFolder.ts).
    await withUnreadProjection(async (dir) => {
      const held = await inspectUnread(engine, dir);
      await assert.rejects(
        engine.overview(held.resultId, 'encoder', 0, undefined, 'value-weighted'),
        /Value-weighted attention and head writes are not available for this result: /,
      );
      const plain = await engine.overview(held.resultId, 'encoder', 0);
      assert.equal(plain.weights, undefined);
    });
  });
});
