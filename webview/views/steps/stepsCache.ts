/**
 * The head steps the Steps view has asked the host for, for the result on show: one
 * request per (kind, layer, head) (the kind only for encoder-decoders), answered by
 * `didProduceSteps` or `didFailSteps`. A new result empties it.
 */
import type { AttentionKind, HeadSteps, PositionsReport } from '../../../src/engine/types';
import type { HostToWebview } from '../../../src/protocol/webview';
import { postToHost } from '../../vscodeApi';

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

/** Answers the cache takes (main.ts routes them here). */
export type CacheAnswer = Extract<
  HostToWebview,
  { type: 'didProduceSteps' | 'didFailSteps' | 'didProducePositions' | 'didFailPositions' }
>;

/** True for the host messages that answer the Steps view. */
export function isCacheAnswer(message: HostToWebview): message is CacheAnswer {
  return ['didProduceSteps', 'didFailSteps', 'didProducePositions', 'didFailPositions'].includes(
    message.type,
  );
}

export class StepsCache {
  private runId: number | null = null;
  private readonly entries = new Map<string, StepsEntry>();
  private positionsEntry: PositionsEntry | null = null;
  private readonly listeners = new Set<() => void>();

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
      postToHost({ type: 'requestSteps', runId, ...(kind ? { kind } : {}), layer, head });
    }
    return entry;
  }

  /** The positions report of result `runId`, asking the host the first time. */
  positions(runId: number): PositionsEntry {
    this.forRun(runId);
    if (!this.positionsEntry) {
      this.positionsEntry = {};
      postToHost({ type: 'requestPositions', runId });
    }
    return this.positionsEntry;
  }

  /** Takes an answer; false when it is for another result than the one on show. */
  receive(message: CacheAnswer): boolean {
    if (message.runId !== this.runId) return false;
    if (message.type === 'didProducePositions') {
      this.positionsEntry = { report: message.report };
    } else if (message.type === 'didFailPositions') {
      this.positionsEntry = { error: message.message };
    } else if (message.type === 'didProduceSteps') {
      const { kind, layer, head } = message.steps;
      this.entries.set(entryKey(kind, layer, head), { steps: message.steps });
    } else {
      this.entries.set(entryKey(message.kind, message.layer, message.head), {
        error: message.message,
      });
    }
    for (const listener of this.listeners) listener();
    return true;
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

/** The one cache of the webview (main.ts routes answers into it, the Steps view reads it). */
export const stepsCache = new StepsCache();
