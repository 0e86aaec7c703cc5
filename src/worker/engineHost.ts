/**
 * Owns the engine client: the inference worker starts on first use (never during activation)
 * and is restarted with the new settings when `attentionInspector.threads` or
 * `attentionInspector.runTimeoutSeconds` changes, or when a newly selected model wants
 * another thread count (`threads()` is evaluated for the model in use: threadChoice.ts).
 */
import * as path from 'node:path';
import { knob } from '../engine/surface';
import { EngineClient } from './engineClient';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';
import { startNodeWorker } from './nodeWorkerHandle';

export class EngineHost {
  private client: EngineClient | undefined;
  /** The thread count the running worker was started with. */
  private startedThreads: number | undefined;

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
      this.startedThreads = numThreads;
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

  /**
   * True when a worker runs with another thread count than `threads()` now asks for (a much
   * bigger or smaller model was selected under "auto"): onnxruntime-web cannot change it in
   * place, only a restart can.
   */
  wantsOtherThreads(): boolean {
    return this.client !== undefined && this.startedThreads !== this.threads();
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
