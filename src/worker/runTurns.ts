/**
 * The engine worker's one thread, shared by its requests: one runs at a time. Queries
 * (steps, positions, and any slice a view asks for) have their own lane and go before the
 * inspections still waiting, so a hover or the Steps view does not wait behind a queue of
 * 20-second runs. A query cannot interrupt a run that has started: onnxruntime-web's
 * `session.run` holds the thread until it returns (docs/performance.md).
 */
import { forgetStage } from '../engine/stage';

/**
 * `inspect`: whole runs, in arrival order; `query`: short asks about a result, first;
 * `background`: small tasks nobody waits for (backgroundFill.ts), only when no other waits.
 */
export type Lane = 'inspect' | 'query' | 'background';

export class RunTurns {
  private running = false;
  private choosing = false;
  /** When a turn of a request somebody waits for (not a background task) last ended. */
  private lastAsked = 0;
  private readonly waiting: Record<Lane, (() => void)[]> = {
    query: [],
    inspect: [],
    background: [],
  };

  /** Resolves when it is this request's turn, with the function that ends the turn. */
  async next(lane: Lane = 'inspect'): Promise<() => void> {
    await new Promise<void>((resolve) => {
      this.waiting[lane].push(resolve);
      this.chooseNext();
    });
    // The host's watchdog starts each request afresh: tell it every stage of this one.
    forgetStage();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.running = false;
      if (lane !== 'background') this.lastAsked = Date.now();
      this.chooseNext();
    };
  }

  /** Resolves once no request but background tasks has run or waited for `ms`. */
  async quietFor(ms: number): Promise<void> {
    for (;;) {
      const asked = this.running || this.waiting.query.length + this.waiting.inspect.length > 0;
      const left = asked ? ms : this.lastAsked + ms - Date.now();
      if (left <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, left));
    }
  }

  /** Requests waiting in `lane` (for tests and logs). */
  waitingIn(lane: Lane): number {
    return this.waiting[lane].length;
  }

  /**
   * Picks the next turn a macrotask after the previous one ended, so the messages that
   * queued up meanwhile are delivered first: a newer inspection supersedes the waiting one
   * before it starts, and a query that arrived during a run goes before older inspections.
   */
  private chooseNext(): void {
    if (this.running || this.choosing) return;
    this.choosing = true;
    setTimeout(() => {
      this.choosing = false;
      if (this.running) return;
      const start =
        this.waiting.query.shift() ??
        this.waiting.inspect.shift() ??
        this.waiting.background.shift();
      if (!start) return;
      this.running = true;
      start();
    }, 0);
  }
}
