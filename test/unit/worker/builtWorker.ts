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

/**
 * A fresh built-worker client for each test of the enclosing suite, disposed after it; the
 * suite fails at once without the bundle. Call inside `describe`; what it returns gives the
 * running test's client.
 */
export function builtWorkerPerTest(): () => EngineClient {
  let client: EngineClient | undefined;
  before(assertWorkerBuilt);
  beforeEach(() => {
    client = builtWorkerClient();
  });
  afterEach(() => client?.dispose());
  return () => {
    if (!client) throw new Error('no client: ask for it inside a test');
    return client;
  };
}
