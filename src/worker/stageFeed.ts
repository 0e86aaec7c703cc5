/**
 * The stages the engine announces (src/engine/stage.ts), passed on to whoever shows progress
 * (the inspection's notification: "layer 3/30: …"); the watchdog reads them separately.
 */
import type { EngineStage } from '../engine/stage';

export class StageFeed {
  private readonly listeners = new Set<(stage: EngineStage) => void>();

  /** Calls `listener` with each stage announced from now on, until disposed. */
  listen(listener: (stage: EngineStage) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  emit(stage: EngineStage): void {
    for (const listener of this.listeners) listener(stage);
  }
}
