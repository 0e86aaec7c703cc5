/** `attentionInspector.inspectSelection`: the selection, or the current line, into its panel. */
import * as vscode from 'vscode';
import type { HeldResult } from '../engine/types';
import { wallClockMs } from '../protocol/webview';
import type { Inspector } from '../inspection/inspector';

/** The command handler; resolves with the result (or undefined when there is none). */
export function inspectSelectionCommand(inspector: Inspector) {
  return async (): Promise<HeldResult | undefined> => {
    const commandAt = wallClockMs();
    const chosen = selectionToInspect('Inspect Attention of Selection');
    return chosen && inspector.inspect(chosen.document, chosen.range, commandAt);
  };
}

/**
 * The selection, or the cursor's line when nothing is selected, of the active editor; undefined
 * (after telling the user why) when there is no editor or only whitespace.
 */
export function selectionToInspect(
  command: string,
): { document: vscode.TextDocument; range: vscode.Range } | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(
      'Attention Inspector: open a file and select the code to inspect, ' +
        `then run "${command}".`,
    );
    return undefined;
  }
  const { document, selection } = editor;
  const line = document.lineAt(selection.active.line);
  const range: vscode.Range = selection.isEmpty ? line.range : selection;
  if (document.getText(range).trim() === '') {
    void vscode.window.showWarningMessage(
      selection.isEmpty
        ? `Attention Inspector: line ${line.lineNumber + 1} is empty. ` +
            'Select the code to inspect, or put the cursor on a line with code.'
        : 'Attention Inspector: the selection holds only whitespace. Select the code to inspect.',
    );
    return undefined;
  }
  if (selection.isEmpty) {
    void vscode.window.showInformationMessage(
      `Attention Inspector: nothing was selected, so line ${line.lineNumber + 1} is inspected.`,
    );
  }
  return { document, range };
}
