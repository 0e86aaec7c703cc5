/**
 * A merged decoder's If replaced by its no-cache branch (graph/inlineNoCacheBranch.ts, issue
 * 24): the branch's nodes and initializers move up, the If's outputs keep their names, and
 * onnxruntime runs the result to the same logits as the merged graph's no-cache branch. A
 * branch that would redefine a tensor of the outer graph is refused, naming it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { encodeOnnx } from '../../../src/engine/graph/exposeTensors';
import { inlineNoCacheBranch } from '../../../src/engine/graph/inlineNoCacheBranch';
import { HF_FIXTURES } from '../folder/hfFixtures';

const FILE = join(HF_FIXTURES, 'gpt2-merged', 'onnx', 'decoder_model_merged.onnx');

/** The merged graph's feeds for `ids` with no past (use_cache_branch false). */
function feeds(model: onnxProto.onnx.IModelProto, ids: number[]): Record<string, ort.Tensor> {
  const n = ids.length;
  const out: Record<string, ort.Tensor> = {};
  for (const input of model.graph?.input ?? []) {
    const name = input.name ?? '';
    if (name === 'input_ids')
      out[name] = new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, n]);
    else if (name === 'attention_mask')
      out[name] = new ort.Tensor('int64', new BigInt64Array(n).fill(1n), [1, n]);
    else if (name === 'position_ids')
      out[name] = new ort.Tensor(
        'int64',
        BigInt64Array.from(ids, (_, i) => BigInt(i)),
        [1, n],
      );
    else if (name === 'use_cache_branch') out[name] = new ort.Tensor('bool', [false], [1]);
    else {
      const dims = input.type?.tensorType?.shape?.dim ?? [];
      const shape = dims.map((d, i) => (i === 2 ? 0 : d.dimValue ? Number(d.dimValue) : 1));
      out[name] = new ort.Tensor('float32', new Float32Array(0), shape);
    }
  }
  return out;
}

describe('inlineNoCacheBranch', () => {
  it('gpt2-merged: no If left, the same logits as the merged graph without a past', async () => {
    const bytes = readFileSync(FILE);
    const merged = decodeOnnx(bytes, 'gpt2-merged');
    const inlined = decodeOnnx(bytes, 'gpt2-merged');
    assert.equal(inlineNoCacheBranch(inlined), 'optimum::if');
    assert.ok(!(inlined.graph?.node ?? []).some((n) => n.opType === 'If'));
    assert.equal(inlineNoCacheBranch(inlined), undefined, 'nothing left to inline');
    const ids = [5, 17, 42, 8];
    const run = async (model: onnxProto.onnx.IModelProto) => {
      const session = await ort.InferenceSession.create(encodeOnnx(model));
      const out = await session.run(feeds(model, ids), ['logits']);
      await session.release();
      return out.logits.data as Float32Array;
    };
    assert.deepEqual(await run(inlined), await run(merged));
  });

  it('refuses a branch that would redefine a tensor of the outer graph, naming it', () => {
    const model = decodeOnnx(readFileSync(FILE), 'gpt2-merged');
    const graph = model.graph as onnxProto.onnx.IGraphProto;
    const branch = graph.node?.[0].attribute?.find((a) => a.name === 'else_branch')?.g;
    const taken = branch?.node?.[0].output?.[0] as string;
    graph.node?.unshift(
      onnxProto.onnx.NodeProto.create({
        opType: 'Identity',
        input: ['input_ids'],
        output: [taken],
      }),
    );
    assert.throws(
      () => inlineNoCacheBranch(model, 'gpt2-merged: onnx/decoder_model_merged.onnx'),
      new RegExp(
        `^Error: gpt2-merged: onnx/decoder_model_merged.onnx: the no-cache branch of If "optimum::if" redefines the tensor "${taken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"`,
      ),
    );
  });
});
