/**
 * The one seam between the engine and what it runs in. The extension host uses a child
 * process (childProcessHandle.ts), the CLI a Node `worker_threads` worker
 * (nodeWorkerHandle.ts); a browser Web Worker (VS Code for the Web) would be a third
 * implementation. Everything above this interface is shared.
 */
import type { MessageEndpoint } from '../protocol/rpc';

/** A running engine worker. */
export interface WorkerHandle {
  endpoint: MessageEndpoint;
  /** Called once when the worker dies for any reason other than `terminate()`. */
  onExit(listener: (reason: string) => void): void;
  terminate(): Promise<void>;
}

/** Starts a fresh worker; called again after a crash. */
export type WorkerFactory = () => WorkerHandle;
