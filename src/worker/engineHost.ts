/**
 * Owns the engine client: the inference worker starts on first use (never during activation)
 * and is restarted with the new settings when `attentionInspector.threads` or
 * `attentionInspector.runTimeoutSeconds` changes.
 */
import * as path from 'node:path';
import { knob } from '../engine/surface';
import { EngineClient } from './engineClient';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';
import { startNodeWorker } from './nodeWorkerHandle';

export class EngineHost {
  private client: EngineClient | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly threads: () => number,
    private readonly timeoutSeconds: () => number = () => DEFAULT_RUN_TIMEOUT_SECONDS,
  ) {}

  /** The current client; its worker starts on its first request. */
  get engine(): EngineClient {
    if (!this.client) {
      const dist = path.join(this.extensionPath, 'dist');
      const numThreads = this.threads();
      this.client = new EngineClient(
        () =>
          startNodeWorker(path.join(dist, 'engine.worker.js'), {
            wasmDir: path.join(dist, 'ort'),
            numThreads,
            surface: 'extension',
          }),
        {
          timeoutSeconds: this.timeoutSeconds(),
          raiseHint: `raise ${knob('runTimeout', 'extension')} if the model is just slow`,
        },
      );
    }
    return this.client;
  }

  /** Stops the worker; the next request starts a fresh one with the current settings. */
  async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    await old?.dispose();
  }

  async dispose(): Promise<void> {
    await this.restart();
  }
}
