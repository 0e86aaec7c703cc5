/** Runs the engine in a Node `worker_threads` worker (extension host, CLI, tests). */
import { Worker } from 'node:worker_threads';
import type { EngineWorkerOptions } from '../protocol/engine';
import { nodePortEndpoint } from './nodePortEndpoint';
import type { WorkerHandle } from './workerHandle';

/** A worker handle that also exposes the thread (tests crash it on purpose). */
export interface NodeWorkerHandle extends WorkerHandle {
  readonly worker: Worker;
}

/** `script` is the bundled worker entry (dist/engine.worker.js). */
export function startNodeWorker(script: string, options: EngineWorkerOptions): NodeWorkerHandle {
  // The bundled entry needs none of the parent's flags. A parent's loader hooks (a test
  // runner's `--import tsx`) would make the worker's start an async module evaluation, and
  // Node aborts the whole process when a worker is terminated in the middle of one
  // (nodejs/node#53238, "Check failed: (location_) != nullptr").
  const worker = new Worker(script, { workerData: options, execArgv: [] });
  let terminating = false;
  let exitListener: ((reason: string) => void) | undefined;
  let lastError: Error | undefined;
  worker.on('error', (error) => (lastError = error));
  worker.on('exit', (code) => {
    if (terminating) return;
    const why = lastError ? lastError.message : `exit code ${code}`;
    exitListener?.(why);
  });
  return {
    worker,
    endpoint: nodePortEndpoint(worker),
    onExit: (listener) => (exitListener = listener),
    async terminate() {
      terminating = true;
      await worker.terminate();
    },
  };
}
