/**
 * How the host words an engine that died or ran out of memory (src/worker/engineFailure.ts):
 * the allocation failures of WASM and V8 as they read, a process ended by a signal, and one
 * paragraph naming the model, its size, the tokens and what to do on each surface.
 */
import assert from 'node:assert/strict';
import {
  engineFailureMessage,
  isMemoryFailure,
  isOutOfMemory,
  memorySentence,
  tellingLine,
} from '../../../src/worker/engineFailure';

/** Allocation failures as onnxruntime-web, Emscripten, V8 and Node report them. */
const OUT_OF_MEMORY = [
  'failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc',
  'RuntimeError: Aborted(OOM). Build with -sASSERTIONS for more info.',
  'Aborted(Cannot enlarge memory arrays to size 4294967296 bytes (OOM).)',
  'WebAssembly.Memory.grow(): Maximum memory size exceeded',
  'Worker terminated due to reaching memory limit: JS heap out of memory',
  'ERR_WORKER_OUT_OF_MEMORY',
  'killed by SIGABRT: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
  'Array buffer allocation failed',
];
const OTHER = [
  'exit code 1',
  "Cannot find module '/x/dist/ort/ort-wasm-simd-threaded.mjs'",
  'tokenizer.json: model.vocab is missing',
];
const WORK = { modelDir: '/models/smollm-like/', modelBytes: 657_000_000, tokens: 2048 };

describe('engine failures (engineFailure.ts)', () => {
  it('recognises allocation failures of WASM and V8, and nothing else', () => {
    for (const reason of OUT_OF_MEMORY) assert.ok(isOutOfMemory(reason), reason);
    for (const reason of OTHER) assert.ok(!isOutOfMemory(reason), reason);
  });

  it('a process ended by a signal is told as memory trouble; an exit code is not', () => {
    assert.ok(isMemoryFailure('killed by SIGKILL'));
    assert.ok(!isOutOfMemory('killed by SIGKILL'));
    assert.ok(!isMemoryFailure('exit code 1'));
  });

  it('keeps the sentence of an error that says memory ran out, not the advice around it', () => {
    // What the engine reported on the 2,048-token run of the SmolLM2-shaped model.
    const said =
      '/b/smollm-like/onnx/model.onnx: failed on 2048 tokens inside onnxruntime (std::bad_alloc). ' +
      'If the graph cannot take that many tokens, lower "max_position_embeddings" (8192) in ' +
      'config.json; otherwise re-export the model.';
    assert.equal(
      memorySentence(said),
      '/b/smollm-like/onnx/model.onnx: failed on 2048 tokens inside onnxruntime (std::bad_alloc)',
    );
    const grow = 'WebAssembly.Memory.grow(): Maximum memory size exceeded';
    assert.equal(memorySentence(grow), grow);
  });

  it("picks the line of a process's output that says why it died", () => {
    const output = [
      '<--- JS stacktrace --->',
      '',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      '----- Native stack trace -----',
      ' 1: 0xb8cf03 node::OOMErrorHandler(char const*, v8::OOMDetails const&) [node]',
    ].join('\n');
    assert.match(tellingLine(output), /^FATAL ERROR: .*heap out of memory$/);
    assert.equal(tellingLine('first\nlast line\n\n'), 'last line');
    assert.equal(tellingLine(''), '');
  });

  it('out of memory: one paragraph with model, size, tokens and the surface’s knobs', () => {
    const reason = 'failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc';
    const extension = engineFailureMessage(reason, WORK, 'extension');
    assert.equal(
      extension,
      'The inference engine ran out of memory (failed to call OrtRun(). ERROR_CODE: 6, ' +
        'ERROR_MESSAGE: std::bad_alloc) running smollm-like (626.6 MiB of graph and weights) ' +
        'on 2,048 tokens; a fresh engine starts with the next inspection. Inspect fewer tokens ' +
        '(lower the setting attentionInspector.maxTokens), or use a smaller model or a 4-bit ' +
        'variant where the folder has one (Select Model…).',
    );
    const cli = engineFailureMessage(reason, WORK, 'cli');
    assert.match(cli, /lower --max-tokens\), or .* \(--variant q4\)\.$/);
  });

  it('killed by a signal: says so and why that happens, with the same advice', () => {
    const message = engineFailureMessage('killed by SIGKILL', WORK, 'extension');
    assert.match(
      message,
      /^The inference engine was killed \(SIGKILL; when memory runs out the system ends the largest process\) running smollm-like/,
    );
    assert.match(message, /attentionInspector\.maxTokens/);
  });

  it('any other end: what stopped and what ran, without memory advice', () => {
    assert.equal(
      engineFailureMessage('exit code 1', { modelDir: '/m/tiny' }, 'extension'),
      'The inference engine stopped unexpectedly (exit code 1) running tiny. Run the command again to start a fresh one.',
    );
    assert.equal(
      engineFailureMessage('exit code 1', {}, 'cli'),
      'The inference engine stopped unexpectedly (exit code 1). Run the command again to start a fresh one.',
    );
  });
});
