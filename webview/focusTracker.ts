/**
 * The focused query unit across redraws: its row and top-k are recomputed from the matrix
 * the view shows, then the view, the side panel (and so screen readers) and the host are
 * told, the host only when what it would be told changed.
 */
import { DEFAULT_VIEW_SETTINGS, type ViewKind } from '../src/protocol/webview';
import { KIND_NAMES } from './choiceLabel';
import { matrixRow, type SquareMatrix } from '../src/shared/squareMatrix';
import { topK } from '../src/shared/topK';
import type { FocusPanel } from './controls/focusPanel';
import type { LogitLensTable } from './controls/logitLensTable';
import { focusMessage, focusSource } from './focusMessage';
import type { NextTokenRows, RowPredictions } from './nextTokenRows';
import type { ResultStore } from './resultStore';
import type { Focus, View, ViewContext } from './views/view';
import { postToHost } from './vscodeApi';

const NO_FOCUS: Focus = { unit: null, pinned: false, top: [], row: null };

/** What one focus update reads: the view on show and what it draws from. */
export interface FocusScene {
  view: View;
  kind: ViewKind;
  ctx: ViewContext | undefined;
  store: ResultStore;
}

export class FocusTracker {
  private focus: Focus = NO_FOCUS;
  private lastPosted = '';

  constructor(
    private readonly panel: FocusPanel,
    private readonly next: NextTokenRows,
    private readonly lens?: LogitLensTable,
  ) {}

  /** Forgets the focus (a new result, or one whose source changed). */
  clear(): void {
    this.focus = NO_FOCUS;
  }

  /** Hover (`pin` false) or click/keys (`pin` true) on `unit`; false when a pin holds. */
  set(unit: number | null, pin: boolean): boolean {
    if (!pin && this.focus.pinned && unit !== null) return false;
    this.focus = { unit, pinned: pin && unit !== null, top: [], row: null };
    return true;
  }

  /** Recomputes the focused row and tells the view, the panel, the reader and the host. */
  update({ view, kind, ctx, store }: FocusScene): void {
    const matrix = focusMatrix(view, ctx);
    const unit = this.focus.unit;
    const k = ctx?.settings.topK ?? DEFAULT_VIEW_SETTINGS.topK;
    // A long head drawn from tiles has no matrix: its view asks for the focused row alone.
    const tiledRow = unit !== null && view.focusRow ? view.focusRow(unit) : null;
    if (tiledRow) {
      this.focus = { ...this.focus, row: tiledRow, top: topK(tiledRow, k) };
    } else if (unit !== null && matrix && unit < matrix.n) {
      const row = matrixRow(matrix, unit);
      this.focus = { ...this.focus, row, top: topK(row, k) };
    } else {
      const keep = !matrix || tiledRow === undefined;
      this.focus = { ...this.focus, unit: keep ? unit : null, row: null, top: [] };
    }
    view.showFocus(this.focus);
    if (!ctx) return;
    const label = focusLabel(ctx, kind);
    const lastToken = unit !== null ? ctx.units.units[unit]?.at(-1) : undefined;
    const predictions = this.predictionsAt(store, lastToken);
    // The lens reads the same position as the predictions it stands beside (decoders only:
    // those that predict, whether every row came with the result or each is asked for);
    // an encoder-decoder's at the focused decoder token (decoder and cross rows).
    const predicts = store.meta?.predictions !== undefined || store.meta?.nextTokens !== undefined;
    const lensAt = store.meta?.seq2seq
      ? store.kind === 'encoder'
        ? undefined
        : lastToken
      : predicts && store.kind === 'encoder'
        ? lastToken
        : undefined;
    const lens =
      lensAt !== undefined && store.runId !== null
        ? this.lens?.element(store.runId, lensAt)
        : undefined;
    this.panel.show(this.focus, {
      labels: ctx.units.labels,
      keyLabels: ctx.keyUnits.labels,
      source: label,
      predictions,
      ...(lens ? { lens } : {}),
      stale: store.staleReason !== null,
    });
    this.post(store, ctx, kind, label, matrix !== undefined || Boolean(tiledRow));
  }

  /**
   * The predictions at `row`: a full result's from its table (as before, whatever the kind
   * shown); a held one's asked for rows of the result's own tokens only (`nextTokens`: the
   * engine reads the main stack's rows), never for a stale result's.
   */
  private predictionsAt(store: ResultStore, row: number | undefined): RowPredictions {
    if (row === undefined || !store.meta) return undefined;
    if (!store.meta.nextTokens) return store.meta.predictions?.[row];
    if (store.kind !== 'encoder' || store.meta.seq2seq || store.staleReason !== null)
      return undefined;
    return this.next.focused(store.meta, row);
  }

  /** Posts `focusToken` with the top-k weights as shown, spread back onto tokens. */
  private post(
    store: ResultStore,
    ctx: ViewContext,
    kind: ViewKind,
    label: string,
    hasMatrix: boolean,
  ): void {
    if (store.runId === null || store.staleReason !== null) return;
    const { unit, top } = this.focus;
    const { weights } = store;
    const key = [
      store.runId,
      unit,
      top.join(','),
      label,
      hasMatrix,
      ctx.units.units.length,
      weights,
    ];
    if (key.join('/') === this.lastPosted) return;
    this.lastPosted = key.join('/');
    const source = focusSource(ctx.state, kind);
    postToHost(focusMessage(store.runId, this.focus, ctx, label, source));
  }
}

/** The matrix a view's focus is read from. */
export function focusMatrix(view: View, ctx: ViewContext | undefined): SquareMatrix | undefined {
  return view.focusMatrix ? view.focusMatrix() : ctx?.matrix;
}

/**
 * Names the attention the focused weights come from ("layer 2 · head 3"; for an
 * encoder-decoder prefixed with the kind shown, "cross-attention · layer 2 · head 3").
 */
export function focusLabel(ctx: ViewContext, kind: ViewKind): string {
  if (kind !== 'head') return ctx.choiceLabel;
  const prefix = ctx.store.meta?.seq2seq ? `${KIND_NAMES[ctx.store.kind]} · ` : '';
  const suffix = ctx.store.weights === 'value-weighted' ? ' · value-weighted' : '';
  const heads = ctx.state.heads.length ? ctx.state.heads : null;
  if (heads?.length === 1) return `${prefix}layer ${ctx.state.layer} · head ${heads[0]}${suffix}`;
  const which = heads ? `heads ${heads.join(', ')}` : 'all heads';
  return `${prefix}layer ${ctx.state.layer} · mean of ${which}${suffix}`;
}
