/**
 * Attention recomputed from q and k (issue 22) equals the graph's own probabilities for
 * every fixture family: the held result's slices (rows in JavaScript, blocks on the kernel)
 * against the same folder loaded the old way, with every layer's probabilities as outputs.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { loadSingleGraphModel } from '../../../src/engine/inference/loadedModel';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstDifference } from './referenceAgreement';

const SEQ2SEQ = new Set(['opus-mt-tiny', 't5-small-tiny']);
/** Merged decoders compute attention inside an If: they keep their probabilities whole. */
const KEPT_WHOLE = new Set(['gpt2-merged', 'gpt2-optimized-merged']);
const FOLDERS = [
  join(ROOT, 'models', 'mini-code-gpt'),
  ...readdirSync(HF_FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !SEQ2SEQ.has(e.name))
    .map((e) => join(HF_FIXTURES, e.name)),
];
const TEXT = 'the cat sat on the mat; the cat sat on the hat. def f(x): return x + 1';

describe('attention recomputed from q and k, every fixture family', () => {
  for (const dir of FOLDERS) {
    const name = dir.split('/').pop() as string;
    it(`${name}: slices equal the graph's own probabilities within 1e-5`, async () => {
      const engine = sharedEngine();
      const model = await engine.loadModel(dir);
      assert.equal(model.folder.recomputeOutputs !== undefined, !KEPT_WHOLE.has(name));
      const held = await engine.inspectHeld(dir, TEXT, { maxTokens: 48 });
      assert.ok(!(held.model.notes ?? []).some((n) => n.includes('kept whole')), 'no fallback');
      const whole = await loadSingleGraphModel(await loadModelFolder(nodeModelFiles(dir)), dir);
      const ids = held.tokens.map((t) => t.id);
      const { attentions } = await whole.runIds(ids, false);
      const n = ids.length;
      const [{ layers, heads }] = held.stacks;
      for (let layer = 0; layer < layers; layer++) {
        const full = await engine.slice(held.resultId, { kind: 'encoder', layer });
        assert.ok(worstDifference(full, attentions[layer]) <= 1e-5, `layer ${layer} block`);
        const head = layer % heads;
        const rows = [n - 1, Math.floor(n / 2)];
        const two = await engine.slice(held.resultId, {
          kind: 'encoder',
          layer,
          heads: [head],
          rows,
        });
        const expected = new Float32Array(2 * n);
        for (const [i, r] of rows.entries()) {
          expected.set(
            attentions[layer].subarray((head * n + r) * n, (head * n + r + 1) * n),
            i * n,
          );
        }
        assert.ok(worstDifference(two, expected) <= 1e-5, `layer ${layer} head ${head} rows`);
      }
      await whole.release();
    });
  }
});
