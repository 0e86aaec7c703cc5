/**
 * What a panel needs to come back after VS Code reloads: the inspected text, its source and
 * the model, saved in the workspace state under the panel's title (restored with the panel,
 * and unique among open panels). Tensors are never saved; a revived panel runs again (a
 * continuation with its ids forced: continuationRecord.ts).
 */
import type * as vscode from 'vscode';
import type { TargetRequest } from '../engine/types';
import type { ContinuationRecord } from './continuationRecord';

/** Enough to re-run an inspection and map it back onto its document. */
export interface RestoreInfo {
  /** The source document's URI, as a string. */
  uri: string;
  modelDir: string;
  text: string;
  /** Document offset the text started at. */
  base: number;
  label: string;
  /** Encoder-decoder panels: the target the result was decoded with (absent: greedy). */
  target?: TargetRequest;
  /** A continuation's panel: what writes the shown branch again (absent: a plain inspection). */
  continuation?: ContinuationRecord;
}

const KEY = 'attentionInspector.panels';
/** Longer selections are not saved: a revived panel then asks for a new run. */
const MAX_SAVED_TEXT = 200_000;
const MAX_PANELS = 20;

export class RestoreStore {
  constructor(private readonly memento: vscode.Memento) {}

  get(title: string): RestoreInfo | undefined {
    return this.all()[title];
  }

  async set(title: string, info: RestoreInfo): Promise<void> {
    const all = this.all();
    delete all[title];
    if (info.text.length <= MAX_SAVED_TEXT) all[title] = info;
    const titles = Object.keys(all);
    for (const old of titles.slice(0, Math.max(0, titles.length - MAX_PANELS))) delete all[old];
    await this.memento.update(KEY, all);
  }

  async delete(title: string): Promise<void> {
    const all = this.all();
    if (!(title in all)) return;
    delete all[title];
    await this.memento.update(KEY, all);
  }

  private all(): Record<string, RestoreInfo> {
    return { ...this.memento.get<Record<string, RestoreInfo>>(KEY, {}) };
  }
}
