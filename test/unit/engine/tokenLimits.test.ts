/**
 * Token limits that fit the model: the default is the context bounded by memory, and when a
 * run fails the advice names the asking surface's knob, and `maxPositions` only where the
 * folder has a manifest.json (real onnxruntime-web, the fixtures edited in memory).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runFailure } from '../../../src/engine/inference/runFailure';
import { MAX_TOKENS_PER_RUN } from '../../../src/engine/inference/planTokens';
import {
  HEAP_BUDGET_BYTES,
  heldBytes,
  memoryTokenBound,
  tokenLimit,
} from '../../../src/engine/inference/tokenBudget';
import { KNOBS, type Surface } from '../../../src/engine/surface';
import { fixtureModel, ROOT, sharedEngine } from './fixtures';

/** The SmolLM2-135M-shaped benchmark model (tools/bench/make_smollm_like.py): 652 MB fp32. */
const SMOLLM = { layers: 30, heads: 9, hiddenSize: 576, vocabSize: 49152, maxPositions: 8192 };
const SMOLLM_BYTES = 652_037_493;

describe('token limit by default: the context, bounded by memory', () => {
  it('bounds the SmolLM2-shaped model above what ran (2,048) and below its context', () => {
    const bound = memoryTokenBound(SMOLLM, SMOLLM_BYTES);
    assert.ok(bound >= 2048 && bound < 8192, `bound ${bound}`);
    assert.equal(bound % 64, 0);
    assert.ok(heldBytes(SMOLLM, bound) + SMOLLM_BYTES <= HEAP_BUDGET_BYTES);
    assert.ok(heldBytes(SMOLLM, bound + 64) + SMOLLM_BYTES > HEAP_BUDGET_BYTES);
    assert.deepEqual(tokenLimit(SMOLLM, SMOLLM_BYTES, undefined), {
      maxTokens: bound,
      from: 'memory',
    });
    assert.deepEqual(tokenLimit(SMOLLM, SMOLLM_BYTES, 0), { maxTokens: bound, from: 'memory' });
  });

  it('a limit asked for is taken (up to the context), a small model gets its whole context', () => {
    assert.deepEqual(tokenLimit(SMOLLM, SMOLLM_BYTES, 3000), { maxTokens: 3000, from: 'asked' });
    assert.deepEqual(tokenLimit(SMOLLM, SMOLLM_BYTES, 1e6), {
      maxTokens: MAX_TOKENS_PER_RUN,
      from: 'context',
    });
    const bundled = { layers: 4, heads: 4, hiddenSize: 128, vocabSize: 8192, maxPositions: 512 };
    assert.deepEqual(tokenLimit(bundled, 12e6, undefined), { maxTokens: 512, from: 'context' });
  });

  it('the engine inspects the whole context of a small model when no limit is set', async () => {
    const text = 'x = [1, 2, 3]\n'.repeat(100);
    for (const maxTokens of [undefined, 0]) {
      const result = await sharedEngine().inspect(fixtureModel('decoder-attn'), text, {
        maxTokens,
      });
      assert.equal(result.tokens.length, result.model.maxPositions);
      assert.match(result.truncation?.reason ?? '', /context is 64 tokens/);
    }
  });
});

/**
 * What a run that fails inside onnxruntime is told (the fixtures' graphs refuse nothing that
 * gets past the folder checks, so onnxruntime's own words are given).
 */
async function adviceFor(dir: string, said: string, surface: Surface): Promise<string> {
  const { folder } = await sharedEngine().loadModel(dir);
  return runFailure(new Error(said), 2048, folder, surface).message;
}

const GPT2 = join(ROOT, 'test', 'fixtures', 'hf', 'gpt2');

describe('a run that fails inside onnxruntime: advice that fits the folder and the surface', function () {
  this.timeout(60_000);

  it('a Hugging Face folder: fewer tokens with the surface’s knob, no manifest.json to edit', async () => {
    for (const surface of ['cli', 'extension'] as const) {
      const message = await adviceFor(
        GPT2,
        'Non-zero status code returned while running Gather node.',
        surface,
      );
      assert.match(message, /failed on 2048 tokens inside onnxruntime/);
      assert.ok(message.includes(KNOBS.maxTokens[surface]), message);
      assert.ok(
        !message.includes(KNOBS.maxTokens[surface === 'cli' ? 'extension' : 'cli']),
        message,
      );
      assert.doesNotMatch(message, /maxPositions|manifest\.json|n_positions/);
    }
  });

  it('a folder with manifest.json: lowering its maxPositions is advice too', async () => {
    const message = await adviceFor(
      fixtureModel('decoder-attn'),
      'Gather: indices out of bounds',
      'cli',
    );
    assert.ok(message.includes('--max-tokens'), message);
    assert.match(message, /lower "maxPositions" \(64\) in manifest\.json/);
  });

  it('out of memory is said as such, with the model’s size and what to do', async () => {
    for (const dir of [GPT2, fixtureModel('decoder-attn')]) {
      const message = await adviceFor(dir, 'std::bad_alloc', 'cli');
      assert.match(
        message,
        /2048 tokens of this 2-layer, [24]-head model do not fit in the engine's memory/,
      );
      assert.match(
        message,
        /inspect fewer tokens \(--max-tokens\) or pick a smaller model or variant/,
      );
      assert.doesNotMatch(message, /maxPositions|re-export/);
    }
  });
});
