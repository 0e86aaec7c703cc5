/**
 * The key/value cache path and the full-pass path write the same continuation, and a cache
 * step's own attention row is the full causal pass's row (what the panel shows for a
 * generated token, issue 23); seeded sampling repeats across runs and processes.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import {
  cacheOutputs,
  type DecoderCache,
  keepCache,
} from '../../../src/engine/inference/decoderCache';
import { cacheStepFeeds, GenerationSession } from '../../../src/engine/inference/decoderGeneration';
import { makeFeeds } from '../../../src/engine/inference/graphFeeds';
import { greedyChoice } from '../../../src/engine/inference/nextTokenChoice';
import { createSession } from '../../../src/engine/inference/ortRuntime';
import { seededRandom } from '../../../src/engine/inference/seededRandom';
import { loadModelFolder } from '../../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { GENERATION, heldLayers, hfDir } from './continuationFixtures';

const noCancel = (): void => undefined;
const source = { label: 'fixture', graphFile: 'model.onnx', bannedFrom: 'config.json' };

describe('continuation paths', () => {
  for (const name of ['gpt2', 'gpt2-merged', 'llama', 'gqa-llama']) {
    it(`${name}: the cache and full passes choose the same 40 ids`, async () => {
      const model = await sharedEngine().loadModel(hfDir(name));
      const files = nodeModelFiles(hfDir(name));
      const session = await GenerationSession.open(files, model.folder);
      try {
        assert.ok(session.hasCache);
        const run = {
          promptIds: GENERATION.models[name.replace('-merged', '')]!.prompt_ids,
          maxNewTokens: 40,
          choose: greedyChoice(source),
          eosIds: new Set<number>(),
          checkCancelled: noCancel,
        };
        const cached = await session.continueText(run);
        const full = await session.continueText({ ...run, noCache: true });
        assert.equal(cached.steppedWith, 'cache');
        assert.equal(full.steppedWith, 'full');
        assert.equal(cached.ids.length, 40);
        assert.deepEqual(cached.ids, full.ids);
      } finally {
        await session.release();
      }
    });
  }

  for (const name of ['gpt2', 'llama']) {
    it(`${name}: each cache step's attention row equals the full causal pass's row (1e-5)`, async () => {
      const engine = sharedEngine();
      const ref = GENERATION.models[name]!;
      const result = await engine.inspectHeld(hfDir(name), GENERATION.prompt, {
        generate: { maxNewTokens: GENERATION.max_new_tokens },
      });
      const held = await heldLayers(engine, result);
      const ids = result.tokens.map((t) => t.id);
      const n = ref.prompt_ids.length;
      const total = ids.length;
      // The folder's graph with every layer's probabilities exposed and its cache outputs kept.
      const folder = await loadModelFolder(nodeModelFiles(hfDir(name)));
      const session = await createSession(folder.onnxBytes, folder.externalData);
      const presents = cacheOutputs(session.outputNames);
      const cache: DecoderCache = new Map();
      keepCache(cache, await session.run(makeFeeds(folder.feeds, ids.slice(0, n)), presents), true);
      let worst = 0;
      for (let at = n; at < total; at++) {
        const feeds = cacheStepFeeds(folder.feeds, cache, ids.slice(0, at + 1))!;
        const outputs = await session.run(feeds, [...presents, ...folder.attentionOutputs]);
        keepCache(cache, outputs, true);
        folder.attentionOutputs.forEach((output, layer) => {
          const step = outputs[output]!.data as Float32Array; // [1, heads, 1, at + 1]
          const heads = result.model.heads;
          assert.equal(step.length, heads * (at + 1));
          for (let h = 0; h < heads; h++) {
            for (let k = 0; k < total; k++) {
              const full = held[layer]![(h * total + at) * total + k]!;
              const mine = k <= at ? step[h * (at + 1) + k]! : 0;
              worst = Math.max(worst, Math.abs(full - mine));
            }
          }
        });
      }
      await session.release();
      engine.release(result.resultId);
      assert.ok(worst < 1e-5, `max |cache step − full pass| = ${worst}`);
    });
  }

  it('the seeded generator gives the same numbers everywhere (mulberry32 reference values)', () => {
    const random = seededRandom(42);
    const first = Array.from({ length: 3 }, () => random());
    // Integer arithmetic only: these are the values on any machine.
    assert.deepEqual(
      first.map((x) => Math.round(x * 2 ** 32)),
      [2581720956, 1925393290, 3661312704],
    );
  });

  it('gpt2: a seed repeats a sampled continuation in this process and in another', async () => {
    const engine = sharedEngine();
    const ask = { maxNewTokens: 20, temperature: 1.3, topP: 0.95, seed: 1234 };
    const ids = async (seed: number) => {
      const result = await engine.inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
        generate: { ...ask, seed },
      });
      engine.release(result.resultId);
      assert.deepEqual(
        { kind: result.generation!.kind, seed: result.generation!.seed },
        { kind: 'sample', seed },
      );
      return result.generation!.generated.map((t) => t.id);
    };
    const once = await ids(1234);
    assert.deepEqual(await ids(1234), once, 'the same seed, the same ids');
    assert.notDeepEqual(await ids(99), once, 'another seed, other ids');
    const script = join(ROOT, 'test', 'unit', 'inference', 'sampleOnce.ts');
    const other = execFileSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(ask)], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.deepEqual(JSON.parse(other), once, 'another process');
  });

  it('gpt2: top-p near 0 keeps only the best id, so sampling is greedy', async () => {
    const engine = sharedEngine();
    const result = await engine.inspectHeld(hfDir('gpt2'), GENERATION.prompt, {
      generate: { maxNewTokens: GENERATION.max_new_tokens, temperature: 2, topP: 1e-9, seed: 7 },
    });
    engine.release(result.resultId);
    assert.deepEqual(
      result.generation!.generated.map((t) => t.id),
      GENERATION.models.gpt2!.generated_ids,
    );
  });
});
