/** The engine worker as the extension starts it: the built bundle (dist/), one WASM thread. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EngineClient } from '../../../src/worker/engineClient';
import { startNodeWorker, type NodeWorkerHandle } from '../../../src/worker/nodeWorkerHandle';
import { ROOT } from '../engine/fixtures';

export const WORKER = join(ROOT, 'dist', 'engine.worker.js');

/** Fails the suite at once when the bundle was not built. */
export function assertWorkerBuilt(): void {
  assert.ok(existsSync(WORKER), 'run `node esbuild.mjs` first (npm test does)');
}

/** Starts one built worker. */
export function startBuiltWorker(): NodeWorkerHandle {
  return startNodeWorker(WORKER, { wasmDir: join(ROOT, 'dist', 'ort'), numThreads: 1 });
}

/** A client that starts built workers (again after a crash). */
export function builtWorkerClient(): EngineClient {
  return new EngineClient(startBuiltWorker);
}
