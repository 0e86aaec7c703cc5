/**
 * Layer overviews as they cross to the webview (issue 22, first view): thumbnails as 16-bit
 * floats instead of 32-bit. A thumbnail is a picture: the model view scales each row to its
 * own largest weight, takes the square root and paints one of 256 colours
 * (webview/heatmap/thumbnailImage.ts), so a relative error of 2⁻¹⁰ changes no colour by more
 * than one step, and only where a level falls on a step's edge. Half the bytes matter in a
 * remote window: a small result's overviews travel with its metadata, and code-server sends
 * that frame by frame (~0.7 MB of float32 thumbnails at ~200 tokens of the bundled model).
 * The numbers users read (hovers, the matrix view, summaries) are exact: they come from
 * slices and the summaries, which stay float32 and JSON.
 *
 * The code is the top 16 of a float32's 30 significant bits for a value in [0, 2) (sign and
 * the exponent's top bit are 0 there): 7 exponent bits and 9 mantissa bits, rounded to
 * nearest. Every float32 exponent a weight can have stays (down to 2⁻¹²⁶, so a row whose
 * weights are all tiny keeps its shape), and 0 stays exactly 0. Weights and row shares lie
 * in [0, 1]; anything outside [0, 2) (never expected) is clamped, NaN becomes 0.
 *
 * Each thumbnail row travels without its trailing zeros (`rowLengths`): a causal head's
 * thumbnail is zero above its diagonal, so about half its cells need not travel. VS Code's
 * remote connection sends a message in WebSocket messages of 256 KB, one after the other
 * (each deflated in turn), and this keeps a ~200-token result's metadata within about one.
 *
 * Block thumbnails (a result longer than a thumbnail's side) travel as what the model view
 * paints: each cell's level (src/shared/thumbnailLevels.ts) as its colour step, one byte,
 * each row cut where its masked cells (above a causal diagonal) start. The view paints the
 * same pixels as from the weights (the 256 steps are the colour scale's own), in half the
 * bytes again, and these deflate to less than half: ~140 → ~65 KB at ~200 tokens of the
 * bundled model, ~0.4 ms a kilobyte in a remote window (docs/performance.md, first view).
 * Exact thumbnails keep their weights: the view sums them into words and hides specials
 * itself. So do layers with a sliding window, whose mask the view draws from its own units.
 */
import type { AttentionStack, LayerOverview } from '../engine/types';
import { cellLevels } from '../shared/thumbnailLevels';

/**
 * A layer overview on the wire to the webview: the thumbnails' rows (`heads × side` rows of
 * `colSide` cells), row `r` keeping `rowLengths[r]` cells, the kept cells of all rows one
 * after the other.
 */
export type PackedOverview = PackedWeights | PackedLevels;
type Packed = Omit<LayerOverview, 'thumbnails'> & { rowLengths: Uint16Array };
/** Weights as 16-bit codes, each row cut after its last nonzero cell. */
export type PackedWeights = Packed & { thumbnails: Uint16Array };
/** Colour steps, each row cut where its masked cells start. */
export type PackedLevels = Packed & { levels: Uint8Array };

/**
 * An overview as the webview holds it. `painted`: its thumbnails are cell levels in [0, 1]
 * (-1 masked), to be pooled and painted as they are (`pooledLevels`), not weights.
 */
export type ReceivedOverview = LayerOverview & { painted?: true };

/** What of the result's attention stacks a packed overview depends on. */
export type OverviewStack = Pick<AttentionStack, 'kind' | 'causal' | 'windows'>;

const LARGEST_CODE = 0xffff;
/** Bits of a float32 dropped by the code; half of their range rounds to nearest. */
const DROPPED_BITS = 14;
const HALF_STEP = 1 << (DROPPED_BITS - 1);

/** Float32 values → 16-bit codes (see the module's comment). */
export function packThumbnails(values: Float32Array): Uint16Array {
  const clamped = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    // `!(v > 0)` also catches NaN; 2 is the first value the code cannot hold.
    clamped[i] = !(v > 0) ? 0 : v < 2 ? v : 1.9999;
  }
  const bits = new Uint32Array(clamped.buffer);
  const codes = new Uint16Array(values.length);
  for (let i = 0; i < bits.length; i++) {
    codes[i] = Math.min(LARGEST_CODE, (bits[i] + HALF_STEP) >>> DROPPED_BITS);
  }
  return codes;
}

/** 16-bit codes → the float32 values they stand for. */
export function unpackThumbnails(codes: Uint16Array): Float32Array {
  const bits = new Uint32Array(codes.length);
  for (let i = 0; i < codes.length; i++) bits[i] = codes[i] << DROPPED_BITS;
  return new Float32Array(bits.buffer);
}

/** `overview` (of one of the result's `stacks`) as it travels. */
export function packOverview(
  overview: LayerOverview,
  stacks: readonly OverviewStack[],
): PackedOverview {
  const { side, colSide, blockRows, blockCols } = overview;
  const stack = stacks.find((s) => s.kind === overview.kind);
  const exact = blockRows === 1 && blockCols === 1;
  if (!stack || exact || stack.windows?.[overview.layer] || side === 0 || colSide === 0) {
    return packWeightOverview(overview);
  }
  const { thumbnails, ...rest } = overview;
  const size = side * colSide;
  const heads = thumbnails.length / size;
  const codes = new Uint8Array(thumbnails.length);
  const rowLengths = new Uint16Array(heads * side);
  let kept = 0;
  for (let head = 0; head < heads; head++) {
    const data = thumbnails.subarray(head * size, (head + 1) * size);
    const cells = cellLevels({ n: side, data, cols: colSide }, stack.causal);
    for (let r = 0; r < side; r++) {
      let length = colSide;
      while (length > 0 && cells[r * colSide + length - 1] < 0) length--;
      for (let j = 0; j < length; j++) codes[kept + j] = Math.round(cells[r * colSide + j] * 255);
      rowLengths[head * side + r] = length;
      kept += length;
    }
  }
  return { ...rest, levels: codes.slice(0, kept), rowLengths };
}

/** `overview` as weights (16-bit codes), the form exact thumbnails travel in. */
export function packWeightOverview(overview: LayerOverview): PackedWeights {
  const { colSide } = overview;
  const codes = packThumbnails(overview.thumbnails);
  const rows = colSide > 0 ? codes.length / colSide : 0;
  const rowLengths = new Uint16Array(rows);
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    let length = colSide;
    while (length > 0 && codes[r * colSide + length - 1] === 0) length--;
    codes.copyWithin(kept, r * colSide, r * colSide + length);
    rowLengths[r] = length;
    kept += length;
  }
  return { ...overview, thumbnails: codes.slice(0, kept), rowLengths };
}

/**
 * A packed overview as the webview uses it. A reply may be anything: one whose rows do not
 * add up is handed on without thumbnails, for the caller's shape check to drop.
 */
export function unpackOverview(overview: PackedOverview): ReceivedOverview {
  type Either = Omit<LayerOverview, 'thumbnails'> & {
    thumbnails: Uint16Array;
    levels: Uint8Array;
    rowLengths: Uint16Array;
  };
  const { thumbnails: weights, levels, rowLengths, ...rest } = (overview ?? {}) as Partial<Either>;
  const painted = levels instanceof Uint8Array;
  const codes = painted ? levels : weights;
  const { colSide } = rest;
  const rows = rowLengths?.length ?? 0;
  const total = rowLengths?.reduce((sum, length) => sum + length, 0);
  if (
    !(painted || codes instanceof Uint16Array) ||
    !(rowLengths instanceof Uint16Array) ||
    !Number.isInteger(colSide) ||
    total !== codes?.length ||
    rowLengths.some((length) => length > (colSide as number))
  ) {
    return rest as LayerOverview;
  }
  const values = painted ? levelsOf(levels) : unpackThumbnails(codes as Uint16Array);
  // A painted row's cut-off cells are its masked ones; a row of weights was cut at its zeros.
  const thumbnails = new Float32Array(rows * (colSide as number)).fill(painted ? -1 : 0);
  let at = 0;
  for (let r = 0; r < rows; r++) {
    thumbnails.set(values.subarray(at, at + rowLengths[r]), r * (colSide as number));
    at += rowLengths[r];
  }
  const unpacked = { ...(rest as Omit<LayerOverview, 'thumbnails'>), thumbnails };
  return painted ? { ...unpacked, painted: true } : unpacked;
}

const LEVELS = Float32Array.from({ length: 256 }, (_, code) => code / 255);

function levelsOf(codes: Uint8Array): Float32Array {
  const levels = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) levels[i] = LEVELS[codes[i]];
  return levels;
}
