/**
 * Runs the engine in a browser Web Worker (VS Code for the Web, or any page): the same
 * engine and channel as the Node worker, only the thread primitive differs.
 */
import type { EngineWorkerOptions } from '../protocol/engine';
import type { WorkerHandle } from './workerHandle';

/** The first message a web engine worker receives: what Node passes as `workerData`. */
export interface WebWorkerInit {
  kind: 'init';
  options: EngineWorkerOptions;
}

/** The slice of the DOM `Worker` this module uses (the engine's tsconfig has no DOM lib). */
interface BrowserWorker {
  postMessage(message: unknown, transfer?: ArrayBuffer[]): void;
  addEventListener(
    type: 'message' | 'error',
    listener: (event: { data?: unknown; message?: string }) => void,
  ): void;
  removeEventListener(type: 'message', listener: (event: { data?: unknown }) => void): void;
  terminate(): void;
}

/** `script` is the URL of dist/engine.webworker.js; `options.wasmDir` a URL prefix. */
export function startWebWorker(script: string, options: EngineWorkerOptions): WorkerHandle {
  const WorkerClass = (globalThis as unknown as { Worker: new (url: string) => BrowserWorker })
    .Worker;
  const worker = new WorkerClass(script);
  let exitListener: ((reason: string) => void) | undefined;
  worker.addEventListener('error', (event) => exitListener?.(event.message ?? 'worker error'));
  const init: WebWorkerInit = { kind: 'init', options };
  worker.postMessage(init);
  return {
    endpoint: {
      post: (message, transfer) => worker.postMessage(message, transfer),
      listen(handler) {
        const listener = (event: { data?: unknown }): void => handler(event.data);
        worker.addEventListener('message', listener);
        return () => worker.removeEventListener('message', listener);
      },
    },
    onExit: (listener) => (exitListener = listener),
    async terminate() {
      worker.terminate();
    },
  };
}
