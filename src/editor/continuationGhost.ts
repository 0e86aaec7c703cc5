/**
 * The continuation shown as ghost text after the prompt (issue 23): faded, after the last
 * prompt character, never in the document; the generated token the panel focuses (its step)
 * highlighted inside it (ghostParts.ts). Cleared when that document changes or another
 * continuation is shown.
 */
import * as vscode from 'vscode';
import { ghostParts } from './ghostParts';

/** Characters of ghost text shown at most (a long continuation is cut with an ellipsis). */
const GHOST_CHARS = 200;

export class ContinuationGhost implements vscode.Disposable {
  private readonly type = vscode.window.createTextEditorDecorationType({
    after: {
      color: new vscode.ThemeColor('editorGhostText.foreground'),
      fontStyle: 'italic',
    },
  });
  private shown: { document: vscode.TextDocument; at: vscode.Position; text: string } | undefined;
  private readonly changes = vscode.workspace.onDidChangeTextDocument((event) => {
    if (this.shown && event.document.uri.toString() === this.shown.document.uri.toString())
      this.clear();
  });

  /** Shows `text` after `at` in every visible editor of `document`. */
  show(document: vscode.TextDocument, at: vscode.Position, text: string): void {
    this.clear();
    this.shown = { document, at, text };
    this.render(undefined);
  }

  /** Highlights characters `[start, end)` of the ghost text (the focused step); none: undefined. */
  highlight(step: { start: number; end: number } | undefined): void {
    if (this.shown) this.render(step);
  }

  clear(): void {
    if (!this.shown) return;
    for (const editor of vscode.window.visibleTextEditors) editor.setDecorations(this.type, []);
    this.shown = undefined;
  }

  dispose(): void {
    this.clear();
    this.changes.dispose();
    this.type.dispose();
  }

  private render(step: { start: number; end: number } | undefined): void {
    const { document, at, text } = this.shown!;
    const range = new vscode.Range(at, at);
    // Several `after` texts at one position render in the order given.
    const decorations = ghostParts(text, step, GHOST_CHARS).map((part) => ({
      range,
      renderOptions: {
        after: {
          contentText: part.text,
          ...(part.focused
            ? {
                backgroundColor: new vscode.ThemeColor('editor.wordHighlightStrongBackground'),
                border: '1px solid',
                borderColor: new vscode.ThemeColor('editorGhostText.foreground'),
                fontStyle: 'normal',
              }
            : {}),
        },
      },
    }));
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === document) editor.setDecorations(this.type, decorations);
    }
  }
}
