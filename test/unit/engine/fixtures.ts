/** Shared helpers: the committed fixture models and a configured onnxruntime-web. */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../../src/engine/engine';
import { configureOrt } from '../../../src/engine/inference/ortRuntime';
import { nodeModelFiles } from '../../../src/engine/folder/nodeModelFiles';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const fixtureModel = (name: string): string =>
  join(ROOT, 'test', 'fixtures', 'models', name);
export const ORT_WASM_DIR = join(ROOT, 'node_modules', 'onnxruntime-web', 'dist');

let engine: Engine | undefined;

/** One engine for the whole unit suite, like the worker has one per thread. */
export function sharedEngine(): Engine {
  if (!engine) {
    configureOrt(pathToFileURL(ORT_WASM_DIR).href, 1);
    engine = new Engine(nodeModelFiles);
  }
  return engine;
}

/** Max |row sum − 1| over all rows of a `[heads, N, N]` array. */
export function worstRowSumError(weights: Float32Array, n: number): number {
  let worst = 0;
  for (let row = 0; row < weights.length / n; row++) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += weights[row * n + k];
    worst = Math.max(worst, Math.abs(sum - 1));
  }
  return worst;
}
