import assert from 'node:assert/strict';
import fc from 'fast-check';
import { maxOverHeads, meanOverHeads } from '../../../src/shared/headAggregates';
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
});
