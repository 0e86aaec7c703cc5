/**
 * Each one-node graph of test/fixtures/fused (tools/fixtures/fused_op_cases.py: the
 * com.microsoft Attention and MultiHeadAttention formats, the ONNX opset-23 Attention) run
 * in onnxruntime-web before and after un-fusing: the same outputs, and the attention is
 * then a standard Softmax that findAttention and findStepTensors read with its steps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { findAttention } from '../../../src/engine/graph/findAttention';
import { findStepTensors } from '../../../src/engine/graph/findStepTensors';
import { unfuseGraph } from '../../../src/engine/graph/unfuse/unfuseGraph';
import { OPTIMUM_UNFUSERS } from '../../../src/engine/graph/unfuse/optimumUnfusers';
import { maxAbsDiff } from '../folder/fixtureRuntime';
import { ROOT } from '../engine/fixtures';

const FUSED = join(ROOT, 'test', 'fixtures', 'fused');

interface Feed {
  type: 'float32' | 'int32' | 'bool';
  dims: number[];
  data: (number | boolean)[];
}

const cases = JSON.parse(readFileSync(join(FUSED, 'cases.json'), 'utf8')) as Record<
  string,
  Record<string, Feed>
>;

function tensor(feed: Feed): ort.Tensor {
  if (feed.type === 'float32')
    return new ort.Tensor('float32', Float32Array.from(feed.data, Number), feed.dims);
  if (feed.type === 'int32')
    return new ort.Tensor('int32', Int32Array.from(feed.data, Number), feed.dims);
  return new ort.Tensor('bool', Uint8Array.from(feed.data, Number), feed.dims);
}

async function run(bytes: Uint8Array, feeds: Record<string, Feed>, extra: string[] = []) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, tensor(v)]));
    const out = await session.run(inputs, [...session.outputNames, ...extra]);
    return Object.fromEntries(
      Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: t.dims }]),
    );
  } finally {
    await session.release();
  }
}

/** The un-fused model, with the probabilities of its one attention as an extra output. */
function unfused(bytes: Uint8Array, name: string) {
  const model = decodeOnnx(bytes, 'fused', `${name}.onnx`);
  const rewritten = unfuseGraph(model, 'fused', `${name}.onnx`, OPTIMUM_UNFUSERS);
  const graph = model.graph ?? {};
  const layers = findAttention(graph);
  const steps = findStepTensors(graph);
  const probabilities = layers[0]?.probabilities ?? '';
  graph.output?.push({ name: probabilities });
  const encoded = onnxProto.onnx.ModelProto.encode(model).finish();
  return { rewritten, layers, steps, probabilities, encoded, graph };
}

describe('un-fusing the Optimum-era attention ops: one node each', () => {
  for (const [name, feeds] of Object.entries(cases)) {
    it(`${name}: same outputs as the fused node (1e-5), attention found with its steps`, async () => {
      const bytes = readFileSync(join(FUSED, `${name}.onnx`));
      const fused = await run(bytes, feeds);
      const open = unfused(bytes, name);
      assert.equal(open.rewritten.length, 1);
      assert.ok(
        (open.graph.node ?? []).every((n) => !n.domain && n.opType !== 'Attention'),
        'only standard ops remain',
      );
      assert.equal(open.layers.length, 1);
      const [layer] = open.layers;
      // findAttention names the steps up to a soft-cap's Tanh; findStepTensors walks through it
      if (!name.includes('softcap')) {
        assert.ok(layer.rawScores && layer.query && layer.keyTransposed, 'q·kᵀ found');
      }
      assert.ok(open.steps[0], 'steps found');
      assert.ok(open.steps[0].scales.length > 0, 'the scale found');
      const mine = await run(open.encoded, feeds);
      for (const [output, values] of Object.entries(fused)) {
        const diff = maxAbsDiff(values.data, mine[output].data);
        assert.ok(diff <= 1e-5, `${output}: max |un-fused − fused| = ${diff}`);
      }
      const { data: probabilities, dims } = mine[open.probabilities];
      const keys = dims[dims.length - 1];
      for (let row = 0; row < probabilities.length; row += keys) {
        const sum = probabilities.subarray(row, row + keys).reduce((s, p) => s + p, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${row / keys} sums to ${sum}`);
      }
    });
  }
});
