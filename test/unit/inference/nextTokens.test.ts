/**
 * Next-token predictions read per asked row (issue 22): the inspection's graph has no LM head
 * over every position; the rows a view asks for go through a copy of the final norm and
 * unembedding. Checked against the same folder loaded unedited (its own logits, every row),
 * for every decoder family and precision we open.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { GraphVariant } from '../../../src/engine/folder/onnxGraphFiles';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { withListCache } from '../../../src/engine/folder/modelFiles';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { INSPECTION_LOAD, loadKeptWhole } from '../../../src/engine/inference/loadAnyModel';
import type { LoadedModel } from '../../../src/engine/inference/loadedModel';
import { everyRow, FinalStreamPredictions } from '../../../src/engine/inference/nextTokens';
import { topPredictions } from '../../../src/engine/inference/predictionGraph';
import type { Prediction } from '../../../src/engine/types';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

const K = 5;
const TEXT = 'def add(a, b):\n    return a + b  # the sum\n';

interface Case {
  name: string;
  dir: string;
  variant?: GraphVariant;
  tolerance: number;
  /** False where the head cannot be copied (a merged decoder's lies inside an If): the run computes every row. */
  byRow?: boolean;
}

const CASES: Case[] = [
  { name: 'the bundled model', dir: join(ROOT, 'models', 'mini-code-gpt'), tolerance: 1e-5 },
  ...['gpt2', 'gpt2-optimized', 'llama', 'gqa-llama', 'gqa-window'].map((name) => ({
    name,
    dir: join(HF_FIXTURES, name),
    tolerance: 1e-5,
  })),
  ...['qwen2', 'tinyllama', 'smollm2', 'gemma', 'phi3', 'mistral'].map((name) => ({
    name,
    dir: join(HF_FIXTURES, name),
    tolerance: 1e-5,
  })),
  {
    name: 'gpt2-merged (its head inside an If: every row computed by the run)',
    dir: join(HF_FIXTURES, 'gpt2-merged'),
    tolerance: 1e-5,
    byRow: false,
  },
  { name: 'llama fp16', dir: join(HF_FIXTURES, 'llama'), variant: 'fp16', tolerance: 2e-3 },
  { name: 'llama q4', dir: join(HF_FIXTURES, 'llama'), variant: 'q4', tolerance: 1e-5 },
  {
    name: 'gpt2-optimized bnb4',
    dir: join(HF_FIXTURES, 'gpt2-optimized'),
    variant: 'bnb4',
    tolerance: 1e-5,
  },
];

/** Every row's top K from the folder's own logits, the graph loaded as exported (no edit of its head). */
async function unedited(dir: string, variant: GraphVariant | undefined, ids: number[]) {
  const model = await loadKeptWhole(nodeModelFiles(dir), dir, 'cli', variant, 'the reference');
  try {
    const { logits } = await model.runIds(ids, true);
    assert.ok(logits, 'the unedited graph returns its logits');
    return await topPredictions(logits, ids.length, K, (id) => model.spell(id));
  } finally {
    await model.release();
  }
}

/**
 * Largest |ours − theirs| probability rank by rank; the ids must agree at every rank whose
 * probability stands clear of its neighbours by more than `tolerance` (a near-tie may swap).
 */
function worstDifference(ours: Prediction[][], theirs: Prediction[][], tolerance: number): number {
  assert.equal(ours.length, theirs.length);
  let worst = 0;
  ours.forEach((row, r) => {
    const want = theirs[r];
    assert.equal(row.length, want.length, `row ${r}`);
    row.forEach((p, i) => {
      worst = Math.max(worst, Math.abs(p.prob - want[i].prob));
      const clear = [want[i - 1], want[i + 1]].every(
        (next) => !next || Math.abs(next.prob - want[i].prob) > tolerance,
      );
      if (clear) assert.deepEqual([p.id, p.text], [want[i].id, want[i].text], `row ${r} rank ${i}`);
    });
  });
  return worst;
}

describe('next-token predictions read per asked row (issue 22)', () => {
  for (const { name, dir, variant, tolerance, byRow = true } of CASES) {
    it(`${name}: every row and rows asked out of order equal the unedited graph's top ${K} (probabilities within ${tolerance})`, async () => {
      const model = (await sharedEngine().loadModel(dir, variant)) as LoadedModel;
      assert.equal(
        Boolean(model.folder.predictionRowOutputs),
        byRow,
        'read per row, not by the run',
      );
      const ids = model.tokenizer.tokenize(TEXT).map((t) => t.id);
      const { source } = await model.runHeld(ids, K);
      const all = await everyRow(source.predictions, ids.length, K);
      assert.ok(all);
      const theirs = await unedited(dir, variant, ids);
      const worst = worstDifference(all, theirs, tolerance);
      assert.ok(worst <= tolerance, `max |ours − unedited| = ${worst}`);
      const asked = [ids.length - 1, 0, 3, 3, 1];
      const some = await source.predictions?.rows(asked, 2);
      assert.deepEqual(
        some,
        asked.map((row) => all[row].slice(0, 2)),
      );
    });
  }

  it("the inspection's graph has no node computing the logits of every position", async () => {
    for (const dir of [join(ROOT, 'models', 'mini-code-gpt'), join(HF_FIXTURES, 'llama')]) {
      const folder = await loadModelFolder(withListCache(nodeModelFiles(dir)), INSPECTION_LOAD);
      const graph = onnxProto.onnx.ModelProto.decode(folder.onnxBytes).graph;
      const produced = new Set(graph?.node?.flatMap((node) => node.output ?? []));
      assert.equal(produced.has(folder.manifest.outputs.logits ?? 'logits'), false, dir);
      assert.ok(produced.has('attention_next/top_logits'), 'the copied head is there');
    }
  });

  it('a held result: asked rows, checked; an encoder predicts nothing', async () => {
    const engine = sharedEngine();
    const dir = join(ROOT, 'models', 'mini-code-gpt');
    const held = await engine.inspectHeld(dir, TEXT, { topK: 3 });
    assert.equal(held.predictions, undefined, 'no table crosses to the host');
    assert.deepEqual(held.nextTokens, { k: 3 });
    const whole = await engine.inspect(dir, TEXT, { topK: 3 });
    const last = held.tokens.length - 1;
    assert.deepEqual(await engine.predictions(held.resultId, [last, 0], 3), [
      whole.predictions?.[last],
      whole.predictions?.[0],
    ]);
    for (const [rows, k, why] of [
      [[held.tokens.length], 3, /no position/],
      [[-1], 3, /no position/],
      [[0.5], 3, /no position/],
      [[0], 0, /k must be/],
    ] as const) {
      await assert.rejects(engine.predictions(held.resultId, [...rows], k), why);
    }
    const bert = await engine.inspectHeld(join(HF_FIXTURES, 'bert'), 'the cat sat');
    assert.equal(bert.nextTokens, undefined);
    await assert.rejects(engine.predictions(bert.resultId, [0], 3), /no next-token predictions/);
  });

  it('reads rows in blocks the heap can hold, in the order asked', async () => {
    const d = 3;
    const stream = Float32Array.from({ length: 7 * d }, (_, i) => Math.floor(i / d));
    const reads: number[] = [];
    const predictions = new FinalStreamPredictions(stream, 7, 2 ** 23, async (rows, count) => {
      reads.push(count);
      return Array.from({ length: count }, (_, r) => [
        { id: rows[r * d], text: String(rows[r * d]), prob: 1 },
      ]);
    });
    const got = await predictions.rows([6, 0, 5, 2, 2], 1);
    assert.deepEqual(
      got.map((row) => row[0].id),
      [6, 0, 5, 2, 2],
    );
    assert.deepEqual(reads, [2, 2, 1], '2^24 logits a read: 2 rows of a 2^23 vocabulary');
  });
});
