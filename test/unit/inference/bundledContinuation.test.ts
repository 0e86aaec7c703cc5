/**
 * The bundled model writes continuations from a key/value cache: its manifest's
 * `generationGraph` (decoder_with_past.onnx, tools/train/export_with_past.py) holds no weights
 * of its own and reads model.onnx's. Checked against PyTorch's greedy continuation of the
 * module rebuilt from model.onnx (tools/fixtures/make_bundled_generation_reference.py), against
 * full passes (greedy and a seeded sample), and step by step against model.onnx's logits.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { readGenerationGraph } from '../../../src/engine/folder/generationGraph';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { GenerationSession } from '../../../src/engine/inference/decoderGeneration';
import { greedyChoice, samplingChoice } from '../../../src/engine/inference/nextTokenChoice';
import { ModelError } from '../../../src/engine/modelError';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { heldLayers, worstDifference } from './continuationFixtures';

const DIR = join(ROOT, 'models', 'mini-code-gpt');
const REF = JSON.parse(
  readFileSync(
    join(ROOT, 'test', 'fixtures', 'generation', 'mini-code-gpt.reference.json'),
    'utf8',
  ),
) as {
  prompt: string;
  max_new_tokens: number;
  prompt_ids: number[];
  generated_ids: number[];
  stopped_at_eos: boolean;
  logit_ids: number;
  logits: number[][];
  chosen_logits: number[];
  attentions: number[][][][];
};
const IDS = [...REF.prompt_ids, ...REF.generated_ids];
const VOCAB = 8192;
const source = { label: 'mini-code-gpt', graphFile: 'model.onnx', bannedFrom: 'config.json' };
const int64 = (xs: number[]) =>
  new ortNode.Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);

/** Largest |logits[position][id] − PyTorch| over the fixture's ids and each chosen id. */
function worstLogits(logits: Float32Array, first: number, rows: number): number {
  let worst = 0;
  for (let row = 0; row < rows; row++) {
    const theirs = REF.logits[first + row]!;
    theirs.forEach((w, id) => {
      worst = Math.max(worst, Math.abs(logits[row * VOCAB + id]! - w));
    });
    const next = IDS[first + row + 1];
    if (next !== undefined)
      worst = Math.max(
        worst,
        Math.abs(logits[row * VOCAB + next]! - REF.chosen_logits[first + row]!),
      );
  }
  return worst;
}

describe('the bundled model continues from its key/value cache', () => {
  it('the PyTorch module rebuilt from model.onnx gives model.onnx’s logits and attention', async () => {
    const session = await ortNode.InferenceSession.create(join(DIR, 'model.onnx'));
    const outputs = await session.run({ input_ids: int64(IDS) });
    await session.release();
    const logits = worstLogits(outputs.logits!.data as Float32Array, 0, IDS.length);
    const attention = worstDifference(
      [0, 1, 2, 3].map((l) => outputs[`attn_${l}`]!.data as Float32Array),
      REF.attentions,
    );
    assert.ok(logits < 5e-5, `max |logits − PyTorch| = ${logits}`);
    assert.ok(attention < 1e-6, `max |attention − PyTorch| = ${attention}`);
  });

  it('each cache step of decoder_with_past.onnx gives the logits of PyTorch’s full pass', async () => {
    const session = await ortNode.InferenceSession.create(join(DIR, 'decoder_with_past.onnx'));
    const n = REF.prompt_ids.length;
    let feeds: Record<string, ortNode.Tensor> = { input_ids: int64(REF.prompt_ids) };
    for (const name of session.inputNames.filter((i) => i.startsWith('past_key_values')))
      feeds[name] = new ortNode.Tensor('float32', new Float32Array(0), [1, 4, 0, 32]);
    let worst = 0;
    for (let at = n; at <= IDS.length; at++) {
      const outputs = await session.run(feeds);
      const rows = at === n ? n : 1;
      worst = Math.max(worst, worstLogits(outputs.logits!.data as Float32Array, at - rows, rows));
      feeds = { input_ids: int64([IDS[at] ?? 0]) };
      for (const [name, tensor] of Object.entries(outputs))
        if (name.startsWith('present')) feeds[name.replace('present', 'past_key_values')] = tensor;
    }
    await session.release();
    assert.ok(worst < 5e-5, `max |step logits − PyTorch| = ${worst}`);
  });

  it('greedy: PyTorch’s ids from the cache, attention over prompt + generated within 1e-5', async () => {
    const engine = sharedEngine();
    const result = await engine.inspectHeld(DIR, REF.prompt, {
      generate: { maxNewTokens: REF.max_new_tokens },
    });
    const generation = result.generation!;
    assert.equal(generation.steppedWith, 'cache');
    assert.deepEqual(
      result.tokens.map((t) => t.id),
      IDS,
    );
    assert.equal(generation.stoppedAtEos, REF.stopped_at_eos);
    const worst = worstDifference(await heldLayers(engine, result), REF.attentions);
    assert.ok(worst < 1e-5, `max |ours − PyTorch| = ${worst}`);
    engine.release(result.resultId);
  });

  it('the cache and full passes choose the same 48 ids, greedy and with a seed', async () => {
    const model = await sharedEngine().loadModel(DIR);
    const session = await GenerationSession.open(nodeModelFiles(DIR), model.folder);
    try {
      assert.ok(session.hasCache);
      const run = (choose: ReturnType<typeof greedyChoice>, noCache: boolean) =>
        session.continueText({
          promptIds: REF.prompt_ids,
          maxNewTokens: 48,
          choose,
          eosIds: new Set<number>(),
          checkCancelled: () => undefined,
          noCache,
        });
      const greedy = await run(greedyChoice(source), false);
      assert.equal(greedy.steppedWith, 'cache');
      assert.deepEqual(greedy.ids.slice(0, REF.generated_ids.length), REF.generated_ids);
      assert.deepEqual((await run(greedyChoice(source), true)).ids, greedy.ids);
      const seeded = () => samplingChoice({ temperature: 1.2, topP: 0.95, seed: 4321 }, source);
      const sampled = await run(seeded(), false);
      const full = await run(seeded(), true);
      assert.equal(full.steppedWith, 'full');
      assert.equal(sampled.ids.length, 48);
      assert.deepEqual(sampled.ids, full.ids);
      assert.notDeepEqual(sampled.ids, greedy.ids, 'sampling chose other ids than greedy');
    } finally {
      await session.release();
    }
  });

  it('refuses a generation graph that is missing or has no cache, naming file and field', async () => {
    const model = await sharedEngine().loadModel(DIR);
    const files = nodeModelFiles(DIR);
    const declaring = (generationGraph: string) => ({
      ...model.folder,
      manifest: { ...model.folder.manifest, generationGraph },
    });
    await assert.rejects(
      readGenerationGraph(files, declaring('absent.onnx')),
      (e: unknown) =>
        e instanceof ModelError &&
        e.problem === 'missingFile' &&
        e.field === 'generationGraph' &&
        /absent\.onnx: is missing \(manifest\.json names it as "generationGraph"\)/.test(e.message),
    );
    await assert.rejects(
      readGenerationGraph(files, declaring('model.onnx')),
      (e: unknown) =>
        e instanceof ModelError &&
        e.problem === 'missingGraphName' &&
        /model\.onnx: is the manifest's "generationGraph" but lacks "past_key_values\.\*"/.test(
          e.message,
        ),
    );
  });
});
