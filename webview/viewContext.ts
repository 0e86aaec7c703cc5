/**
 * The `ViewContext` views draw from, rebuilt on every render: the chosen layer and head held
 * within the result, the matrix they select under the toggles, its colour scale and name.
 */
import type { ViewKind, ViewSettings } from '../src/protocol/webview';
import { choiceLabel } from './choiceLabel';
import { colorMapLut } from './heatmap/colorMaps';
import type { ColorScale, ScaleMemo } from './heatmap/colorScale';
import type { TiledHead } from './heatmap/tiledCells';
import { choiceWindow, unitWindowMask } from './heatmap/windowMask';
import { type HeadTiles, TILED_ABOVE } from './headTiles';
import type { UnitOverviews } from './unitOverviews';
import type { WeightedOverviews } from './weightedOverviews';
import type { WritesPull } from './writesPull';
import type { ResultStore } from './resultStore';
import type { Palette } from './theme';
import type { ViewContext } from './views/view';
import type { HeadChoice, ViewState } from './viewState';

/** What a view context is made of. */
export interface ViewContextParts {
  store: ResultStore;
  state: ViewState;
  settings: ViewSettings;
  palette: Palette;
  scales: ScaleMemo;
  /** The view on show: the model and summary views do not draw (so must not ask for) `matrix`. */
  view: ViewKind;
  /** Where the matrix view's tiles of a long head come from. */
  tiles?: HeadTiles;
  /** Where the model view's thumbnails of a long result under word level come from. */
  unitOverviews?: UnitOverviews;
  /** Where the model view's value-weighted thumbnails come from (issue 24). */
  weightedOverviews?: WeightedOverviews;
  /** Where the summary's Writes come from when the engine computes norms on demand (issue 24). */
  writes?: WritesPull;
}

/**
 * Views that show the chosen layer/head's matrix (the head view: its aggregate, and the
 * source list of cross-attention); the model and summary views must not ask for its slice.
 */
const MATRIX_VIEWS: readonly ViewKind[] = ['matrix', 'head', 'steps'];

/** The context; its `state` has layer and head clamped to the result once one arrived. */
export function makeViewContext({
  store,
  state,
  settings,
  palette,
  scales,
  view,
  tiles,
  unitOverviews,
  weightedOverviews,
  writes,
}: ViewContextParts): ViewContext {
  const layer = Math.min(state.layer, Math.max(0, store.layerCount - 1));
  const head = typeof state.head === 'number' && state.head >= store.heads ? 0 : state.head;
  const held =
    store.meta && (layer !== state.layer || head !== state.head)
      ? { ...state, layer, head }
      : state;
  const options = { wordLevel: held.wordLevel, hideSpecial: held.hideSpecial };
  const units = store.units(options);
  const windowSize = choiceWindow(store.windows, layer, head);
  const tiled =
    view === 'matrix' && tiles ? tiledHead(store, layer, head, options, tiles) : undefined;
  const matrix =
    store.meta && MATRIX_VIEWS.includes(view) && !tiled
      ? store.shown(layer, head, options)
      : undefined;
  return {
    store,
    state: held,
    settings: { ...settings, topK: held.topK ?? settings.topK },
    palette,
    lut: colorMapLut(held.colorMap ?? settings.colorMap),
    units,
    keyUnits: store.keyUnits(options),
    matrix,
    scale: tiled ? tiledScale(tiled, held.scale) : scales.of(matrix, held.scale),
    tiles: tiled,
    unitOverviews: view === 'model' ? unitOverviews?.of(store, options) : undefined,
    ...(view === 'model' && store.weights === 'value-weighted' && weightedOverviews
      ? { weightedOverviews: weightedOverviews.of(store, options) }
      : {}),
    ...(view === 'summary' && writes && store.runId !== null
      ? { writes: writes.of(store.runId, store.kind, store.layerCount, store.heads) }
      : {}),
    choiceLabel:
      choiceLabel(layer, head, store.heads, store.meta?.seq2seq && store.kind) +
      (store.weights === 'value-weighted' && head !== 'rollout' ? ' · value-weighted' : ''),
    causal: store.causal,
    ...(windowSize ? { window: unitWindowMask(windowSize, units) } : {}),
  };
}

/**
 * One head, or the mean or max over a layer's heads, of a long result at token level, drawn
 * from tiles (issue 22: never the whole N × N, nor the layer); undefined for what needs
 * whole layers (rollout, word level, hidden specials).
 */
function tiledHead(
  store: ResultStore,
  layer: number,
  head: HeadChoice,
  options: { wordLevel: boolean; hideSpecial: boolean },
  source: HeadTiles,
): TiledHead | undefined {
  const runId = store.runId;
  if (runId === null || head === 'rollout' || store.layerCount === 0) return undefined;
  if (store.kind === 'encoder' && (options.wordLevel || options.hideSpecial)) return undefined;
  const { n, cols, kind } = store;
  if (Math.max(n, cols) <= TILED_ABOVE) return undefined;
  const target = { runId, kind, layer, head, n, cols, weights: store.weights };
  return { source, target, picture: source.picture(target), error: source.errorOf(target) };
}

function tiledScale(tiled: TiledHead, mode: ColorScale['mode']): ColorScale {
  const { picture, source, target } = tiled;
  if (!picture) return { mode, max: 1, rowMax: null };
  return source.scale(picture, mode, target.n);
}
