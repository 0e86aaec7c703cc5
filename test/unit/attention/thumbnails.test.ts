/**
 * Thumbnails (src/engine/attention/thumbnails.ts) are the block means of each head's
 * weights, summed in float32 one weight at a time in reading order, so the engine's
 * thumbnails of a layer are the same to the last bit however they are summed inside: here
 * against that sum written out cell by cell, for exact, block and partial-block sides.
 */
import assert from 'node:assert/strict';
import { thumbnailBlocks, thumbnailsOf } from '../../../src/engine/attention/thumbnails';
import { seededRandom } from '../../../src/engine/inference/seededRandom';

/** Causal rows of random weights, each summing to 1, `[heads, n, n]`. */
function causalLayer(heads: number, n: number, seed: number): Float32Array {
  const random = seededRandom(seed);
  const layer = new Float32Array(heads * n * n);
  for (let row = 0; row < heads * n; row++) {
    const i = row % n;
    const raw = Array.from({ length: i + 1 }, () => random() ** 4);
    const sum = raw.reduce((a, b) => a + b, 0);
    raw.forEach((v, j) => {
      layer[row * n + j] = v / sum;
    });
  }
  return layer;
}

/** Each cell summed into a float32, rows in order, each row's weights in order, then divided. */
function cellByCell(layer: Float32Array, heads: number, n: number): Float32Array {
  const { block, side } = thumbnailBlocks(n);
  const out = new Float32Array(heads * side * side);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const cell = (h * side + Math.floor(i / block)) * side + Math.floor(j / block);
        out[cell] += layer[(h * n + i) * n + j];
      }
    }
    for (let bi = 0; bi < side; bi++) {
      for (let bj = 0; bj < side; bj++) {
        const height = Math.min(block, n - bi * block);
        const width = Math.min(block, n - bj * block);
        out[(h * side + bi) * side + bj] /= height * width;
      }
    }
  }
  return out;
}

describe('thumbnails: block means of a layer', () => {
  for (const n of [1, 97, 128, 207, 401]) {
    it(`${n} tokens: equal to the last bit the means summed cell by cell`, () => {
      const layer = causalLayer(3, n, n);
      const { thumbnails, side, blockRows } = thumbnailsOf(layer, 3, n, n);
      assert.equal(side, Math.ceil(n / blockRows));
      assert.deepEqual(thumbnails, cellByCell(layer, 3, n));
    });
  }
});
