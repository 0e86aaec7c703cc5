/**
 * How weights map onto the colour map: up to the matrix's maximum, the full 0–1 range, or
 * each query row's own maximum (so rows with spread-out attention still show a pattern).
 */
import type { SquareMatrix } from '../../src/shared/squareMatrix';
import { matrixMax } from '../../src/shared/squareMatrix';
import type { ScaleMode } from '../viewState';

/** The top of the colour scale, for the whole matrix or per row. */
export interface ColorScale {
  mode: ScaleMode;
  /** Top of the scale (the largest row maximum in `row` mode). */
  max: number;
  /** Per-row maxima in `row` mode. */
  rowMax: Float32Array | null;
}

/** The scale of `m` in `mode`; an empty or all-zero matrix scales to 1. */
export function colorScale(m: SquareMatrix | undefined, mode: ScaleMode): ColorScale {
  if (!m || mode === 'unit') return { mode, max: 1, rowMax: null };
  if (mode === 'max') return { mode, max: matrixMax(m) || 1, rowMax: null };
  const rowMax = new Float32Array(m.n);
  for (let i = 0; i < m.n; i++) {
    let max = 0;
    for (let j = 0; j < m.n; j++) max = Math.max(max, m.data[i * m.n + j]);
    rowMax[i] = max || 1;
  }
  return { mode, max: m.n ? Math.max(...rowMax) : 1, rowMax };
}

/** Top of the scale for row `i`. */
export function scaleTop(scale: ColorScale, i: number): number {
  return scale.rowMax ? scale.rowMax[i] : scale.max;
}

/** The scale of the last matrix asked for, so views can tell when to recolour. */
export class ScaleMemo {
  private memo: { matrix?: SquareMatrix; scale: ColorScale } | undefined;

  of(matrix: SquareMatrix | undefined, mode: ScaleMode): ColorScale {
    if (!this.memo || this.memo.matrix !== matrix || this.memo.scale.mode !== mode) {
      this.memo = { matrix, scale: colorScale(matrix, mode) };
    }
    return this.memo.scale;
  }
}
