/**
 * Owns the engine client: the engine process starts on first use (never during activation)
 * and is restarted with the new settings when `attentionInspector.threads` or
 * `attentionInspector.runTimeoutSeconds` changes, or when a newly selected model wants
 * another thread count (`threads()` is evaluated for the model in use: threadChoice.ts).
 * The engine runs in a child process, not a thread of the extension host: a model that
 * exhausts memory ends only that process (docs/decisions.md).
 */
import * as path from 'node:path';
import { knob } from '../engine/surface';
import { STOP_RUN_ON_CANCEL_AFTER_MS } from './clientOptions';
import { EngineClient } from './engineClient';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';
import { startChildProcess } from './childProcessHandle';

export class EngineHost {
  private client: EngineClient | undefined;
  /** The thread count the running worker was started with. */
  private startedThreads: number | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly threads: () => number,
    private readonly timeoutSeconds: () => number = () => DEFAULT_RUN_TIMEOUT_SECONDS,
  ) {}

  /** The current client; its engine process starts on its first request. */
  get engine(): EngineClient {
    if (!this.client) {
      const dist = path.join(this.extensionPath, 'dist');
      const numThreads = this.threads();
      this.startedThreads = numThreads;
      this.client = new EngineClient(
        () =>
          startChildProcess(path.join(dist, 'engine.process.js'), {
            wasmDir: path.join(dist, 'ort'),
            numThreads,
            surface: 'extension',
          }),
        {
          timeoutSeconds: this.timeoutSeconds(),
          raiseHint: `raise ${knob('runTimeout', 'extension')} if the model is just slow`,
        },
        {
          surface: 'extension',
          restartAfterCrash: true,
          stopRunOnCancelAfterMs: STOP_RUN_ON_CANCEL_AFTER_MS,
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

  /** Stops the engine; the next request starts a fresh one with the current settings. */
  async restart(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    await old?.dispose();
  }

  async dispose(): Promise<void> {
    await this.restart();
  }
}
