/**
 * The head steps the Steps view has asked the host for, for the result on show: one
 * request per (layer, head), answered by `didProduceSteps` or `didFailSteps`. A new result
 * empties it.
 */
import type { HeadSteps } from '../../../src/engine/types';
import type { HostToWebview } from '../../../src/protocol/webview';
import { postToHost } from '../../vscodeApi';

/** What is known of one head: asked (neither field), answered, or refused. */
export interface StepsEntry {
  steps?: HeadSteps;
  error?: string;
}

export class StepsCache {
  private runId: number | null = null;
  private readonly entries = new Map<string, StepsEntry>();
  private readonly listeners = new Set<() => void>();

  /** Calls `listener` after every answer for the result on show. */
  onAnswer(listener: () => void): void {
    this.listeners.add(listener);
  }

  /** The entry for a head, asking the host the first time. */
  get(runId: number, layer: number, head: number): StepsEntry {
    this.forRun(runId);
    const key = `${layer}/${head}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {};
      this.entries.set(key, entry);
      postToHost({ type: 'requestSteps', runId, layer, head });
    }
    return entry;
  }

  /** Takes an answer; false when it is for another result than the one on show. */
  receive(message: Extract<HostToWebview, { type: 'didProduceSteps' | 'didFailSteps' }>): boolean {
    if (message.runId !== this.runId) return false;
    if (message.type === 'didProduceSteps') {
      const { layer, head } = message.steps;
      this.entries.set(`${layer}/${head}`, { steps: message.steps });
    } else {
      this.entries.set(`${message.layer}/${message.head}`, { error: message.message });
    }
    for (const listener of this.listeners) listener();
    return true;
  }

  private forRun(runId: number): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.entries.clear();
  }
}

/** The one cache of the webview (main.ts routes answers into it, the Steps view reads it). */
export const stepsCache = new StepsCache();
