/**
 * Editor hovers under the panel's value-weighted Weights switch (issue 24): the RowReader's
 * value-weighted rows are each head's row of the engine's value-weighted slice taken as
 * shares (what the panel shows), then averaged like attention rows; they are kept apart from
 * the attention rows of the same token; and the hover names what it lists.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { weightsWording } from '../../../src/editor/tokenMath';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { engineRowReader, maxDiff } from './engineRowReader';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';

describe('value-weighted editor hovers (issue 24)', () => {
  it('read each head’s value-weighted row as shares, averaged like attention rows', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const { reader, asked } = engineRowReader(engine);
    const n = held.tokens.length;
    const query = n - 2;
    const { heads, layers } = held.model;
    /** Mean over `which` heads of layers `from` of the value-weighted row as shares. */
    const expected = async (from: number[], which: number[]) => {
      const mean = new Float64Array(n);
      for (const layer of from) {
        const raw = await engine.slice(held.resultId, {
          kind: 'encoder',
          layer,
          weights: 'value-weighted',
        });
        for (const h of which) {
          const row = raw.subarray((h * n + query) * n, (h * n + query + 1) * n);
          const sum = row.reduce((a, b) => a + b, 0);
          row.forEach((v, j) => {
            mean[j] += v / sum / (from.length * which.length);
          });
        }
      }
      return mean;
    };
    const all = Array.from({ length: heads }, (_, h) => h);
    const every = Array.from({ length: layers }, (_, l) => l);
    const head = await reader.row(held, query, { layer: 1, head: 1 }, 'value-weighted');
    assert.ok(maxDiff(head, await expected([1], [1])) < 1e-6, 'layer 1 head 1');
    const layerMean = await reader.row(held, query, { layer: 2, head: null }, 'value-weighted');
    assert.ok(maxDiff(layerMean, await expected([2], all)) < 1e-6, 'layer 2 mean');
    const overall = await reader.row(held, query, 'all', 'value-weighted');
    assert.ok(maxDiff(overall, await expected(every, all)) < 1e-6, 'all layers and heads');
    assert.ok(asked.every((r) => r.weights === 'value-weighted' && r.rowShares === true));
    assert.ok(Math.abs(head.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'shares sum to 1');

    const plain = await reader.row(held, query, { layer: 1, head: 1 });
    assert.equal(asked.at(-1)?.weights, undefined, 'attention rows are asked apart');
    assert.ok(maxDiff(plain, head) > 1e-3, 'the sink head moves other than it weighs');
  });

  it('the hover names value-weighted shares, or attention weights', () => {
    assert.deepEqual(weightsWording('value-weighted'), {
      heading: 'Value-weighted attention from',
      column: 'value-weighted share',
      suffix: ' · value-weighted',
    });
    assert.equal(weightsWording('attention').column, 'weight');
    assert.equal(weightsWording('attention').heading, 'Attention from');
  });
});
