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
  /**
   * One decoration type per part (before the step, the step, after it). VS Code orders
   * `after` texts at one position by their CSS class name, which starts with the type's key,
   * not by the order given: the parts go to the types in their keys' string order.
   */
  private readonly types = [0, 1, 2]
    .map(() =>
      vscode.window.createTextEditorDecorationType({
        after: {
          color: new vscode.ThemeColor('editorGhostText.foreground'),
          fontStyle: 'italic',
        },
      }),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
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
    for (const editor of vscode.window.visibleTextEditors) {
      for (const type of this.types) editor.setDecorations(type, []);
    }
    this.shown = undefined;
  }

  dispose(): void {
    this.clear();
    this.changes.dispose();
    for (const type of this.types) type.dispose();
  }

  private render(step: { start: number; end: number } | undefined): void {
    const { document, at, text } = this.shown!;
    const range = new vscode.Range(at, at);
    const parts = ghostParts(text, step, GHOST_CHARS);
    // Without a step one part; with one, the step is the second type's wherever it falls.
    const slots = step
      ? [parts[0]?.focused ? [] : [parts.shift()!], parts.splice(0, 1), parts]
      : [parts];
    const decorations = slots.map((slot) =>
      slot.map((part) => ({
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
      })),
    );
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document !== document) continue;
      this.types.forEach((type, i) => {
        editor.setDecorations(type, decorations[i] ?? []);
      });
    }
  }
}
