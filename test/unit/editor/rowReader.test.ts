/**
 * The editor hover's rows of a held result (src/editor/rowReader.ts): one head, a layer's
 * mean and the mean of every layer and head equal what the full result gives, each asked
 * of the engine once; a released result fails and is asked again next time.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { meanOfRows } from '../../../src/editor/rowReader';
import { meanRow } from '../../../src/shared/headAggregates';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { engineRowReader, maxDiff } from './engineRowReader';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b\n';

describe('RowReader (src/editor/rowReader.ts)', () => {
  it('reads a head, a layer mean and the overall mean as the full result has them, once each', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const { reader, asked } = engineRowReader(engine);
    const n = full.tokens.length;
    const query = n - 2;
    const all = Array.from({ length: full.model.heads }, (_, h) => h);
    const cases = [
      { source: { layer: 2, head: 1 }, expected: meanRow([full.attentions[2]], n, [1], query) },
      { source: { layer: 3, head: null }, expected: meanRow([full.attentions[3]], n, all, query) },
      { source: 'all' as const, expected: meanRow(full.attentions, n, all, query) },
    ];
    for (const { source, expected } of cases) {
      const row = await reader.row(held, query, source);
      assert.ok(maxDiff(row, expected) < 1e-6, JSON.stringify(source));
    }
    const askedBefore = asked.length;
    assert.equal(askedBefore, 1 + 1 + full.model.layers, 'one row per layer, never a matrix');
    assert.ok(asked.every((r) => Array.isArray(r.rows) && r.rows.length === 1));
    await reader.row(held, query, { layer: 2, head: 1 });
    assert.equal(asked.length, askedBefore, 'a row hovered again is not asked again');
    engine.release(held.resultId);
    reader.forget(held.resultId);
    await assert.rejects(reader.row(held, query, { layer: 2, head: 1 }), /no longer held/);
    await assert.rejects(reader.row(held, query, { layer: 2, head: 1 }), /no longer held/);
    assert.equal(asked.length, askedBefore + 2, 'a failure is not kept');
  });

  it('averages every row of every slice column by column', () => {
    const slices = [Float32Array.from([1, 0, 0.5, 0.5]), Float32Array.from([0, 1])];
    assert.deepEqual([...meanOfRows(slices, 2)], [0.5, 0.5]);
  });
});
