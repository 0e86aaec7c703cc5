/**
 * The `ViewContext` views draw from, rebuilt on every render: the chosen layer and head held
 * within the result, the matrix they select under the toggles, its colour scale and name.
 */
import type { ViewKind, ViewSettings } from '../src/protocol/webview';
import { choiceLabel } from './choiceLabel';
import { colorMapLut } from './heatmap/colorMaps';
import type { ScaleMemo } from './heatmap/colorScale';
import { choiceWindow, unitWindowMask } from './heatmap/windowMask';
import type { ResultStore } from './resultStore';
import type { Palette } from './theme';
import type { ViewContext } from './views/view';
import type { ViewState } from './viewState';

/** What a view context is made of. */
export interface ViewContextParts {
  store: ResultStore;
  state: ViewState;
  settings: ViewSettings;
  palette: Palette;
  scales: ScaleMemo;
  /** The view on show: the model and summary views do not draw (so must not ask for) `matrix`. */
  view: ViewKind;
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
  const matrix =
    store.meta && MATRIX_VIEWS.includes(view) ? store.shown(layer, head, options) : undefined;
  return {
    store,
    state: held,
    settings: { ...settings, topK: held.topK ?? settings.topK },
    palette,
    lut: colorMapLut(held.colorMap ?? settings.colorMap),
    units,
    keyUnits: store.keyUnits(options),
    matrix,
    scale: scales.of(matrix, held.scale),
    choiceLabel:
      choiceLabel(layer, head, store.heads, store.meta?.seq2seq && store.kind) +
      (store.weights === 'value-weighted' && head !== 'rollout' ? ' · value-weighted' : ''),
    causal: store.causal,
    ...(windowSize ? { window: unitWindowMask(windowSize, units) } : {}),
  };
}
