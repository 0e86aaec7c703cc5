/**
 * `attentionInspector.continueWithAttention` (issue 23): the model continues the selection
 * (or the text up to the cursor) and the panel steps through what it wrote; a click on an
 * alternative branches it (continuationForks.ts). The branch on show shows as ghost text and
 * enters the document only through "Insert Continuation", once, and only while the document
 * is as it was when the model wrote it.
 */
import * as vscode from 'vscode';
import { ContinuationGhost } from '../editor/continuationGhost';
import { newSeed } from '../engine/inference/seededRandom';
import type { HeldResult } from '../engine/types';
import type { Inspector } from '../inspection/inspector';
import { wallClockMs } from '../protocol/webview';
import type { Config } from '../util/config';
import { generationRequestOf } from '../util/continuationConfig';
import { ContinuationForks } from './continuationForks';

/** Characters before the cursor a continuation starts from when nothing is selected. */
const PROMPT_CHARS = 2000;

export function registerContinuation(
  inspector: Inspector,
  config: () => Config,
): vscode.Disposable[] {
  const ghost = new ContinuationGhost();
  const forks = new ContinuationForks(inspector, ghost);
  inspector.continuation = (message) => forks.handle(message);

  const insert = async (): Promise<boolean> => {
    const pending = forks.written;
    if (!pending || pending.text === '') {
      void vscode.window.showInformationMessage(
        'Attention Inspector: there is no continuation to insert; run "Continue with Attention" first.',
      );
      return false;
    }
    if (pending.document.isClosed || pending.document.version !== pending.version) {
      void vscode.window.showWarningMessage(
        'Attention Inspector: the document changed after the model wrote its continuation, so it is not inserted. Run "Continue with Attention" again.',
      );
      return false;
    }
    // Inserted: the continuation and its branches end (the panel keeps what it shows).
    forks.end();
    const edit = new vscode.WorkspaceEdit();
    edit.insert(pending.document.uri, pending.document.positionAt(pending.at), pending.text);
    return vscode.workspace.applyEdit(edit);
  };

  const command = async (): Promise<HeldResult | undefined> => {
    const commandAt = wallClockMs();
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage(
        'Attention Inspector: open a file and select the code to continue, then run "Continue with Attention".',
      );
      return undefined;
    }
    const { document } = editor;
    const range = promptRange(editor);
    if (document.getText(range).trim() === '') {
      void vscode.window.showWarningMessage(
        'Attention Inspector: there is no text before the cursor to continue. Select some code, or put the cursor after it.',
      );
      return undefined;
    }
    const request = generationRequestOf(config());
    // A seed chosen here is shown in the panel and makes the run's key unique.
    if (request.temperature && request.seed === undefined) request.seed = newSeed();
    const result = await forks.start(document, range, request, commandAt);
    const generation = forks.written && result?.generation;
    if (!generation) return result;
    if (generation.continuation !== '') {
      void vscode.window
        .showInformationMessage(
          `Attention Inspector: the model wrote ${generation.generated.length} tokens; step through them in the panel.`,
          'Insert Continuation',
        )
        .then((choice) => choice && insert());
    }
    return result;
  };

  return [
    ghost,
    forks,
    vscode.commands.registerCommand('attentionInspector.continueWithAttention', command),
    vscode.commands.registerCommand('attentionInspector.insertContinuation', insert),
  ];
}

/** The selection, or the text up to the cursor from a line start at most PROMPT_CHARS back. */
function promptRange(editor: vscode.TextEditor): vscode.Range {
  const { document, selection } = editor;
  if (!selection.isEmpty) return selection;
  const end = selection.active;
  const from = document.positionAt(Math.max(0, document.offsetAt(end) - PROMPT_CHARS));
  const start =
    from.character === 0 || from.line === end.line ? from : new vscode.Position(from.line + 1, 0);
  return new vscode.Range(start, end);
}
