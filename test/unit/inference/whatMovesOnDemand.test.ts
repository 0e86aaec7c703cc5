/**
 * Norms and the logit lens on demand (issue 24, item 5): the graph an inspection runs
 * carries no norm or lens nodes, and what the second session computes when first asked is
 * what the single run of before computed (the norm and lens nodes in the inspection's own
 * graph, fetched with its attention): the same numbers, bit for bit.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { onnx } from 'onnx-proto';
import { LogitLens } from '../../../src/engine/attention/logitLens';
import { HeadNorms } from '../../../src/engine/attention/headNorms';
import { Engine } from '../../../src/engine/engine';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { decodeOnnx } from '../../../src/engine/graph/decodeOnnx';
import { recomputeFetches } from '../../../src/engine/graph/recomputeFetches';
import { makeFeeds } from '../../../src/engine/inference/graphFeeds';
import { idleLensFeeds, lensOfRun, lensReader } from '../../../src/engine/inference/lensRun';
import { INSPECTION_LOAD } from '../../../src/engine/inference/loadAnyModel';
import { createSession, Tensor } from '../../../src/engine/inference/ortRuntime';
import { normFetches, readHeadNorms } from '../../../src/engine/inference/readHeadNorms';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const CASES = [
  { name: 'mini-code-gpt', dir: join(ROOT, 'models', 'mini-code-gpt') },
  { name: 'gpt2', dir: join(HF_FIXTURES, 'gpt2') },
  { name: 'llama (grouped-query attention)', dir: join(HF_FIXTURES, 'llama') },
  { name: 'bert', dir: join(HF_FIXTURES, 'bert') },
];
const TEXT = 'def add(a, b):\n    return a + b\n';

/** What the inspection of before computed in its one run: its norms and its lens. */
async function inTheInspectionRun(dir: string, ids: number[], spell: (id: number) => string) {
  const folder = await loadModelFolder(nodeModelFiles(dir), { recompute: true, whatMoves: true });
  const session = await createSession(folder.onnxBytes, folder.externalData);
  const feedsFor = (some: number[]) => {
    const feeds = makeFeeds(folder.feeds, some);
    const k = folder.predictionOutputs?.k;
    if (k) feeds[k] = new Tensor('int64', BigInt64Array.of(1n), [1]);
    const lens = folder.lensOutputs;
    if (typeof lens === 'object')
      Object.assign(feeds, idleLensFeeds(lens, folder.manifest.hiddenSize));
    return feeds;
  };
  const norms = folder.normOutputs;
  assert.ok(typeof norms === 'object', String(norms));
  const lens = folder.lensOutputs;
  const fetches = [
    ...recomputeFetches(folder.recomputeOutputs ?? []),
    ...normFetches(norms),
    ...(typeof lens === 'object' ? lens.streams : []),
  ];
  const outputs = await session.run(feedsFor(ids), fetches);
  const { heads, layers } = folder.manifest;
  const n = ids.length;
  const stack = { kind: 'encoder' as const, layers, heads, rows: n, cols: n, causal: true };
  const reader =
    typeof lens === 'object'
      ? lensReader(session, feedsFor(ids.slice(0, 1)), lens, folder.manifest.vocabSize)
      : undefined;
  return {
    norms: readHeadNorms(outputs, norms, stack),
    lens:
      typeof lens === 'object' && reader ? lensOfRun(outputs, lens, n, reader, spell) : undefined,
  };
}

function graphOf(folder: { onnxBytes: Uint8Array }): onnx.IGraphProto {
  return decodeOnnx(folder.onnxBytes, 'test').graph as onnx.IGraphProto;
}

describe('what attention moves, on demand (issue 24)', () => {
  for (const { name, dir } of CASES) {
    it(`${name}: the inspection graph has no norm or lens node, input or output`, async () => {
      const folder = await loadModelFolder(nodeModelFiles(dir), INSPECTION_LOAD);
      const graph = graphOf(folder);
      const added = (names: (string | null | undefined)[]) =>
        names.filter((x) => /attention_(norms|lens)/.test(x ?? ''));
      assert.deepEqual(added((graph.node ?? []).map((node) => node.name)), []);
      assert.deepEqual(added((graph.node ?? []).flatMap((node) => node.output ?? [])), []);
      assert.deepEqual(added((graph.input ?? []).map((i) => i.name)), []);
      assert.deepEqual(added((graph.output ?? []).map((o) => o.name)), []);
      assert.equal(folder.normsFound, true, 'the norms can still be asked for');
      // The same load with them, as before: the nodes are found, so the check above can fail.
      const before = graphOf(
        await loadModelFolder(nodeModelFiles(dir), { recompute: true, whatMoves: true }),
      );
      assert.ok(added((before.node ?? []).map((node) => node.name)).length > 0);
    });

    it(`${name}: the norms and lens computed when asked equal the inspection run's of before`, async () => {
      const engine = sharedEngine();
      const model = await engine.loadModel(dir);
      const held = await engine.inspectHeld(dir, TEXT);
      assert.equal(held.stacks[0].valueNorms, true);
      const ids = held.tokens.map((t) => t.id);
      const { source } = await model.runHeld(ids, 0);
      assert.equal(source.norms, undefined, 'the run computes no norms');
      assert.equal(source.lens, undefined, 'the run reads no lens');
      const spell = (id: number) => model.spell(id);
      const before = await inTheInspectionRun(dir, ids, spell);
      const norms = await source.moves?.norms();
      assert.ok(norms instanceof HeadNorms && before.norms instanceof HeadNorms);
      for (let layer = 0; layer < held.model.layers; layer++) {
        assert.deepEqual(norms.writesOf(layer), before.norms.writesOf(layer), `layer ${layer}`);
        const writes = await engine.headWrites(held.resultId, 'encoder', layer);
        assert.deepEqual(writes, before.norms.writesOf(layer), `engine, layer ${layer}`);
      }
      const lens = await source.moves?.lens();
      if (!(before.lens instanceof LogitLens)) {
        assert.equal(held.model.architecture, 'encoder');
        assert.match(String(lens), /an encoder does not make/);
        return;
      }
      assert.ok(lens instanceof LogitLens, String(lens));
      for (const position of [0, Math.floor(ids.length / 2), ids.length - 1]) {
        assert.deepEqual(await lens.at(position, 5), await before.lens.at(position, 5));
        assert.deepEqual(
          await engine.logitLens(held.resultId, position, 5),
          await before.lens.at(position, 5),
        );
      }
    });
  }

  it('a released model refuses what its results would compute, and says so', async () => {
    sharedEngine(); // onnxruntime configured; a fresh engine so that the shared one keeps its model
    const engine = new Engine(nodeModelFiles);
    const model = await engine.loadModel(join(HF_FIXTURES, 'distilbert'));
    const { source } = await model.runHeld([1, 5, 7, 2], 0);
    await model.release();
    // The norms come from the values the run held (heldValueNorms.test.ts); the lens needs the model.
    await assert.rejects(source.moves?.lens() ?? Promise.resolve(), /was unloaded/);
  });
});
