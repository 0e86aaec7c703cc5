/** Exports a shown result as the versioned attention JSON (issue 3 §8), where the user picks. */
import * as vscode from 'vscode';
import { resolveSelection } from '../engine/export/attentionJson';
import type { InspectResult } from '../engine/types';
import { askSaveUri, defaultUriBeside, offerToOpen, writeAttentionJson } from './exportFiles';

/** A result on show in a panel. */
export interface ShownResult {
  runId: number;
  result: InspectResult;
  label: string;
  /** The document the text came from, if known: exports default to its folder. */
  source?: vscode.Uri;
}

/** Which part to export; empty or absent lists mean all. */
export interface ExportChoice {
  layers?: number[];
  heads?: number[];
  /** Where to write; absent asks with a save dialog. */
  target?: vscode.Uri;
}

export class ResultExporter {
  /** Writes the JSON; resolves with where it went, or undefined when the user cancelled. */
  async export(shown: ShownResult, choice: ExportChoice): Promise<vscode.Uri | undefined> {
    const { result } = shown;
    // Check the selection first, so a bad index is reported before a dialog is shown.
    const { layers, heads } = resolveSelection(result, choice);
    const target =
      choice.target ??
      (await askSaveUri(defaultUriBeside(shown.source, '.attention.json'), 'JSON', ['json']));
    if (!target) return undefined;
    const bytes = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Exporting attention to JSON' },
      () => writeAttentionJson(result, { layers, heads }, target),
    );
    const what = [
      count(layers.length, 'layer'),
      count(heads.length, 'head'),
      count(result.tokens.length, 'token'),
    ].join(' × ');
    const size =
      bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
    void offerToOpen(
      `Exported attention (${what}, ${size}) to ${vscode.workspace.asRelativePath(target)}.`,
      target,
    );
    return target;
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
