/** Exports a shown result as the versioned attention JSON (issue 3 §8), where the user picks. */
import * as vscode from 'vscode';
import {
  type AttentionSlicer,
  type ExportedResult,
  resolveSelection,
} from '../engine/export/attentionJson';
import type { PredictionReader } from '../engine/export/predictionsJson';
import { ExportCancelled } from './attentionFile';
import { askSaveUri, defaultUriBeside, offerToOpen, writeAttentionJson } from './exportFiles';

/**
 * What an export writes: a result's tokens and facts, and where its attention comes from.
 * For a result the engine holds (issue 22), `slice` is
 * `(kind, layer, heads) => engineClient.slice(result.resultId, { kind, layer, heads })`.
 */
export interface ExportSubject {
  result: ExportedResult;
  slice: AttentionSlicer;
  /** A held result's predictions, read per row (`ExportedResult.nextTokens`). */
  predictions?: PredictionReader;
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
  /**
   * Streams the JSON to the file the user picks, asking `subject.slice` for one layer at a
   * time; resolves with where it went, or undefined when the user cancelled.
   */
  async exportHeld(subject: ExportSubject, choice: ExportChoice): Promise<vscode.Uri | undefined> {
    const { result } = subject;
    // Check the selection first, so a bad index is reported before a dialog is shown.
    const { layers, heads } = resolveSelection(result, choice);
    const target =
      choice.target ??
      (await askSaveUri(defaultUriBeside(subject.source, '.attention.json'), 'JSON', ['json']));
    if (!target) return undefined;
    const stacks = result.seq2seq ? 3 : 1;
    const bytes = await vscode.window
      .withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: 'Exporting attention to JSON',
          cancellable: true,
        },
        (progress, token) => {
          const slice: AttentionSlicer = (kind, layer, group) => {
            if (token.isCancellationRequested) throw new ExportCancelled();
            progress.report({
              message: `${kind === 'encoder' ? '' : `${kind} `}layer ${layer}`,
              increment: (100 * group.length) / (stacks * layers.length * heads.length),
            });
            return subject.slice(kind, layer, group);
          };
          return writeAttentionJson(
            result,
            slice,
            { layers, heads, ...(subject.predictions ? { predictions: subject.predictions } : {}) },
            target,
            () => token.isCancellationRequested,
          );
        },
      )
      .then(
        (written) => written,
        (error: unknown) => {
          if (error instanceof ExportCancelled) return undefined;
          throw error;
        },
      );
    if (bytes === undefined) return undefined;
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
