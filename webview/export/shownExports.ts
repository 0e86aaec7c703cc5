/**
 * What the toolbar's Copy CSV, Save Image and Export JSON buttons send for the view on show
 * (the messages themselves: exportMessages.ts). Something the view cannot give is `refused`
 * with the reason, so the panel says it instead of doing nothing.
 */
import type { ViewKind } from '../../src/protocol/webview';
import { focusLabel, focusMatrix } from '../focusTracker';
import type { ViewState } from '../viewState';
import type { View, ViewContext } from '../views/view';
import { postToHost } from '../vscodeApi';
import { csvMessage, jsonMessage, postImage } from './exportMessages';

/** The view on show, what it draws from, and the run it shows. */
export interface ShownView {
  view: View;
  kind: ViewKind;
  ctx: ViewContext | undefined;
  state: ViewState;
  runId: number | null;
}

/** Copy CSV: the model and summary views' tables, a long head's part on screen, else the matrix. */
export function copyShownCsv(shown: ShownView, refused: (why: string) => void): void {
  const { view, kind, ctx } = shown;
  const copy = view.csv?.();
  if (copy && 'refusal' in copy) refused(copy.refusal);
  else if (copy) postToHost({ type: 'copyText', ...copy });
  else {
    const matrix = focusMatrix(view, ctx);
    if (ctx && matrix) postToHost(csvMessage(matrix, ctx, focusLabel(ctx, kind)));
  }
}

/** Save Image: the view's SVG, or a PNG made of it. */
export function saveShownImage(
  shown: ShownView,
  format: 'png' | 'svg',
  refused: (why: string) => void,
): void {
  const svg = shown.view.toSvg();
  if (svg) postImage(svg, format, shown.kind, shown.state, refused);
}

/** Export JSON: every layer and head, or the selection. */
export function exportShownJson(shown: ShownView, scope: 'all' | 'selection'): void {
  if (shown.runId !== null) postToHost(jsonMessage(shown.runId, scope, shown.kind, shown.state));
}
