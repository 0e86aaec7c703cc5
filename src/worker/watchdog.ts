/**
 * The host's bound on the engine worker: while a request is open, the stage the worker last
 * announced (src/engine/stage.ts) must end within its deadline (runDeadline.ts). A worker
 * past it is stuck in synchronous work (a backtracking pattern, a graph's endless Loop) and
 * cannot be asked to stop; `expire` terminates it, and the host starts a fresh one.
 */
import type { EngineStage } from '../engine/stage';
import { stageDeadlineMs } from './runDeadline';

export class Watchdog {
  private open = 0;
  private stage: EngineStage | undefined;
  private stageSince = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly baseSeconds: number,
    private readonly expire: (stage: EngineStage, seconds: number) => void,
  ) {}

  /** Bounds `work` (one request); `first` names it until the worker announces a stage. */
  watch<T>(work: Promise<T>, first: EngineStage): Promise<T> {
    if (this.open++ === 0) {
      this.stage = first;
      this.stageSince = performance.now();
      this.arm();
    }
    return work.finally(() => {
      if (--this.open <= 0) this.disarm();
    });
  }

  /** The worker entered `stage`: its deadline starts now. */
  enter(stage: EngineStage): void {
    this.stage = stage;
    this.stageSince = performance.now();
    if (this.open > 0) this.arm();
  }

  /** The stage of the open work and how long it has lasted; undefined when idle. */
  busy(): { stage: EngineStage; ms: number } | undefined {
    if (this.open <= 0 || !this.stage) return undefined;
    return { stage: this.stage, ms: performance.now() - this.stageSince };
  }

  /** Stops watching (the worker is gone). */
  dispose(): void {
    this.open = 0;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    const stage = this.stage;
    if (!stage) return;
    const ms = stageDeadlineMs(stage, this.baseSeconds);
    this.timer = setTimeout(() => {
      this.dispose();
      this.expire(stage, Math.round(ms / 100) / 10);
    }, ms);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
