/**
 * Float16 contrib attention (tools/fixtures/make_fp16_fixtures.py: the Optimum-optimized
 * BERT and GPT-2 with their Attention / MultiHeadAttention nodes in float16, as ONNX
 * Runtime's transformer optimizer --float16 writes them) opens: the rewrite computes in
 * float32 between casts, its attention equals the float32 graph's within half-precision
 * tolerance (measured 5.6e-4 BERT, 9.2e-4 GPT-2), and the instrumented graph's outputs equal
 * the fused float16 graph's on onnxruntime-web (logits 3.4e-4, float16 present 3.5e-3).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { maxAbsDiff, runGraph } from '../folder/fixtureRuntime';
import { HF_FIXTURES, hfModel, type Reference } from '../folder/hfFixtures';

const FOLDERS = [
  { name: 'bert-optimized', source: 'bert', graph: 'onnx/model_fp16.onnx', op: 'Attention' },
  { name: 'gpt2-optimized', source: 'gpt2', graph: 'model_fp16.onnx', op: 'MultiHeadAttention' },
] as const;

/** Largest difference of half-precision attention (weights and activations rounded to 11 bits). */
const HALF_TOLERANCE = 2e-3;

const ids = (source: string): number[] =>
  (JSON.parse(readFileSync(join(HF_FIXTURES, `${source}.reference.json`), 'utf8')) as Reference)
    .ids;

describe('float16 contrib Attention and MultiHeadAttention opened up', () => {
  for (const f of FOLDERS) {
    it(`${f.name} ${f.graph}: attention equals the float32 graph's within ${HALF_TOLERANCE}`, async () => {
      const half = await hfModel(f.name, 'fp16');
      assert.equal(half.info.graphFile, f.graph);
      assert.equal(half.info.layers, 2);
      assert.match(
        half.info.notes?.join(' ') ?? '',
        new RegExp(`opened up 2 com.microsoft:${f.op}`),
      );
      const full = await hfModel(f.name);
      const tokens = ids(f.source);
      const want = (await full.runIds(tokens)).attentions;
      const got = (await half.runIds(tokens)).attentions;
      const diff = Math.max(...want.map((layer, l) => maxAbsDiff(layer, got[l])));
      assert.ok(diff > 0, 'the float16 weights are not the float32 ones');
      assert.ok(diff <= HALF_TOLERANCE, `max |float16 − float32| = ${diff}`);
    });

    it(`${f.name} ${f.graph}: the instrumented graph computes what the float16 graph computes`, async () => {
      const dir = join(HF_FIXTURES, f.name);
      const loaded = await loadModelFolder(nodeModelFiles(dir), {
        variant: 'fp16',
        headSteps: true,
      });
      assert.ok(loaded.edited);
      const tokens = ids(f.source);
      const instrumented = await runGraph(loaded.onnxBytes, tokens, loaded.externalData);
      const reference = await runGraph(readFileSync(join(dir, f.graph)), tokens);
      for (const [name, value] of Object.entries(reference)) {
        const diff = maxAbsDiff(value.data, instrumented[name].data);
        // float16 present key/values of about 2 hold 3 decimals: measured ≤ 3.5e-3.
        assert.ok(diff <= 5e-3, `${name}: max |instrumented − fused float16| = ${diff}`);
      }
    });
  }
});
