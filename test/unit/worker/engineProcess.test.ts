/**
 * The engine in a child process, as the extension host runs it (dist/engine.process.js, the
 * bundled model): results arrive as typed arrays; a process killed mid-run (SIGKILL, what the
 * kernel's out-of-memory killer sends) or one that runs out of memory ends the run with one
 * paragraph naming the model, its size and the tokens, and the next inspection works.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLED_MODEL } from '../../../src/util/modelLocation';
import {
  type ChildProcessHandle,
  type ChildProcessOptions,
  startChildProcess,
} from '../../../src/worker/childProcessHandle';
import { EngineClient, EngineRunError } from '../../../src/worker/engineClient';
import { EXHAUST_MEMORY_ENV } from '../../../src/worker/memoryExhaustion';
import { ROOT } from '../engine/fixtures';

const SCRIPT = join(ROOT, 'dist', 'engine.process.js');
const MODEL = join(ROOT, BUNDLED_MODEL);
/** ~400 tokens of code: a run long enough to be killed in the middle of. */
const LONG = 'for (let i = 0; i < n; i++) { total += values[i] * weights[i]; }\n'.repeat(20);
/** A heap this small runs out in well under a second, using little memory. */
const SMALL_HEAP = ['--max-old-space-size=48'];

function crashed(pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof EngineRunError, String(error));
    assert.equal(error.code, 'crashed', error.message);
    assert.match(error.message, pattern);
    // The model, its size and the tokens are named; the advice names the extension's knobs.
    // The graph file is 11.6 MiB; what onnxruntime is handed (its edited graph beside it) a little more.
    const size = / running mini-code-gpt \((\d+\.\d) MiB of graph and weights\)/.exec(
      error.message,
    );
    assert.ok(size && Number(size[1]) >= 11.6 && Number(size[1]) < 12.5, error.message);
    assert.match(
      error.message,
      /on \d{3} tokens; a fresh engine starts with the next inspection\./,
    );
    assert.match(error.message, /lower the setting attentionInspector\.maxTokens/);
    assert.match(error.message, /4-bit variant where the folder has one \(Select Model…\)\.$/);
    assert.doesNotMatch(error.message, /\n|position|re-export/);
    return true;
  };
}

describe('the engine in a child process (dist/engine.process.js, bundled model)', function () {
  this.timeout(60_000);
  let handles: ChildProcessHandle[];
  let client: EngineClient;

  /** A client whose first process is started with `first` (a small heap, the OOM hook). */
  function clientWith(first: ChildProcessOptions = {}): EngineClient {
    return new EngineClient(
      () => {
        const options = { wasmDir: join(ROOT, 'dist', 'ort'), numThreads: 1 };
        const handle = startChildProcess(SCRIPT, options, handles.length === 0 ? first : {});
        handles.push(handle);
        return handle;
      },
      undefined,
      { surface: 'extension', restartAfterCrash: true },
    );
  }

  async function inspectsAgain(): Promise<number> {
    const started = performance.now();
    const next = await client.inspect({ modelDir: MODEL, text: 'def again(): pass' }).result;
    assert.equal(next.text, 'def again(): pass');
    assert.equal(next.attentions.length, next.model.layers);
    assert.equal(handles.length, 2);
    assert.notEqual(handles[0].child.exitCode ?? handles[0].child.signalCode, null);
    return performance.now() - started;
  }

  before(() => assert.ok(existsSync(SCRIPT), 'run `node esbuild.mjs` first (npm test does)'));
  beforeEach(() => (handles = []));
  afterEach(() => client.dispose());

  it('runs the bundled model and returns the tensors as Float32Arrays', async () => {
    client = clientWith();
    const value = await client.inspect({ modelDir: MODEL, text: 'x = f(y)' }).result;
    assert.ok(value.attentions.length > 0);
    assert.ok(value.attentions.every((layer) => layer instanceof Float32Array));
    assert.equal(handles.length, 1);
    assert.ok(handles[0].child.pid !== process.pid);
  });

  it('a process killed mid-run (SIGKILL) ends the run clearly; the next inspection works', async () => {
    client = clientWith();
    // Killed once the process announces the graph run, i.e. in the middle of it.
    const error = await duringLongRun(() => handles[0].child.kill('SIGKILL'));
    assert.ok(crashed(/^The inference engine was killed \(SIGKILL;/)(error));
    assert.equal(handles.length, 2, 'a fresh engine starts at once, before the next request');
    const ms = await inspectsAgain();
    console.log(`      restart + next inspection: ${ms.toFixed(0)} ms`);
  });

  /** Runs LONG, calls `during` once the process announces the graph run; the run's error. */
  async function duringLongRun(during: (runId: number) => void): Promise<unknown> {
    await client.inspect({ modelDir: MODEL, text: 'warm up' }).result;
    const run = client.inspect({ modelDir: MODEL, text: LONG });
    const outcome = run.result.then(
      () => assert.fail('the run ended with a result'),
      (error: unknown) => error,
    );
    const child = handles[0].child;
    await new Promise<void>((resolve) => {
      const onMessage = (message: { event?: { stage?: { kind?: string; tokens?: number } } }) => {
        const stage = message.event?.stage;
        if (stage?.kind !== 'run' || (stage.tokens ?? 0) < 100) return;
        child.off('message', onMessage);
        during(run.runId);
        resolve();
      };
      child.on('message', onMessage);
    });
    return outcome;
  }

  it('a cancel in the middle of a long run stops the process, freeing its memory; the next inspection works', async () => {
    client = new EngineClient(
      () => {
        const handle = startChildProcess(SCRIPT, {
          wasmDir: join(ROOT, 'dist', 'ort'),
          numThreads: 1,
        });
        handles.push(handle);
        return handle;
      },
      undefined,
      { surface: 'extension', restartAfterCrash: true, stopRunOnCancelAfterMs: 0 },
    );
    const error = await duringLongRun((runId) => client.cancel(runId));
    assert.ok(error instanceof EngineRunError);
    assert.equal(error.code, 'cancelled');
    const child = handles[0].child;
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    await inspectsAgain();
  });

  it('without the option, a cancelled run ends in the engine, which stays', async () => {
    client = clientWith();
    const error = await duringLongRun((runId) => client.cancel(runId));
    assert.match(String(error), /Inspection cancelled\./);
    await client.inspect({ modelDir: MODEL, text: 'def again(): pass' }).result;
    assert.equal(handles.length, 1);
    assert.equal(handles[0].child.exitCode, null);
  });

  it('a process that exhausts its heap ends the run with the out-of-memory message; the next works', async () => {
    client = clientWith({ execArgv: SMALL_HEAP, env: { [EXHAUST_MEMORY_ENV]: 'js' } });
    const started = performance.now();
    await assert.rejects(
      client.inspect({ modelDir: MODEL, text: LONG }).result,
      crashed(
        /^The inference engine ran out of memory \(killed by SIGABRT: .*heap out of memory\)/,
      ),
    );
    console.log(`      out of memory after ${(performance.now() - started).toFixed(0)} ms`);
    await inspectsAgain();
  });

  it('a WASM heap that cannot grow is reported the same, and its process is replaced', async () => {
    client = clientWith({ env: { [EXHAUST_MEMORY_ENV]: 'wasm' } });
    await assert.rejects(
      client.inspect({ modelDir: MODEL, text: LONG }).result,
      crashed(/^The inference engine ran out of memory \(.*WebAssembly\.Memory/),
    );
    await inspectsAgain();
  });

  it('the process exits when the host goes away (its IPC channel closes)', async () => {
    client = clientWith();
    await client.inspect({ modelDir: MODEL, text: 'x' }).result;
    const child = handles[0].child;
    const exited = once(child, 'exit');
    child.disconnect();
    const [code] = await exited;
    assert.equal(code, 0);
  });
});
