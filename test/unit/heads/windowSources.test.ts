/**
 * A scan scores the same whichever way a window's attention is obtained (issue 25): the graph
 * cut to its probabilities, or the inspection's run with each layer recomputed from q and k
 * (what models too big for the first way get), on a GQA rotary decoder fixture.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { HeadScan } from '../../../src/engine/heads/headScan';
import { windowAttention } from '../../../src/engine/heads/windowAttention';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const TEXT = 'def add(a, b):\n    return (a + b) * [a, b]\n'.repeat(6);

describe('head scan window sources (issue 25)', function () {
  this.timeout(120_000);

  it('the pruned probabilities graph and the per-layer recomputation give the same scores', async () => {
    const dir = join(HF_FIXTURES, 'smollm2');
    const model = await sharedEngine().loadModel(dir);
    const options = { pattern: 'brackets' as const, windowTokens: 48 };
    const scores = [];
    for (const maxBytes of [undefined, 0]) {
      const attention = await windowAttention(model, nodeModelFiles(dir), 48, undefined, maxBytes);
      assert.equal(attention.source, maxBytes === 0 ? 'recomputed' : 'probabilities');
      const scan = new HeadScan(model, attention, options);
      const file = await scan.addFile('t.py', TEXT);
      assert.ok(file.windows > 1 && file.counted > 5, JSON.stringify(file));
      scores.push(scan.result().heads);
      await attention.release();
    }
    const [pruned, recomputed] = scores;
    assert.equal(pruned.length, model.info.layers * model.info.heads);
    for (const [i, head] of pruned.entries()) {
      const other = recomputed.find((h) => h.layer === head.layer && h.head === head.head);
      assert.ok(other && Math.abs((head.score as number) - (other.score as number)) < 1e-4, `${i}`);
      assert.equal(head.count, other?.count);
    }
  });
});
