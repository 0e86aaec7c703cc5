/**
 * The Steps view on model-builder graphs (GroupQueryAttention opened up): q and k after
 * rotary and v equal PyTorch's (test/fixtures/hf/gqa-*.reference.json), the soft-cap and
 * the sliding window are found, the softmax of the steps equals the attention, and the
 * positions probe calls the cos/sin caches rotary.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stepsJson } from '../../../src/engine/export/stepsJson';
import { sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { maxDiff, qkT, recomputeAttention } from './stepsMaths';

interface GqaSteps {
  ids: number[];
  /** Per layer: q [heads][n][d] after rotary, k and v [kvHeads][n][d]. */
  steps: { q: number[][][]; k: number[][][]; v: number[][][] }[];
}

describe('head steps on GroupQueryAttention graphs', function () {
  this.timeout(120_000);

  for (const [name, softcap, window] of [
    ['gqa-llama', undefined, undefined],
    ['gqa-window', 4, 3],
  ] as const) {
    it(`${name}: q/k after rotary and v equal PyTorch; softmax of the steps equals the attention`, async () => {
      const dir = join(HF_FIXTURES, name);
      const ref = JSON.parse(
        readFileSync(join(HF_FIXTURES, `${name}.reference.json`), 'utf8'),
      ) as GqaSteps;
      const engine = sharedEngine();
      const model = await engine.loadModel(dir);
      const { layers, heads } = model.info;
      const requests = Array.from({ length: layers * heads }, (_, i) => ({
        layer: Math.floor(i / heads),
        head: i % heads,
      }));
      const steps = await engine.runSteps(dir, ref.ids, requests);
      const { attentions } = await model.runIds(ref.ids);
      const n = ref.ids.length;
      for (const s of steps) {
        const where = `${name} layer ${s.layer} head ${s.head}`;
        const want = ref.steps[s.layer];
        assert.equal(s.kvHead, Math.floor(s.head / 2), `${where}: key/value head`);
        assert.ok(maxDiff(s.q, want.q[s.head].flat()) < 1e-4, `${where}: q after rotary`);
        assert.ok(maxDiff(s.k, want.k[s.kvHead].flat()) < 1e-4, `${where}: k after rotary`);
        assert.ok(maxDiff(s.v, want.v[s.kvHead].flat()) < 1e-4, `${where}: v`);
        assert.ok(Math.abs(s.scale - 1 / 4) < 1e-7, `${where}: scale ${s.scale}`);
        assert.deepEqual(s.scaleAt, ['scores']);
        assert.equal(s.softcap, softcap, `${where}: softcap`);
        assert.equal(s.bias, null, `${where}: the soft-cap is no bias`);
        assert.ok(maxDiff(qkT(s.q, s.k, s.n, s.m, s.d), s.scores) < 1e-4, `${where}: q·kᵀ`);
        const row = attentions[s.layer].subarray(s.head * n * n, (s.head + 1) * n * n);
        assert.ok(maxDiff(recomputeAttention(s), row) < 1e-4, `${where}: softmax differs`);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < n; j++) {
            const seen = j <= i && (window === undefined || j > i - window);
            assert.equal(s.masked[i * n + j], seen ? 0 : 1, `${where}: mask at ${i},${j}`);
          }
      }
    });
  }

  it('positions: the cos/sin caches gathered at the positions are rotary', async () => {
    const ref = JSON.parse(
      readFileSync(join(HF_FIXTURES, 'gqa-llama.reference.json'), 'utf8'),
    ) as GqaSteps;
    const report = await sharedEngine().runPositions(join(HF_FIXTURES, 'gqa-llama'), ref.ids);
    assert.equal(report.kind, 'rotary');
    assert.equal(report.table, undefined);
  });

  it('the export writes the soft-cap with the steps', async () => {
    const dir = join(HF_FIXTURES, 'gqa-window');
    const [steps] = await sharedEngine().runSteps(dir, [457, 72, 300], [{ layer: 1, head: 3 }]);
    const doc = JSON.parse(`{"x": 0${stepsJson([steps], 9, (x) => String(x))}}`) as {
      steps: { softcap?: number; kvHead: number }[];
    };
    assert.equal(doc.steps[0].softcap, 4);
    assert.equal(doc.steps[0].kvHead, 1);
  });
});
