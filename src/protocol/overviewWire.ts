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
 */
import type { LayerOverview } from '../engine/types';

/**
 * A layer overview on the wire to the webview: the thumbnails' rows (`heads × side` rows of
 * `colSide` cells) as 16-bit codes, each cut after its last nonzero cell; row `r` keeps
 * `rowLengths[r]` cells, and the kept cells of all rows follow each other in `thumbnails`.
 */
export type PackedOverview = Omit<LayerOverview, 'thumbnails'> & {
  thumbnails: Uint16Array;
  rowLengths: Uint16Array;
};

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

export function packOverview(overview: LayerOverview): PackedOverview {
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
export function unpackOverview(overview: PackedOverview): LayerOverview {
  const { thumbnails: codes, rowLengths, ...rest } = (overview ?? {}) as Partial<PackedOverview>;
  const { colSide } = rest;
  const rows = rowLengths?.length ?? 0;
  const total = rowLengths?.reduce((sum, length) => sum + length, 0);
  if (
    !(codes instanceof Uint16Array) ||
    !(rowLengths instanceof Uint16Array) ||
    !Number.isInteger(colSide) ||
    total !== codes.length ||
    rowLengths.some((length) => length > (colSide as number))
  ) {
    return rest as LayerOverview;
  }
  const values = unpackThumbnails(codes);
  const thumbnails = new Float32Array(rows * (colSide as number));
  let at = 0;
  for (let r = 0; r < rows; r++) {
    thumbnails.set(values.subarray(at, at + rowLengths[r]), r * (colSide as number));
    at += rowLengths[r];
  }
  return { ...(rest as Omit<LayerOverview, 'thumbnails'>), thumbnails };
}
