/**
 * Keeps the editor and the panel in step for every inspected document: the webview's focused
 * token is drawn on the source (attended tokens shaded by weight), the editor cursor moving
 * inside the inspected text focuses that token in the webview, and any edit in or before the
 * inspected text makes the result stale at once — highlights go, the panel is told.
 */
import * as vscode from 'vscode';
import type { SliceWeights } from '../engine/types';
import type { FocusMessage } from '../protocol/webview';
import type { AttentionDecorations, FocusDecoration } from './attentionDecorations';
import { SHADE_LEVELS } from './attentionDecorations';
import type { Inspection } from './inspection';
import { inspectionEnd, tokenRange } from './inspection';
import {
  editInvalidates,
  mapRangeThroughEdits,
  tokenAt,
  topAttended,
  weightLevel,
  weightsWording,
} from './tokenMath';

/** How long the cursor rests before the panel follows it (a burst of moves sends one). */
const CURSOR_REST_MS = 100;

/** The webview's last focus for a document: weights as shown there, and what they are. */
export interface FocusState {
  runId: number;
  index: number;
  weights: Float32Array;
  label: string;
  /** Which head (or layer mean) the weights come from, when the host can recompute it. */
  source?: { layer: number; head: number | null };
}

/** A change the panel must hear about. */
export type MirrorEvent =
  | { type: 'cursor'; key: string; runId: number; index: number | null }
  | { type: 'invalidate'; key: string; runId: number; reason: string };

export class EditorMirror implements vscode.Disposable {
  private readonly inspections = new Map<string, Inspection>();
  private readonly focuses = new Map<string, FocusState>();
  /** What each document's panel shows (its Weights switch, issue 24), focus or not. */
  private readonly shownWeights = new Map<string, SliceWeights>();
  private readonly drawn = new Map<string, FocusDecoration>();
  /** Documents closed since they were inspected: their edits went unseen until reopened. */
  private readonly detached = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];
  /** The last cursor move per document not yet followed. */
  private readonly pendingSelections = new Map<string, vscode.TextEditorSelectionChangeEvent>();
  private selectionTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly _onDidChange = new vscode.EventEmitter<MirrorEvent>();
  readonly onDidChange = this._onDidChange.event;

  constructor(private readonly decorations: AttentionDecorations) {
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((event) => this.onSelection(event)),
      vscode.workspace.onDidChangeTextDocument((event) => this.onEdit(event)),
      vscode.workspace.onDidCloseTextDocument((document) =>
        this.detached.add(document.uri.toString()),
      ),
      vscode.workspace.onDidOpenTextDocument((document) => this.relink(document)),
      // Editors shown later (another tab, a split) get the current highlights too.
      vscode.window.onDidChangeVisibleTextEditors(() => this.redrawAll()),
    ];
  }

  /** Starts tracking `inspection` for its document, replacing an earlier one. */
  track(inspection: Inspection): void {
    const key = inspection.document.uri.toString();
    this.clear(key);
    this.detached.delete(key);
    this.inspections.set(key, inspection);
  }

  get(key: string): Inspection | undefined {
    return this.inspections.get(key);
  }

  /** The webview's current focus for `key`'s document, if it is still current. */
  focusOf(key: string): FocusState | undefined {
    return this.focuses.get(key);
  }

  /** Which weights `key`'s panel shows: hovers list the same. */
  weightsOf(key: string): SliceWeights {
    return this.shownWeights.get(key) ?? 'attention';
  }

  /** Stops tracking `key`'s document (its panel closed) and removes its highlights. */
  forget(key: string): void {
    this.clear(key);
    this.shownWeights.delete(key);
    this.inspections.delete(key);
    this.detached.delete(key);
  }

  /** Mirrors the webview's focused token and its attended tokens in the editor. */
  showFocus(key: string, message: FocusMessage): void {
    const inspection = this.inspections.get(key);
    if (!inspection?.valid || inspection.runId !== message.runId) return;
    const shown = message.shownWeights === 'value-weighted' ? 'value-weighted' : 'attention';
    this.shownWeights.set(key, shown);
    if (message.index === null || !message.weights) {
      this.clear(key);
      return;
    }
    const { index, weights, label } = message;
    // Editor hovers reuse a source token's row; a target token's (cross) row is none of them.
    if (message.attention === 'cross') this.focuses.delete(key);
    else
      this.focuses.set(key, {
        runId: message.runId,
        index,
        weights,
        label,
        source: message.source,
      });
    const hasRange = (i: number): boolean => tokenRange(inspection, i) !== undefined;
    // The webview already kept its top-k per unit; every non-zero weight is shown as is (a
    // merged word repeats its weight on each piece, so a second top-k would cut words).
    const top = topAttended(weights, weights.length, hasRange);
    const largest = top[0]?.weight ?? 0;
    const attended = top.map(({ index: key, weight }) => ({
      range: tokenRange(inspection, key) as vscode.Range,
      level: weightLevel(weight, largest, SHADE_LEVELS),
      note: `${weightsWording(shown).heading} the focused token: ${weight.toFixed(3)} (${label})`,
    }));
    // A cross-attention query is a target token: it has no characters here to outline.
    const focused = message.attention === 'cross' ? undefined : tokenRange(inspection, index);
    this.draw(key, { focused, attended });
  }

  /** Selects and reveals token `index`'s source range (a click in the webview). */
  async reveal(key: string, runId: number, index: number): Promise<void> {
    const inspection = this.inspections.get(key);
    if (!inspection || inspection.runId !== runId || !inspection.valid) return;
    const range = tokenRange(inspection, index);
    if (!range) return;
    const visible = vscode.window.visibleTextEditors.find(
      (e) => e.document === inspection.document,
    );
    // Not in view: open it in the first group rather than over the panel.
    const editor = await vscode.window.showTextDocument(inspection.document, {
      viewColumn: visible?.viewColumn ?? vscode.ViewColumn.One,
      preserveFocus: false,
      selection: range,
    });
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  dispose(): void {
    clearTimeout(this.selectionTimer);
    for (const key of this.drawn.keys()) this.clear(key);
    this.subscriptions.forEach((subscription) => {
      subscription.dispose();
    });
    this._onDidChange.dispose();
  }

  /** A closed document came back: keep its result if its text is unchanged, else mark it stale. */
  private relink(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!this.detached.delete(key)) return;
    const inspection = this.inspections.get(key);
    if (!inspection?.valid) return;
    const { base, result } = inspection;
    const range = new vscode.Range(
      document.positionAt(base),
      document.positionAt(base + result.text.length),
    );
    if (document.getText(range) === result.text) {
      inspection.document = document;
    } else {
      this.invalidate(key, 'The file changed while it was closed; run the inspection again.');
    }
  }

  /**
   * Cursor moves come in bursts (a selection grown line by line, a drag): the panel follows
   * where the cursor comes to rest, so a burst does not queue a panel round trip per step
   * ahead of the next inspection's result (measured: seconds on a busy machine).
   */
  private onSelection(event: vscode.TextEditorSelectionChangeEvent): void {
    this.pendingSelections.set(event.textEditor.document.uri.toString(), event);
    clearTimeout(this.selectionTimer);
    this.selectionTimer = setTimeout(() => {
      this.selectionTimer = undefined;
      const latest = [...this.pendingSelections.values()];
      this.pendingSelections.clear();
      latest.forEach((e) => {
        this.followCursor(e);
      });
    }, CURSOR_REST_MS);
  }

  private followCursor(event: vscode.TextEditorSelectionChangeEvent): void {
    const key = event.textEditor.document.uri.toString();
    const inspection = this.inspections.get(key);
    if (!inspection?.valid) return;
    const offset = inspection.document.offsetAt(event.selections[0].active) - inspection.base;
    const inside = offset >= 0 && offset <= inspection.result.text.length;
    const index = inside ? tokenAt(inspection.result.tokens, offset) : null;
    this._onDidChange.fire({ type: 'cursor', key, runId: inspection.runId, index });
  }

  private onEdit(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const inspection = this.inspections.get(key);
    if (!inspection || event.contentChanges.length === 0) return;
    inspection.tracked = mapRangeThroughEdits(inspection.tracked, event.contentChanges);
    if (inspection.valid && editInvalidates(event.contentChanges, inspectionEnd(inspection))) {
      this.invalidate(key, 'The text changed after it was inspected; run the inspection again.');
    }
  }

  /** Marks `key`'s result stale: its highlights go and the panel is told why. */
  invalidate(key: string, reason: string): void {
    const inspection = this.inspections.get(key);
    if (!inspection?.valid) return;
    inspection.valid = false;
    this.clear(key);
    this._onDidChange.fire({ type: 'invalidate', key, runId: inspection.runId, reason });
  }

  private draw(key: string, decoration: FocusDecoration): void {
    this.drawn.set(key, decoration);
    this.decorations.show(this.editorsOf(key), decoration);
  }

  private clear(key: string): void {
    this.focuses.delete(key);
    if (this.drawn.delete(key)) this.decorations.clear(this.editorsOf(key));
  }

  private redrawAll(): void {
    for (const [key, decoration] of this.drawn)
      this.decorations.show(this.editorsOf(key), decoration);
  }

  private editorsOf(key: string): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter(
      (editor) => editor.document.uri.toString() === key,
    );
  }
}
