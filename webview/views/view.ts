/** The contract between the app and its views. */
import type { LayerOverview } from '../../src/engine/types';
import type { SquareMatrix } from '../../src/shared/squareMatrix';
import type { ViewSettings } from '../../src/protocol/webview';
import type { ColorScale } from '../heatmap/colorScale';
import type { TiledHead } from '../heatmap/tiledCells';
import type { Palette } from '../theme';
import type { ResultStore, Units } from '../resultStore';
import type { HeadChoice, ViewState } from '../viewState';
import type { WindowMask } from '../heatmap/windowMask';
import type { ModelOverviews } from '../weightedOverviews';

/** Everything a view draws from; rebuilt by the app when data or choices change. */
export interface ViewContext {
  store: ResultStore;
  state: ViewState;
  settings: ViewSettings;
  palette: Palette;
  lut: Uint8Array;
  /** Rows (query units). */
  units: Units;
  /** Columns (key units): `units` but for cross-attention, whose columns are source tokens. */
  keyUnits: Units;
  /** The selected layer/head under the toggles; undefined until its layers arrive. */
  matrix: SquareMatrix | undefined;
  /**
   * The model view's overviews of a long result as the toggles group its tokens, in place of
   * the store's (token level); undefined when the store's apply.
   */
  unitOverviews?: (LayerOverview | undefined)[];
  /**
   * The model view's value-weighted overviews (issue 24), in place of both when the Weights
   * switch says value-weighted; undefined otherwise.
   */
  weightedOverviews?: ModelOverviews;
  /** The matrix view's long head, drawn from tiles instead of `matrix` (undefined then). */
  tiles?: TiledHead;
  /** How `matrix` maps onto the colour map. */
  scale: ColorScale;
  /** Human-readable name of `matrix` ("layer 2 · head 3"). */
  choiceLabel: string;
  causal: boolean;
  /** The chosen layer's sliding window over `units` × `keyUnits`, when it has one. */
  window?: WindowMask;
  /** The summary view's per-layer mean head writes, asked on demand (webview/writesPull.ts). */
  writes?: readonly ({ mean: number[] } | undefined)[];
}

/** The focused query unit, what it attends to most, and whether a click pinned it. */
export interface Focus {
  unit: number | null;
  pinned: boolean;
  /** Key units highlighted for the focused unit, strongest first. */
  top: number[];
  /** The focused unit's row as shown. */
  row: Float32Array | null;
}

/** What Copy CSV puts on the clipboard, and its name in the host's confirmation. */
export type CsvCopy = { text: string; what: string } | { refusal: string };

/** What views ask of the app. */
export interface ViewHost {
  /** Hover (`pin` false) or click/keys (`pin` true) on query unit `unit`; null clears. */
  focus(unit: number | null, pin: boolean): void;
  /** Opens one head (or aggregate) in the matrix view. */
  open(layer: number, head: HeadChoice): void;
  /** Reveals a unit's source range in the editor. */
  reveal(unit: number): void;
  /** Saves a changed view choice (zoom, head-view heads…). */
  patchState(patch: Partial<ViewState>): void;
}

/** One of the panel's views. */
export interface View {
  readonly element: HTMLElement;
  /** Data, toggles or theme changed: draw again. */
  render(ctx: ViewContext): void;
  /** The focus changed: repaint highlights only (must stay cheap). */
  showFocus(focus: Focus): void;
  /** Moves keyboard focus into the view. */
  focusInside(): void;
  /** The view as a standalone SVG document, or undefined when it has nothing to export. */
  toSvg(): string | undefined;
  /** What Copy CSV copies, when not the matrix the focus is read from. */
  csv?(): CsvCopy | undefined;
  /** The matrix the view's focus is read from, when not `ctx.matrix`. */
  focusMatrix?(): SquareMatrix | undefined;
  /**
   * The focused unit's row when the view has no matrix (a long head drawn from tiles):
   * undefined while it is on its way, null when the view does not draw from tiles.
   */
  focusRow?(unit: number): Float32Array | undefined | null;
}
