/**
 * The continuation shown as ghost text after the prompt (issue 23): faded, after the last
 * prompt character, never in the document. Cleared when that document changes or another
 * continuation is shown.
 */
import * as vscode from 'vscode';

/** Characters of ghost text shown at most (a long continuation is cut with an ellipsis). */
const GHOST_CHARS = 200;

export class ContinuationGhost implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorGhostText.foreground'),
      fontStyle: 'italic',
    },
  });
  private shownIn: vscode.Uri | undefined;
  private readonly changes = vscode.workspace.onDidChangeTextDocument((event) => {
    if (this.shownIn && event.document.uri.toString() === this.shownIn.toString()) this.clear();
  });

  /** Shows `text` after `at` in every visible editor of `document`. */
  show(document: vscode.TextDocument, at: vscode.Position, text: string): void {
    this.clear();
    this.shownIn = document.uri;
    const oneLine = text.replace(/\r?\n/g, '⏎').replace(/\t/g, '→');
    const contentText =
      oneLine.length > GHOST_CHARS ? `${oneLine.slice(0, GHOST_CHARS)}…` : oneLine;
    const decoration = {
      range: new vscode.Range(at, at),
      renderOptions: { after: { contentText } },
    };
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === document) editor.setDecorations(this.type, [decoration]);
    }
  }

  clear(): void {
    if (!this.shownIn) return;
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(this.type, []);
    this.shownIn = undefined;
  }

  dispose(): void {
    this.clear();
    this.changes.dispose();
    this.type.dispose();
  }
}
