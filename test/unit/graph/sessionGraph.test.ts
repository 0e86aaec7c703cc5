/**
 * An edited graph is handed to onnxruntime with its large weights left in the file it was
 * read from (external data pointing at the graph file itself): the graph must be the edited
 * model exactly, and the session must compute what the fully encoded model computes.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import {
  loadModelFolder,
  type LoadedModelFolder,
} from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { encodeOnnx, exposeTensors } from '../../../src/engine/graph/exposeTensors';
import { findAttention } from '../../../src/engine/graph/findAttention';
import {
  inlineWeights,
  MIN_EXTERNAL_BYTES,
  sessionGraph,
} from '../../../src/engine/graph/sessionGraph';
import { makeFeeds } from '../../../src/engine/inference/graphFeeds';
import { createSession } from '../../../src/engine/inference/ortRuntime';
import { FIXTURES } from '../folder/fixtureRuntime';

const { EXTERNAL } = onnxProto.onnx.TensorProto.DataLocation;
const HF = join(FIXTURES, '..', 'hf');

/** A fixture graph, decoded, with every layer's attention exposed (the load's usual edit). */
async function editedFixture(path: string) {
  const file = await readFile(path);
  const model = decodeOnnx(file, 'fixture');
  const graph = model.graph as onnx.IGraphProto;
  exposeTensors(
    model,
    findAttention(graph).map((layer) => layer.probabilities),
  );
  return { file, model };
}

/** Every output of one run, fed the way the engine feeds the folder's graph. */
async function run(folder: LoadedModelFolder, ids: number[]) {
  const session = await createSession(folder.onnxBytes, folder.externalData);
  try {
    const outputs = await session.run(makeFeeds(folder.feeds, ids));
    return Object.fromEntries(
      Object.entries(outputs).map(([name, t]) => [name, { dims: t.dims, data: t.data }]),
    );
  } finally {
    await session.release();
  }
}

describe('sessionGraph: an edited graph encoded around its weights', () => {
  it('is the edited model exactly once its weights are put back, and leaves the model as it was', async () => {
    const { file, model } = await editedFixture(join(FIXTURES, 'decoder-noattn', 'model.onnx'));
    const whole = encodeOnnx(model);
    const { onnxBytes, externalData } = sessionGraph(model, file, 'model.onnx');
    assert.deepEqual(encodeOnnx(model), whole);
    assert.equal(externalData.length, 1);
    assert.equal(externalData[0].path, 'model.onnx');
    assert.equal(externalData[0].data, file, 'the file itself, not a copy');
    const moved = (model.graph?.initializer ?? [])
      .map((t) => t.rawData?.byteLength ?? 0)
      .filter((size) => size >= MIN_EXTERNAL_BYTES);
    // Each moved tensor costs its location, offset and length instead (under 100 bytes).
    const saved = moved.reduce((a, b) => a + b, 0) - 100 * moved.length;
    assert.ok(whole.byteLength - onnxBytes.byteLength >= saved, `${onnxBytes.byteLength} bytes`);
    assert.deepEqual(inlineWeights(onnxBytes, externalData), whole);
  });

  it('leaves inline the small initializers and those that are not views into the file', async () => {
    const { file, model } = await editedFixture(join(FIXTURES, 'decoder-noattn', 'model.onnx'));
    const graph = model.graph as onnx.IGraphProto;
    const large = (graph.initializer ?? []).find(
      (t) => (t.rawData?.byteLength ?? 0) >= MIN_EXTERNAL_BYTES,
    ) as onnx.ITensorProto;
    large.rawData = new Uint8Array(large.rawData as Uint8Array); // as an edit would make it
    const { onnxBytes } = sessionGraph(model, file, 'model.onnx');
    const session = onnxProto.onnx.ModelProto.decode(onnxBytes).graph?.initializer ?? [];
    const byName = new Map(session.map((t) => [t.name, t]));
    assert.notEqual(byName.get(large.name)?.dataLocation, EXTERNAL);
    for (const tensor of graph.initializer ?? []) {
      const external = byName.get(tensor.name)?.dataLocation === EXTERNAL;
      const size = tensor.rawData?.byteLength ?? 0;
      assert.equal(external, size >= MIN_EXTERNAL_BYTES && tensor !== large, tensor.name ?? '');
    }
  });

  it('encodes as it is a graph that already names its own file as external data', async () => {
    const { file, model } = await editedFixture(join(FIXTURES, 'decoder-noattn', 'model.onnx'));
    const tensor = model.graph?.initializer?.[0] as onnx.ITensorProto;
    tensor.externalData = [{ key: 'location', value: 'model.onnx' }];
    tensor.dataLocation = EXTERNAL;
    const result = sessionGraph(model, file, 'model.onnx');
    assert.deepEqual(result, { onnxBytes: encodeOnnx(model), externalData: [] });
  });

  it("leaves a subgraph's initializers inline (onnxruntime-web refuses them as external data)", async () => {
    const { file, model } = await editedFixture(
      join(HF, 'gpt2-merged', 'onnx', 'decoder_model_merged.onnx'),
    );
    const result = sessionGraph(model, file, 'decoder_model_merged.onnx');
    assert.deepEqual(result, { onnxBytes: encodeOnnx(model), externalData: [] });
  });

  for (const [name, dir, variant] of [
    ['a manifest folder', join(FIXTURES, 'decoder-noattn')],
    ['an export folder under onnx/', join(HF, 'llama')],
    ['a 4-bit graph whose fused attention was opened up', join(HF, 'gqa-llama'), 'q4'],
  ] as const) {
    it(`${name}: the session computes every output exactly as the fully encoded graph`, async () => {
      const folder = await loadModelFolder(nodeModelFiles(dir), variant ? { variant } : {});
      assert.ok(folder.edited);
      const location = folder.graphFile.slice(folder.graphFile.lastIndexOf('/') + 1);
      const self = folder.externalData.find((f) => f.path === location);
      assert.ok(self, 'the graph file is handed over as external data');
      const before: LoadedModelFolder = {
        ...folder,
        onnxBytes: inlineWeights(folder.onnxBytes, [self]),
        externalData: folder.externalData.filter((f) => f !== self),
      };
      const ids = [1, 5, 9, 2, 7, 3];
      const [now, then] = [await run(folder, ids), await run(before, ids)];
      assert.ok(Object.keys(then).length > folder.attentionOutputs.length);
      assert.deepEqual(Object.keys(now).sort(), Object.keys(then).sort());
      for (const key of Object.keys(then)) assert.deepEqual(now[key], then[key], key);
    });
  }
});
