/**
 * Forks of a continuation (issue 23): the first generated ids forced (the branch's tokens
 * before a step and an alternative there), the model writing on after them. Against PyTorch
 * (tools/fixtures/make_fork_references.py: the second-best token at step 3, then greedy) from
 * the key/value cache, against the engine's own full-pass path over prompt + forced ids, and
 * the attention of the fork's one causal pass; a seeded fork samples on as its branch did.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EngineRunError } from '../../../src/engine/errors';
import { generationFields } from '../../../src/engine/export/generationJson';
import { GenerationSession } from '../../../src/engine/inference/decoderGeneration';
import { greedyChoice } from '../../../src/engine/inference/nextTokenChoice';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import type { EngineStage } from '../../../src/engine/stage';
import { onStage } from '../../../src/engine/stage';
import { ROOT, sharedEngine } from '../engine/fixtures';
import {
  type ContinuationReference,
  GENERATION,
  heldLayers,
  hfDir,
  worstDifference,
} from './continuationFixtures';

const FORKS = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'hf', 'generation-fork.reference.json'), 'utf8'),
) as {
  prompt: string;
  max_new_tokens: number;
  fork_step: number;
  models: Record<string, ContinuationReference & { forced_ids: number[] }>;
};

const source = { label: 'fixture', graphFile: 'model.onnx', bannedFrom: 'config.json' };

describe('continuation forks', () => {
  for (const name of ['gpt2', 'llama']) {
    const ref = FORKS.models[name]!;
    const original = GENERATION.models[name]!;

    it(`${name}: a fork at step ${FORKS.fork_step} writes PyTorch's ids; attention within 1e-4`, async () => {
      const engine = sharedEngine();
      // The fork's alternative is the engine's own second candidate at that step.
      const base = await engine.inspectHeld(hfDir(name), FORKS.prompt, {
        generate: { maxNewTokens: FORKS.max_new_tokens },
      });
      const n = original.prompt_ids.length;
      const step = FORKS.fork_step;
      assert.deepEqual(
        base.generation!.generated.map((t) => t.id),
        original.generated_ids,
      );
      const [candidates] = await engine.predictions(base.resultId, [n + step - 1], 5);
      assert.equal(candidates[0]!.id, original.generated_ids[step]);
      assert.equal(candidates[1]!.id, ref.forced_ids[step], 'the second candidate is PyTorch’s');
      engine.release(base.resultId);

      const result = await engine.inspectHeld(hfDir(name), FORKS.prompt, {
        generate: { maxNewTokens: FORKS.max_new_tokens, forced: ref.forced_ids },
      });
      const generation = result.generation!;
      assert.equal(generation.forced, step + 1);
      assert.deepEqual(generationFields(generation).generation, {
        kind: 'greedy',
        maxNewTokens: FORKS.max_new_tokens,
        stoppedAtEos: ref.stopped_at_eos,
        forced: step + 1,
      });
      assert.equal(generation.steppedWith, 'cache');
      assert.deepEqual(
        generation.generated.map((t) => t.id),
        ref.generated_ids,
      );
      assert.equal(generation.stoppedAtEos, ref.stopped_at_eos);
      assert.equal(result.tokens.length, n + ref.generated_ids.length);
      const worst = worstDifference(await heldLayers(engine, result), ref.attentions);
      assert.ok(worst < 1e-4, `max |fork − PyTorch| = ${worst}`);
      engine.release(result.resultId);
    });

    it(`${name}: a fork's ids after the forced ones are a fresh greedy continuation of prompt + forced (full passes)`, async () => {
      const engine = sharedEngine();
      const model = await engine.loadModel(hfDir(name));
      const session = await GenerationSession.open(nodeModelFiles(hfDir(name)), model.folder);
      const forced = ref.forced_ids;
      const fork = await engine.inspectHeld(hfDir(name), FORKS.prompt, {
        generate: { maxNewTokens: 20, forced },
      });
      engine.release(fork.resultId);
      try {
        const fresh = await session.continueText({
          promptIds: [...original.prompt_ids, ...forced],
          maxNewTokens: 20 - forced.length,
          choose: greedyChoice(source),
          eosIds: new Set(),
          checkCancelled: () => undefined,
          noCache: true,
        });
        assert.deepEqual(
          fork.generation!.generated.map((t) => t.id),
          [...forced, ...fresh.ids],
        );
      } finally {
        await session.release();
      }
    });
  }

  it('gpt2: forcing a sampled run’s own first tokens repeats it (forced tokens take their draws)', async () => {
    const engine = sharedEngine();
    const ask = { maxNewTokens: 16, temperature: 1.3, topP: 0.95, seed: 4321 };
    const run = async (forced?: number[]) => {
      const result = await engine.inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
        generate: { ...ask, ...(forced ? { forced } : {}) },
      });
      engine.release(result.resultId);
      return result.generation!.generated.map((t) => t.id);
    };
    const whole = await run();
    assert.deepEqual(await run(whole.slice(0, 5)), whole);
    const alternative = whole[5] === 7 ? 8 : 7;
    const forked = await run([...whole.slice(0, 5), alternative]);
    assert.deepEqual(forked.slice(0, 6), [...whole.slice(0, 5), alternative]);
    assert.deepEqual(await run([...whole.slice(0, 5), alternative]), forked, 'a fork repeats');
  });

  it('announces each new token as a stage "token k/N"', async () => {
    const stages: EngineStage[] = [];
    onStage((stage) => stages.push(stage));
    try {
      const result = await sharedEngine().inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
        generate: { maxNewTokens: 4, forced: [300] },
      });
      sharedEngine().release(result.resultId);
    } finally {
      onStage(undefined);
    }
    const steps = stages.filter((s) => s.step).map((s) => s.label.split(':')[0]);
    assert.deepEqual(steps, ['token 1/4', 'token 2/4', 'token 3/4', 'token 4/4']);
  });

  for (const [forced, says] of [
    [[1.5], /forced tokens must be a list of token ids, not \[1\.5\]/],
    [[-1], /not \[-1\]/],
    [[1, 2, 3, 4, 5], /forces 5 tokens but the run writes at most 4: fork at an earlier step/],
    [[99999], /token id 99999, which the model's \d+-token vocabulary does not have/],
  ] as const) {
    it(`forced ${JSON.stringify(forced)}: refused with one line`, async () => {
      await assert.rejects(
        sharedEngine().inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
          generate: { maxNewTokens: 4, forced: [...forced] },
        }),
        (error: unknown) =>
          error instanceof EngineRunError &&
          error.code === 'badInput' &&
          says.test(error.message) &&
          !error.message.includes('\n'),
      );
    });
  }
});
