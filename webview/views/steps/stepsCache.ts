/**
 * The head steps the Steps view has asked the host for, for the result on show: one call
 * per (kind, layer, head) (the kind only for encoder-decoders), answered or refused; and the
 * positions report. A new result empties it; answers about an earlier result are dropped.
 */
import type { AttentionKind, HeadSteps, PositionsReport } from '../../../src/engine/types';
import type { WebviewHostApi } from '../../../src/protocol/webview';
import { callHost } from '../../vscodeApi';

/** What is known of one head: asked (neither field), answered, or refused. */
export interface StepsEntry {
  steps?: HeadSteps;
  error?: string;
}

/** The positions report of the result on show: asked, answered or refused. */
export interface PositionsEntry {
  report?: PositionsReport;
  error?: string;
}

/** How the cache asks the host (the page's `callHost`, or a test's stand-in). */
export type StepsAsk = Pick<WebviewHostApi, 'steps' | 'positions'>;

const hostAsk: StepsAsk = {
  steps: (arg) => callHost('steps', arg),
  positions: (arg) => callHost('positions', arg),
};

export class StepsCache {
  private runId: number | null = null;
  private readonly entries = new Map<string, StepsEntry>();
  private positionsEntry: PositionsEntry | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly ask: StepsAsk = hostAsk) {}

  /** Calls `listener` after every answer for the result on show. */
  onAnswer(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The entry for a head (of attention `kind` in an encoder-decoder), asking the host the first time. */
  get(runId: number, layer: number, head: number, kind?: AttentionKind): StepsEntry {
    this.forRun(runId);
    const key = entryKey(kind, layer, head);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
      this.settle(
        runId,
        this.ask.steps({ runId, ...(kind ? { kind } : {}), layer, head }),
        (steps) => this.entries.set(key, { steps }),
        (error) => this.entries.set(key, { error }),
      );
    }
    return entry;
  }

  /** The positions report of result `runId`, asking the host the first time. */
  positions(runId: number): PositionsEntry {
    this.forRun(runId);
    if (!this.positionsEntry) {
      this.positionsEntry = {};
      this.settle(
        runId,
        this.ask.positions({ runId }),
        (report) => {
          this.positionsEntry = { report };
        },
        (error) => {
          this.positionsEntry = { error };
        },
      );
    }
    return this.positionsEntry;
  }

  /** Files an answer (or refusal) if it is still about the result on show, then tells listeners. */
  private settle<T>(
    runId: number,
    answer: Promise<T>,
    take: (value: T) => void,
    refuse: (message: string) => void,
  ): void {
    answer.then(
      (value) => {
        if (runId !== this.runId) return;
        take(value);
        this.told();
      },
      (error: unknown) => {
        if (runId !== this.runId) return;
        refuse(error instanceof Error ? error.message : String(error));
        this.told();
      },
    );
  }

  private told(): void {
    for (const listener of this.listeners) listener();
  }

  private forRun(runId: number): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.entries.clear();
    this.positionsEntry = null;
  }
}

function entryKey(kind: AttentionKind | undefined, layer: number, head: number): string {
  return `${kind ?? ''}/${layer}/${head}`;
}

/** The one cache of the webview (the Steps view reads it). */
export const stepsCache = new StepsCache();
