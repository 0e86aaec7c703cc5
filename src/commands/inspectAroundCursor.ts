/**
 * Long files. A selection longer than the model's context is cut where the context ends;
 * the notice saying so offers to inspect the lines around the cursor instead (the code the
 * user is looking at), and every such run says which lines it inspected. Also the command
 * `attentionInspector.inspectAroundCursor`.
 */
import * as vscode from 'vscode';
import type { HeldResult, Truncation } from '../engine/types';
import { linesAround, windowBudget } from '../inspection/cursorWindow';
import { truncationMessage } from '../inspection/runMessages';

/** Characters per token assumed before a run of the document has measured it (code: ~3.3). */
const CHARS_PER_TOKEN_GUESS = 3;
/** Tokens assumed to fit when the engine chooses the limit (0), until a cut run measures it. */
const TOKENS_GUESS = 512;
const INSPECT_AROUND = 'Inspect Around Cursor';

/** Inspects a range of a document into its panel (the `Inspector`). */
type InspectRange = (
  document: vscode.TextDocument,
  range: vscode.Range,
) => Promise<HeldResult | undefined>;

export class CursorWindows {
  /** Characters that fit the context, per document, learned from its last cut run. */
  private readonly budgets = new Map<string, number>();

  constructor(
    private readonly inspect: InspectRange,
    private readonly maxTokens: () => number,
  ) {}

  /** A run of `document` from offset `base` was cut: say where, and offer the window. */
  async offerWindow(
    document: vscode.TextDocument,
    truncation: Truncation,
    base: number,
  ): Promise<void> {
    this.budgets.set(document.uri.toString(), windowBudget(truncation.inspectedUpTo));
    const stopLine = document.positionAt(base + truncation.inspectedUpTo).line + 1;
    const choice = await vscode.window.showWarningMessage(
      `${truncationMessage(truncation, stopLine)} Or inspect the lines around the cursor instead.`,
      INSPECT_AROUND,
    );
    if (choice !== INSPECT_AROUND || document.isClosed) return;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    await this.inspectAround(document, editor?.selection.active ?? document.positionAt(base));
  }

  /** The command: the lines around the active editor's cursor. */
  async command(): Promise<HeldResult | undefined> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showWarningMessage(
        'Attention Inspector: open a file and put the cursor where you want attention inspected.',
      );
      return undefined;
    }
    return this.inspectAround(editor.document, editor.selection.active);
  }

  /** Inspects the whole lines around `cursor` that fit the context, and says which they are. */
  async inspectAround(
    document: vscode.TextDocument,
    cursor: vscode.Position,
  ): Promise<HeldResult | undefined> {
    const budget =
      this.budgets.get(document.uri.toString()) ??
      CHARS_PER_TOKEN_GUESS * (this.maxTokens() || TOKENS_GUESS);
    const lengths = Array.from({ length: document.lineCount }, (_, i) => {
      const { start, end } = document.lineAt(i).rangeIncludingLineBreak;
      return document.offsetAt(end) - document.offsetAt(start);
    });
    const around = linesAround(lengths, cursor.line, budget);
    const { first } = around;
    let { last } = around;
    // An empty last line adds nothing to inspect, and a range ending at its start would be
    // labelled without it: the panel and the message would name different lines.
    while (last > first && last > cursor.line && document.lineAt(last).range.isEmpty) last--;
    const range = new vscode.Range(first, 0, last, document.lineAt(last).range.end.character);
    const result = await this.inspect(document, range);
    if (result && !result.truncation) {
      void vscode.window.showInformationMessage(
        `Attention Inspector: inspected lines ${first + 1}–${last + 1} around the cursor ` +
          `(line ${cursor.line + 1}), ${result.tokens.length} tokens.`,
      );
    }
    return result;
  }
}
