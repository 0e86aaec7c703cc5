/**
 * Folders written the way Optimum's --optimize / ONNX Runtime's transformer optimizer and
 * opset-23 exporters write BERT and GPT-2 (tools/fixtures/make_fused_fixtures.py, from the
 * weights of hf/bert and hf/gpt2) open end to end: the fixture computes what the PyTorch
 * export computes, the attention inside the fused nodes equals PyTorch's, the steps are
 * PyTorch's q, k, v and scores, and the instrumented graph computes the fused graph's outputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraphVariant } from '../../../src/engine/folder/onnxGraphFiles';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { maxDiff, recomputeAttention } from '../steps/stepsMaths';
import { sharedEngine } from '../engine/fixtures';
import { maxAbsDiff, runGraph } from '../folder/fixtureRuntime';
import { HF_FIXTURES, hfModel, maxAbsDiffToReference, type Reference } from '../folder/hfFixtures';

interface Folder {
  name: string;
  /** The PyTorch export with the same weights, whose references apply. */
  source: 'bert' | 'gpt2';
  graph: string;
  op: string;
}

const FOLDERS: Folder[] = [
  {
    name: 'bert-optimized',
    source: 'bert',
    graph: 'onnx/model.onnx',
    op: 'com.microsoft:Attention',
  },
  {
    name: 'gpt2-optimized',
    source: 'gpt2',
    graph: 'model.onnx',
    op: 'com.microsoft:MultiHeadAttention',
  },
  { name: 'gpt2-attention23', source: 'gpt2', graph: 'model.onnx', op: ':Attention' },
];

const json = <T>(file: string): T => JSON.parse(readFileSync(join(HF_FIXTURES, file), 'utf8')) as T;

describe('Optimum-optimized and opset-23 folders: fused attention opened up', () => {
  for (const f of FOLDERS) {
    const ids = () => json<Reference>(`${f.source}.reference.json`).ids;

    it(`${f.name}: the fixture computes what the PyTorch export of the same weights computes`, async () => {
      const sourceFile = join(HF_FIXTURES, f.source, 'model.onnx');
      const want = await runGraph(readFileSync(sourceFile), ids());
      const got = await runGraph(readFileSync(join(HF_FIXTURES, f.name, f.graph)), ids());
      for (const [name, value] of Object.entries(want)) {
        const diff = maxAbsDiff(value.data, got[name].data);
        assert.ok(diff < 1e-4, `${name}: max |fused − PyTorch export| = ${diff}`);
      }
    });

    it(`${f.name}: attention equals PyTorch's within 1e-4, every layer found`, async () => {
      const model = await hfModel(f.name);
      assert.equal(model.info.graphFile, f.graph);
      assert.equal(model.info.layers, 2);
      assert.match(model.info.notes?.join(' ') ?? '', new RegExp(`opened up 2 ${f.op}`));
      const ref = json<Reference>(`${f.source}.reference.json`);
      const { attentions } = await model.runIds(ref.ids);
      const diff = maxAbsDiffToReference(attentions, ref);
      assert.ok(diff <= 1e-4, `max |engine − PyTorch| = ${diff}`);
    });

    it(`${f.name}: the instrumented graph's own outputs equal the fused graph's within 1e-5`, async () => {
      const dir = join(HF_FIXTURES, f.name);
      const loaded = await loadModelFolder(nodeModelFiles(dir), { headSteps: true });
      assert.ok(loaded.edited);
      const fused = await runGraph(readFileSync(join(dir, f.graph)), ids());
      const instrumented = await runGraph(loaded.onnxBytes, ids(), loaded.externalData);
      for (const [name, value] of Object.entries(fused)) {
        const diff = maxAbsDiff(value.data, instrumented[name].data);
        assert.ok(diff <= 1e-5, `${name}: max |instrumented − fused| = ${diff}`);
      }
    });

    it(`${f.name}: steps are PyTorch's q, k, v, scores and output; their softmax is the attention`, async () => {
      const ref = json<StepsReference>(`${f.source}.steps.json`);
      const dir = join(HF_FIXTURES, f.name);
      const requests = [0, 1].flatMap((layer) => [0, 1, 2, 3].map((head) => ({ layer, head })));
      const steps = await sharedEngine().runSteps(dir, ref.ids, requests);
      const { attentions } = await (await hfModel(f.name)).runIds(ref.ids);
      const n = ref.ids.length;
      for (const s of steps) {
        const where = `layer ${s.layer} head ${s.head}`;
        const want = ref.layers[s.layer];
        assert.ok(Math.abs(s.scale - want.scale) < 1e-6, `${where}: scale ${s.scale}`);
        for (const key of ['q', 'k', 'v', 'scores', 'output'] as const) {
          const diff = maxDiff(s[key], Float32Array.from(want.heads[s.head][key].flat()));
          assert.ok(diff < 1e-4, `${where}: ${key} differs from PyTorch by ${diff}`);
        }
        const row = attentions[s.layer].subarray(s.head * n * n, (s.head + 1) * n * n);
        assert.ok(maxDiff(recomputeAttention(s), row) < 1e-4, `${where}: softmax differs`);
      }
      assert.equal(steps[0].masked[1], f.source === 'gpt2' ? 1 : 0, 'query 0 and key 1');
    });
  }
});

describe('Optimum-optimized and opset-23 folders: positions as in the PyTorch export', () => {
  for (const f of FOLDERS) {
    it(`${f.name}: the position table and the heads' position/token effects equal ${f.source}'s`, async () => {
      const ids = json<Reference>(`${f.source}.reference.json`).ids;
      const engine = sharedEngine();
      const want = await engine.runPositions(join(HF_FIXTURES, f.source), ids);
      const got = await engine.runPositions(join(HF_FIXTURES, f.name), ids);
      assert.equal(got.kind, 'learned');
      assert.ok(got.table && want.table && maxDiff(got.table.data, want.table.data) === 0);
      for (const key of ['position', 'token'] as const) {
        (want.effects?.[key] ?? []).forEach((layer, l) => {
          const diff = maxDiff(got.effects?.[key][l] ?? new Float32Array(), layer);
          assert.ok(diff < 1e-4, `layer ${l} ${key} effect differs by ${diff}`);
        });
      }
    });
  }
});

describe('Optimum int8 variant (DynamicQuantizeLinear + MatMulInteger): runs as it is', () => {
  const variant: GraphVariant = 'quantized';

  it('runs onnx/model_quantized.onnx when asked: close to PyTorch fp32, not equal', async () => {
    const model = await hfModel('bert-optimized', variant);
    assert.equal(model.info.graphFile, 'onnx/model_quantized.onnx');
    const ref = json<Reference>('bert.reference.json');
    const { attentions } = await model.runIds(ref.ids);
    const diff = maxAbsDiffToReference(attentions, ref);
    assert.ok(diff > 0 && diff < 0.05, `max |int8 − PyTorch fp32| = ${diff}`);
  });

  it("its instrumented graph's outputs equal the quantized graph's within 1e-5", async () => {
    const dir = join(HF_FIXTURES, 'bert-optimized');
    const loaded = await loadModelFolder(nodeModelFiles(dir), { variant, headSteps: true });
    const ids = json<Reference>('bert.reference.json').ids;
    const fused = await runGraph(readFileSync(join(dir, 'onnx', 'model_quantized.onnx')), ids);
    const instrumented = await runGraph(loaded.onnxBytes, ids, loaded.externalData);
    const diff = maxAbsDiff(fused.last_hidden_state.data, instrumented.last_hidden_state.data);
    assert.ok(diff <= 1e-5, `max |instrumented − quantized| = ${diff}`);
  });
});

interface StepsReference {
  ids: number[];
  layers: {
    scale: number;
    heads: Record<'q' | 'k' | 'v' | 'scores' | 'output', number[][]>[];
  }[];
}
