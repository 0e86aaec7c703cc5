/**
 * Fused attention inside subgraphs (tools/fixtures/make_fused_merged_fixture.py: the
 * Optimum-optimized GPT-2 as a merged decoder, MultiHeadAttention in both branches of the
 * `If` on use_cache_branch, weights in the main graph) is opened up in each branch: the
 * attention equals PyTorch's; a node there that cannot be opened is refused naming the
 * node and the branch it sits in.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { decodeGraph } from '../../../src/engine/graph/prepareGraph';
import { ModelError } from '../../../src/engine/modelError';
import { HF_FIXTURES, hfModel, maxAbsDiffToReference, type Reference } from '../folder/hfFixtures';

const { onnx } = onnxProto;
const FOLDER = 'gpt2-optimized-merged';
const GRAPH = 'onnx/decoder_model_merged.onnx';

describe('fused attention inside If branches (merged decoder)', () => {
  it('opens up every branch’s MultiHeadAttention: attention equals PyTorch’s within 1e-4', async () => {
    const model = await hfModel(FOLDER);
    assert.equal(model.info.graphFile, GRAPH);
    assert.equal(model.info.layers, 2);
    assert.match(
      model.info.notes?.join(' ') ?? '',
      /opened up 4 com\.microsoft:MultiHeadAttention/,
    );
    const ref = JSON.parse(
      readFileSync(join(HF_FIXTURES, 'gpt2.reference.json'), 'utf8'),
    ) as Reference;
    const { attentions } = await model.runIds(ref.ids);
    const diff = maxAbsDiffToReference(attentions, ref);
    assert.ok(diff <= 1e-4, `max |engine − PyTorch| = ${diff}`);
  });

  it('refuses a branch’s node it cannot open, naming the node and the branch', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(HF_FIXTURES, FOLDER, GRAPH)));
    const branch = model.graph?.node?.[0].attribute?.find((a) => a.name === 'then_branch')?.g;
    const fused = branch?.node?.find((n) => n.opType === 'MultiHeadAttention');
    assert.ok(fused, 'the then-branch holds a MultiHeadAttention');
    fused.attribute = [
      ...(fused.attribute ?? []),
      { name: 'kv_cache_bit_width', type: onnx.AttributeProto.AttributeType.INT, i: 4 },
    ];
    const bytes = onnx.ModelProto.encode(model).finish();
    assert.throws(
      () => decodeGraph(bytes, FOLDER, GRAPH),
      (error: unknown) =>
        error instanceof ModelError &&
        error.problem === 'fusedAttention' &&
        /onnx\/decoder_model_merged\.onnx: com\.microsoft\.MultiHeadAttention node "with_past\/MultiHeadAttention_0" \(in the then_branch of If node "optimum::if"\) has the attribute "kv_cache_bit_width"/.test(
          error.message,
        ),
    );
  });
});
