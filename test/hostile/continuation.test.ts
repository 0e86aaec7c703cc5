/**
 * Issue 23's hostile continuations: numbers that are not a token count (0, negative, NaN,
 * 10⁶ bounded by the context with a notice), sampling settings out of range, a model that
 * never writes EOS, and a cancel between steps: clear messages, bounded time and memory.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { EngineRunError } from '../../src/engine/errors';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import type { GenerationRequest } from '../../src/engine/types';
import { withinBounds } from './helpers/expectations';
import { CLI, ROOT, runNode } from './helpers/runBounded';

const GPT2 = join(ROOT, 'test', 'fixtures', 'hf', 'gpt2');
const PROMPT = 'def add(a, b):';

describe('hostile: decoder continuations (issue 23)', function () {
  this.timeout(120_000);
  let engine: Engine;
  before(() => {
    configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
    engine = new Engine(nodeModelFiles, 'extension');
  });

  const refused = async (generate: GenerationRequest, says: RegExp): Promise<void> => {
    await assert.rejects(engine.inspectHeld(GPT2, PROMPT, { generate }), (error: unknown) => {
      assert.ok(error instanceof EngineRunError, String(error));
      assert.equal(error.code, 'badInput');
      assert.equal(error.message.split('\n').length, 1);
      assert.match(error.message, says);
      return true;
    });
  };

  for (const maxNewTokens of [0, -4, Number.NaN, 2.5, Number.POSITIVE_INFINITY]) {
    it(`maxNewTokens ${maxNewTokens}: refused, naming the setting`, () =>
      refused(
        { maxNewTokens },
        /whole number of at least 1, not .*attentionInspector\.continuationMaxTokens/,
      ));
  }

  for (const [generate, says] of [
    [
      { temperature: Number.NaN },
      /temperature must be a number of at least 0 \(0 is greedy\), not NaN/,
    ],
    [{ temperature: -1 }, /continuationTemperature/],
    [{ temperature: 1, topP: 0 }, /top-p must be above 0 and at most 1, not 0/],
    [{ temperature: 1, topP: Number.NaN }, /continuationTopP/],
    [{ temperature: 1, seed: -1 }, /seed must be a whole number from 0 to 4294967295, not -1/],
    [{ temperature: 1, seed: 1.5 }, /continuationSeed/],
  ] as const) {
    it(`sampling ${JSON.stringify(generate)}: refused`, () =>
      refused({ maxNewTokens: 4, ...generate }, says));
  }

  it('10⁶ new tokens on a model that never writes EOS: bounded by its 64 positions, with a notice', async () => {
    const started = performance.now();
    const result = await engine.inspectHeld(GPT2, PROMPT, {
      generate: { maxNewTokens: 1_000_000 },
    });
    const generation = result.generation!;
    assert.equal(result.tokens.length, 64);
    assert.equal(generation.maxNewTokens, 64 - generation.promptTokens);
    assert.equal(generation.generated.length, generation.maxNewTokens);
    assert.equal(generation.stoppedAtEos, false);
    assert.match(generation.notice ?? '', /At most 52 new tokens fit .* \(asked for 1000000\)/);
    assert.ok(performance.now() - started < 30_000);
    engine.release(result.resultId);
  });

  it('a text that fills the context leaves no room: refused, saying so', async () => {
    await assert.rejects(
      engine.inspectHeld(GPT2, 'x '.repeat(200), { generate: { maxNewTokens: 5 } }),
      /fills the 64 tokens the model can take \(64 with special tokens\), so there is no room/,
    );
  });

  it('cancelled after three new tokens: the run ends as cancelled, the engine goes on', async () => {
    let made = 0;
    await assert.rejects(
      engine.inspectHeld(GPT2, PROMPT, {
        generate: { maxNewTokens: 40 },
        onGenerated: (count) => {
          made = count;
        },
        isCancelled: () => made >= 3,
      }),
      (error: unknown) => error instanceof EngineRunError && error.code === 'cancelled',
    );
    assert.equal(made, 3);
    const after = await engine.inspectHeld(GPT2, PROMPT, { generate: { maxNewTokens: 2 } });
    assert.equal(after.generation?.generated.length, 2);
    engine.release(after.resultId);
  });

  it('CLI --generate 1000000 --max-tokens 48 on the bundled model: a note, bounded time and memory', async () => {
    const args = [
      '--text',
      'x = 1',
      '--generate',
      '1000000',
      '--max-tokens',
      '48',
      '--layers',
      '0',
    ];
    const run = await runNode(CLI, args);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stderr,
      /note: At most \d+ new tokens fit after the \d+-token text in the model's 48/,
    );
    const doc = JSON.parse(run.stdout) as { tokens: unknown[] };
    assert.ok(doc.tokens.length <= 48);
    withinBounds(run, { ms: 120_000, mib: 600 });
  });
});
