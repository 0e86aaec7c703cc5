/**
 * Owns the engine client: the engine process starts on first use (never during activation)
 * and is restarted with the new settings when `attentionInspector.threads` or
 * `attentionInspector.runTimeoutSeconds` changes. The engine runs in a child process, not a
 * thread of the extension host: a model that exhausts memory ends only that process
 * (docs/decisions.md).
 */
import * as path from 'node:path';
import { knob } from '../engine/surface';
import { EngineClient } from './engineClient';
import { DEFAULT_RUN_TIMEOUT_SECONDS } from './runDeadline';
import { startChildProcess } from './childProcessHandle';

export class EngineHost {
  private client: EngineClient | undefined;

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
        { surface: 'extension', restartAfterCrash: true },
      );
    }
    return this.client;
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
