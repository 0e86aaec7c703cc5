/** The messages the export buttons send, built from what the panel shows. */
import type { SquareMatrix } from '../../src/shared/squareMatrix';
import { matrixCsv } from '../../src/shared/matrixCsv';
import type { ViewKind, WebviewToHost } from '../../src/protocol/webview';
import type { ViewState } from '../viewState';
import type { ViewContext } from '../views/view';
import { postToHost } from '../vscodeApi';
import { svgToPng } from './svg';

/** `copyText` with the shown matrix as CSV; `what` names it in the host's confirmation. */
export function csvMessage(
  matrix: SquareMatrix,
  ctx: Pick<ViewContext, 'units' | 'keyUnits'>,
  what: string,
): WebviewToHost {
  // The panel holds the engine's float32 slices: the CSV keeps their precision.
  const text = matrixCsv(matrix, ctx.units.labels, ctx.keyUnits.labels);
  return { type: 'copyText', text, what: `${what} as CSV` };
}

/** `saveImage` with the view's SVG, or that SVG rasterised at 2× for PNG. */
export async function imageMessage(
  svg: string,
  format: 'png' | 'svg',
  view: ViewKind,
  state: ViewState,
): Promise<WebviewToHost> {
  const head = view === 'matrix' ? `-${state.head}` : '';
  const data = format === 'svg' ? svg : await svgToPng(svg);
  return {
    type: 'saveImage',
    format,
    data,
    suggestedName: `attention-${view}-L${state.layer}${head}.${format}`,
  };
}

/** Posts `imageMessage` to the host; a view that cannot be rendered is reported, not dropped. */
export function postImage(
  svg: string,
  format: 'png' | 'svg',
  view: ViewKind,
  state: ViewState,
  report: (message: string) => void,
): void {
  imageMessage(svg, format, view, state).then(postToHost, (error: unknown) =>
    report(
      `The ${format.toUpperCase()} could not be made (${error instanceof Error ? error.message : String(error)}).`,
    ),
  );
}

/**
 * `exportJson` for every layer and head, or for the selection: the selected layer with the
 * head view's shown heads, the matrix view's head, or all heads for an aggregate.
 */
export function jsonMessage(
  runId: number,
  scope: 'all' | 'selection',
  view: ViewKind,
  state: ViewState,
): WebviewToHost {
  if (scope === 'all') return { type: 'exportJson', runId, layers: [], heads: [] };
  const { layer, head, heads } = state;
  const selected = view === 'head' ? heads : typeof head === 'number' ? [head] : [];
  return { type: 'exportJson', runId, layers: [layer], heads: selected };
}
