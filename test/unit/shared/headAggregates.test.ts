import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maxOverHeads, meanOverHeads, meanRow } from '../../../src/shared/headAggregates';
import { attentionLayer, rowSums } from './randomAttention';

describe('head aggregates', () => {
  it('mean and max over heads of a known 2-head layer', () => {
    const layer = new Float32Array([1, 0, 0.25, 0.75, 0, 1, 0.75, 0.25]);
    assert.deepEqual([...meanOverHeads(layer, 2, 2).data], [0.5, 0.5, 0.5, 0.5]);
    assert.deepEqual([...maxOverHeads(layer, 2, 2).data], [1, 1, 0.75, 0.75]);
  });

  it('mean over heads keeps rows summing to 1; max bounds every head', () => {
    fc.assert(
      fc.property(attentionLayer(5, 3, true), (layer) => {
        for (const sum of rowSums(meanOverHeads(layer, 5, 3).data, 5)) {
          assert.ok(Math.abs(sum - 1) < 1e-5, `row sum ${sum}`);
        }
        const max = maxOverHeads(layer, 5, 3).data;
        for (let k = 0; k < layer.length; k++) assert.ok(layer[k] <= max[k % 25]);
      }),
      { numRuns: 50 },
    );
  });

  it('a row averaged over heads is that row of the mean; over layers, their average', () => {
    fc.assert(
      fc.property(attentionLayer(4, 3, true), attentionLayer(4, 3, true), (a, b) => {
        const all = [0, 1, 2];
        for (let q = 0; q < 4; q++) {
          const row = meanRow([a], 4, all, q);
          const mean = meanOverHeads(a, 4, 3).data.subarray(q * 4, q * 4 + 4);
          for (let k = 0; k < 4; k++) assert.ok(Math.abs(row[k] - mean[k]) < 1e-6);
          const both = meanRow([a, b], 4, [1], q);
          for (let k = 0; k < 4; k++) {
            const expected = (a[(4 + q) * 4 + k] + b[(4 + q) * 4 + k]) / 2;
            assert.ok(Math.abs(both[k] - expected) < 1e-6);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
