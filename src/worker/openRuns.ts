/**
 * The inspections whose result the host still waits for (engineClient.ts). A newer inspection
 * supersedes them, a cancel ends one at once and closing ends them all, each with a clear
 * `EngineRunError`, while the engine may still be working on them: its late answer is dropped.
 */
import type { EngineRunError } from '../engine/errors';

export class OpenRuns {
  private readonly open = new Map<number, (error: EngineRunError) => void>();

  /** How many runs wait for their result. */
  get size(): number {
    return this.open.size;
  }

  /** Run `runId`'s result: what `start` gives, unless the run is ended first. */
  track<T>(runId: number, start: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.open.set(runId, reject);
      start()
        .then((value) => (this.open.has(runId) ? resolve(value) : undefined), reject)
        .finally(() => this.open.delete(runId));
    });
  }

  /** Ends run `runId` with `error`; false when it was not open. */
  end(runId: number, error: () => EngineRunError): boolean {
    const settle = this.open.get(runId);
    if (!settle) return false;
    this.open.delete(runId);
    settle(error());
    return true;
  }

  /** Ends every open run, each with an `error` of its own. */
  endAll(error: () => EngineRunError): void {
    for (const [runId, settle] of this.open) {
      settle(error());
      this.open.delete(runId);
    }
  }
}
