/**
 * Model-builder folders (GroupQueryAttention + MatMulNBits, made by
 * tools/fixtures/make_gqa_fixtures.py and checked against PyTorch by
 * check_gqa_fixtures.mjs) open: the attention inside each fused node equals PyTorch's, and
 * the rewritten graph computes the fused graph's own outputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { halfToFloat } from '../../../src/engine/attention/extractAttention';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { encodeOnnx } from '../../../src/engine/graph/exposeTensors';
import { findAttention } from '../../../src/engine/graph/findAttention';
import { unfuseGraph } from '../../../src/engine/graph/unfuse/unfuseGraph';
import { UNFUSERS } from '../../../src/engine/graph/unfuse/unfusers';
import { maxAbsDiff } from '../folder/fixtureRuntime';
import { HF_FIXTURES, hfModel, maxAbsDiffToReference, type Reference } from '../folder/hfFixtures';
import '../folder/fixtureRuntime';

interface GqaReference extends Reference {
  logits: number[][];
  q4: { logits: number[][]; attentions: number[][][][] };
  q4f16: { logits: number[][]; attentions: number[][][][] };
}

const FOLDERS = ['gqa-llama', 'gqa-window'] as const;
const reference = (name: string): GqaReference =>
  JSON.parse(readFileSync(join(HF_FIXTURES, `${name}.reference.json`), 'utf8')) as GqaReference;

describe('model-builder folders: GroupQueryAttention opened up', () => {
  for (const name of FOLDERS) {
    // q4f16 computes in float16 (the attention path is cast to float32 only inside the rewrite).
    for (const [variant, tolerance] of [
      ['fp32', 1e-4],
      ['q4', 1e-4],
      ['q4f16', 5e-2],
    ] as const) {
      it(`${name} ${variant}: attention equals PyTorch's within ${tolerance}`, async () => {
        const model = await hfModel(name, variant);
        assert.equal(
          model.info.graphFile,
          `onnx/${variant === 'fp32' ? 'model' : `model_${variant}`}.onnx`,
        );
        assert.equal(model.info.layers, 2);
        assert.match(
          model.info.notes?.join(' ') ?? '',
          /opened up 2 com\.microsoft:GroupQueryAttention/,
        );
        const ref = reference(name);
        const expected = variant === 'fp32' ? ref : { ids: ref.ids, ...ref[variant] };
        const { attentions } = await model.runIds(ref.ids);
        const diff = maxAbsDiffToReference(attentions, expected);
        assert.ok(diff <= tolerance, `max |engine − PyTorch| = ${diff}`);
      });
    }
  }
});

describe('model-builder folders: the rewritten graph computes the fused graph', () => {
  for (const name of FOLDERS) {
    // The rewrite computes attention in float32 where the fused float16 kernel rounds.
    for (const [file, tolerance] of [
      ['model.onnx', 1e-5],
      ['model_q4.onnx', 1e-5],
      ['model_q4f16.onnx', 3e-2],
    ] as const) {
      it(`${name}/${file}: logits and present key/values equal the fused graph's within ${tolerance} of their largest value`, async () => {
        const dir = join(HF_FIXTURES, name, 'onnx');
        const bytes = readFileSync(join(dir, file));
        const model = decodeOnnx(bytes, name, file);
        const rewritten = unfuseGraph(model, name, file, UNFUSERS);
        assert.equal(rewritten.length, 2);
        assert.equal(findAttention(model.graph ?? {}).length, 2);
        const data =
          file === 'model.onnx'
            ? [{ path: 'model.onnx.data', data: readFileSync(join(dir, 'model.onnx.data')) }]
            : [];
        const feeds = () => feedsFor(reference(name).ids, file.includes('f16'));
        const fused = await run(bytes, data, feeds());
        const opened = await run(encodeOnnx(model), data, feeds());
        assert.deepEqual(Object.keys(opened).sort(), Object.keys(fused).sort());
        for (const [output, tensor] of Object.entries(fused)) {
          assert.deepEqual(opened[output].dims, tensor.dims, output);
          const expected = floats(tensor);
          const worst = maxAbsDiff(floats(opened[output]), expected);
          // Relative to the output's largest value where that is above 1: float32 sums taken
          // in another order differ by a few units in the last place of the largest terms.
          const scale = Math.max(
            1,
            expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
          );
          assert.ok(
            worst <= tolerance * scale,
            `${output}: max |rewritten − fused| = ${worst} (largest |value| ${scale})`,
          );
        }
      });
    }
  }
});

function floats(tensor: ort.Tensor): Float32Array {
  return tensor.type === 'float16'
    ? halfToFloat(tensor.data as Uint16Array)
    : (tensor.data as Float32Array);
}

function feedsFor(ids: number[], half: boolean): Record<string, ort.Tensor> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]),
  };
  for (let l = 0; l < 2; l++)
    for (const kind of ['key', 'value'])
      feeds[`past_key_values.${l}.${kind}`] = half
        ? new ort.Tensor('float16', new Uint16Array(0), [1, 2, 0, 16])
        : new ort.Tensor('float32', new Float32Array(0), [1, 2, 0, 16]);
  return feeds;
}

async function run(
  bytes: Uint8Array,
  externalData: { path: string; data: Uint8Array }[],
  feeds: Record<string, ort.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { externalData });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
