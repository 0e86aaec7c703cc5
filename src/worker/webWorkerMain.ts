/**
 * Entry of the engine in a browser Web Worker (bundled to dist/engine.webworker.js).
 * Model folders are URLs; onnxruntime-web's wasm comes from `options.wasmDir`.
 */
import { Engine } from '../engine/engine';
import { configureOrt } from '../engine/inference/ortRuntime';
import { urlModelFiles } from '../engine/folder/urlModelFiles';
import { serveEngine } from './engineService';
import type { WebWorkerInit } from './webWorkerHandle';

/** The worker global scope, typed narrowly (no DOM/WebWorker lib in the engine). */
interface WorkerScope {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

const onInit = (event: { data: unknown }): void => {
  const init = event.data as WebWorkerInit;
  if (init?.kind !== 'init') return;
  scope.removeEventListener('message', onInit);
  const threads = configureOrt(init.options.wasmDir, init.options.numThreads);
  serveEngine(
    {
      post: (message, transfer) => scope.postMessage(message, transfer),
      listen(handler) {
        const listener = (e: { data: unknown }): void => handler(e.data);
        scope.addEventListener('message', listener);
        return () => scope.removeEventListener('message', listener);
      },
    },
    new Engine((modelDir) => urlModelFiles(modelDir)),
    threads,
  );
};
scope.addEventListener('message', onInit);
