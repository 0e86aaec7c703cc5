/** "auto" threads fit the cores and the work (src/engine/inference/threadRule.ts, threadChoice.ts). */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  autoThreads,
  forwardFlops,
  MAX_AUTO_THREADS,
  SMALL_WORK_FLOPS,
} from '../../../src/engine/inference/threadRule';
import { EngineHost } from '../../../src/worker/engineHost';
import { busyCoresFrom, modelParameters, threadsFor } from '../../../src/worker/threadChoice';
import { ROOT } from '../engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const LLAMA = join(ROOT, 'test', 'fixtures', 'hf', 'llama');
/** SmolLM2-135M's shape (tools/bench/make_smollm_like.py). */
const SMOLLM_PARAMETERS = 163e6;

describe('auto threads: by cores and work', () => {
  it('one thread for small work, whatever the cores', () => {
    for (const cores of [1, 2, 8, 64]) {
      for (const surface of ['cli', 'extension'] as const) {
        assert.equal(autoThreads({ cores, parameters: 3e6, tokens: 512, surface }), 1);
      }
    }
    assert.ok(forwardFlops(3e6, 512) < SMALL_WORK_FLOPS, 'the bundled model at 512 tokens');
    assert.ok(forwardFlops(SMOLLM_PARAMETERS, 128) >= SMALL_WORK_FLOPS, 'SmolLM2 at 128');
  });

  it('big work: the cores, one left to VS Code in the extension, at most 4', () => {
    const work = { parameters: SMOLLM_PARAMETERS, tokens: 512 };
    const pick = (cores: number, surface: 'cli' | 'extension') =>
      autoThreads({ ...work, cores, surface });
    assert.deepEqual(
      [1, 2, 3, 4, 8, 32].map((cores) => pick(cores, 'extension')),
      [1, 1, 2, 3, 4, 4],
    );
    assert.deepEqual(
      [1, 2, 3, 4, 8, 32].map((cores) => pick(cores, 'cli')),
      [1, 2, 3, 4, 4, 4],
    );
    assert.equal(MAX_AUTO_THREADS, 4);
  });

  it('cores other processes keep busy are not counted', () => {
    const work = { parameters: SMOLLM_PARAMETERS, tokens: 512, surface: 'cli' as const };
    assert.deepEqual(
      [0, 1, 2.7, 6, 40].map((busyCores) => autoThreads({ ...work, cores: 8, busyCores })),
      [4, 4, 4, 2, 1],
    );
    assert.equal(autoThreads({ ...work, cores: 2, busyCores: 9.5 }), 1);
  });

  it('busy cores: the load average, but no more than the tasks runnable now (the average lags)', () => {
    assert.equal(busyCoresFrom(1.9, 0), 0, 'a build just ended: nothing runs now');
    assert.equal(busyCoresFrom(1.9, 3), 1);
    assert.equal(busyCoresFrom(0.4, 2), 0, 'a process just started is not yet a busy core');
    assert.equal(busyCoresFrom(9.5, 8), 8);
    assert.equal(busyCoresFrom(2.7, undefined), 2, 'off Linux: the average alone');
  });

  it('estimates parameters from the graph the folder would run, per variant', () => {
    const bundledBytes = statSync(join(BUNDLED, 'model.onnx')).size;
    assert.equal(modelParameters(BUNDLED), bundledBytes / 4);
    const fp32 = modelParameters(LLAMA) ?? 0;
    assert.equal(fp32, statSync(join(LLAMA, 'onnx', 'model.onnx')).size / 4);
    const quantized = modelParameters(LLAMA, 'quantized') ?? 0;
    assert.equal(quantized, statSync(join(LLAMA, 'onnx', 'model_quantized.onnx')).size);
    const t5 = modelParameters(join(ROOT, 'test', 'fixtures', 'hf', 't5-small-tiny')) ?? 0;
    assert.ok(t5 > 0, 'an encoder-decoder counts its encoder and decoder');
    assert.equal(modelParameters(join(ROOT, 'no-such-folder')), undefined);
  });

  it('a thread count set by the user is kept; auto gives the bundled model one', () => {
    const ask = { modelDir: BUNDLED, surface: 'cli' as const };
    assert.equal(threadsFor({ ...ask, setting: 3 }), 3);
    assert.equal(threadsFor({ ...ask, setting: 0 }), 1);
    assert.equal(threadsFor({ ...ask, setting: 0, tokens: 512 }), 1);
    assert.ok(availableParallelism() >= 1);
  });
});

describe('EngineHost restarts the worker only when the model in use wants another count', function () {
  this.timeout(60_000);

  it('compares the count the worker started with to what the settings ask for now', async () => {
    let wanted = 1;
    const host = new EngineHost(ROOT, () => wanted);
    assert.equal(host.wantsOtherThreads(), false, 'no worker yet: nothing to restart');
    const result = await host.engine.inspect({ modelDir: BUNDLED, text: 'x = y' }).result;
    assert.ok(result.tokens.length > 1);
    assert.equal(host.wantsOtherThreads(), false);
    wanted = 2;
    assert.equal(host.wantsOtherThreads(), true);
    await host.restart();
    assert.equal(host.wantsOtherThreads(), false, 'a restarted host starts afresh');
    await host.engine.inspect({ modelDir: BUNDLED, text: 'x = y' }).result;
    assert.equal(host.wantsOtherThreads(), false);
    await host.dispose();
  });
});
