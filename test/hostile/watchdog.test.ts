/**
 * Issue 27, items 1 and 15: no file-supplied pattern or graph may hold the engine past its
 * bound. The CLI and the extension both run the engine in the worker under the host's
 * watchdog (src/worker/watchdog.ts); past the bound the worker is stopped, the request fails
 * with one line naming what ran, and the next request gets a fresh worker.
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient, EngineRunError } from '../../src/worker/engineClient';
import { startNodeWorker } from '../../src/worker/nodeWorkerHandle';
import { failsClearly } from './helpers/expectations';
import { editJson, endlessLoop, Scratch } from './helpers/modelFolders';
import { CLI, ROOT, runNode } from './helpers/runBounded';

const HF = join(ROOT, 'test', 'fixtures', 'hf');
/** 2^41 steps of backtracking: hours without a bound. */
const BACKTRACKING_TEXT = `${'a'.repeat(41)}b`;
const TIMEOUT_S = 3;

function client(): EngineClient {
  const dist = join(ROOT, 'dist');
  return new EngineClient(
    () =>
      startNodeWorker(join(dist, 'engine.worker.js'), {
        wasmDir: join(dist, 'ort'),
        numThreads: 1,
      }),
    { timeoutSeconds: TIMEOUT_S, raiseHint: 'raise the timeout' },
  );
}

describe('hostile: the watchdog bounds file-supplied patterns and graphs', function () {
  this.timeout(120_000);
  const scratch = new Scratch();
  after(() => scratch.remove());

  function backtrackingFolder(): string {
    const dir = scratch.path(`opus-backtracking-${Math.random().toString(36).slice(2)}`);
    cpSync(join(HF, 'opus-mt-tiny'), dir, { recursive: true });
    editJson(dir, 'tokenizer.json', (json) => {
      json.normalizer = { type: 'Replace', pattern: { Regex: '(a+)+$' }, content: 'x' };
    });
    return dir;
  }

  function loopingFolder(): string {
    const dir = scratch.copyOf('decoder-attn');
    endlessLoop(dir, 'attn_0');
    return dir;
  }

  it('a backtracking Replace pattern in tokenizer.json fails in bounded time, naming it (item 1)', async () => {
    const run = await runNode(CLI, [
      '--model',
      backtrackingFolder(),
      '--text',
      BACKTRACKING_TEXT,
      '--max-new-tokens',
      '1',
      '--timeout',
      String(TIMEOUT_S),
    ]);
    // Either this watchdog stops it or a load-time check refuses the pattern: both name it.
    failsClearly(run, /tokenizer\.json.*\(a\+\)\+\$/);
  });

  it('a graph with an endless Loop fails in bounded time, naming the graph (item 15)', async () => {
    const run = await runNode(CLI, [
      '--model',
      loopingFolder(),
      '--text',
      'def f(x): return x',
      '--timeout',
      String(TIMEOUT_S),
    ]);
    failsClearly(run, new RegExp(`model\\.onnx: running on \\d+ tokens ran past ${TIMEOUT_S} s`));
  });

  it('after a stopped worker the next inspection in the same host works (items 1 and 15)', async () => {
    const engine = client();
    try {
      for (const [modelDir, text] of [
        [backtrackingFolder(), BACKTRACKING_TEXT],
        [loopingFolder(), 'def f(x): return x'],
      ] as const) {
        const started = performance.now();
        const failure = await engine.inspect({ modelDir, text }).result.then(
          () => assert.fail('the hostile folder was inspected'),
          (error: unknown) => error,
        );
        assert.ok(failure instanceof EngineRunError, String(failure));
        assert.match(failure.message, /tokenizer\.json|model\.onnx/);
        assert.ok(performance.now() - started < 45_000, 'stopped within its bound');
        const next = await engine.inspect({
          modelDir: join(HF, 'opus-mt-tiny'),
          text: 'hello world',
        }).result;
        assert.ok(next.tokens.length > 1, 'the next inspection ran');
      }
    } finally {
      await engine.dispose();
    }
  });
});
