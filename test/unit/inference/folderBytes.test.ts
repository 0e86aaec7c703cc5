/**
 * A loaded model does not keep its files' bytes (issue 22, memory after the panel closes):
 * onnxruntime-web copies the graph into its WASM heap, so the engine may keep only what it
 * derived (each layer's W_O for the value norms, issue 24). A ProjectionMatrix closure made
 * inside `readProjection` shared V8's closure context with the graph's index and so kept the
 * decoded graph and the whole model file alive: 652 MB for the 30-layer benchmark model.
 * Checked for a float32 W_O, a 4-bit one (dequantized on first use) and a bitsandbytes one.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Engine } from '../../../src/engine/engine';
import type { ModelFiles } from '../../../src/engine/folder/modelFiles';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';
import type { GraphVariant } from '../../../src/engine/folder/onnxGraphFiles';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

setFlagsFromString('--expose-gc');
/** V8's collector, exposed at run time (mocha runs without --expose-gc). */
const collect = runInNewContext('gc') as () => void;

/** The folder's files, each `.onnx` buffer it hands out watched by a WeakRef. */
function watchedFiles(handedOut: WeakRef<ArrayBufferLike>[]): (dir: string) => ModelFiles {
  return (dir) => {
    const files = nodeModelFiles(dir);
    return {
      ...files,
      read: async (name) => {
        const bytes = await files.read(name);
        if (bytes && name.endsWith('.onnx')) handedOut.push(new WeakRef(bytes.buffer));
        return bytes;
      },
    };
  };
}

/** Whether every watched buffer was collected, after a few collections in later jobs. */
async function allCollected(handedOut: WeakRef<ArrayBufferLike>[]): Promise<boolean> {
  // deref() keeps its target alive until the current job ends: collect in a later one.
  const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
  for (let tries = 0; tries < 10; tries++) {
    await tick();
    collect();
    await tick();
    if (handedOut.every((ref) => ref.deref() === undefined)) return true;
  }
  return false;
}

describe('a loaded model and its files', () => {
  const cases: [string, string, GraphVariant | undefined][] = [
    ['bundled model, float32 W_O', join(ROOT, 'models', 'mini-code-gpt'), undefined],
    ['llama GQA, 4-bit MatMulNBits W_O', join(HF_FIXTURES, 'gqa-llama'), 'q4'],
    ['gpt2, bitsandbytes MatMulBnb4 W_O', join(HF_FIXTURES, 'gpt2-optimized'), 'bnb4'],
  ];
  for (const [what, dir, variant] of cases) {
    it(`${what}: the file's bytes go, the model still inspects with value norms`, async () => {
      sharedEngine(); // onnxruntime-web configured the way the tests use it
      const handedOut: WeakRef<ArrayBufferLike>[] = [];
      const engine = new Engine(watchedFiles(handedOut));
      await engine.loadModel(dir, variant);
      assert.ok(handedOut.length > 0, 'the graph was read through the watched folder');
      assert.ok(await allCollected(handedOut), 'a model file is still reachable after the load');
      const held = await engine.inspectHeld(dir, 'def f(x): return x', {
        maxTokens: 16,
        ...(variant ? { variant } : {}),
      });
      const [stack] = held.stacks;
      const rows = await engine.slice(held.resultId, {
        kind: stack.kind,
        layer: 0,
        heads: [0],
        rows: [stack.rows - 1],
        weights: 'value-weighted',
      });
      assert.ok(
        rows.some((v) => v > 0),
        'value-weighted attention from the kept W_O',
      );
      engine.release(held.resultId);
    });
  }
});
