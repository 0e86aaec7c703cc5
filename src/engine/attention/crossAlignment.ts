/**
 * How much a cross-attention head aligns target and source: a translation head that walks
 * through the source as the target is written looks diagonal (or monotonic when lengths
 * differ); a head that parks on one source token or spreads evenly does not.
 *
 * For a head's `T × S` matrix `w` (rows = target tokens, columns = source tokens):
 * - `c_i = Σ_j w_ij · j`, the expected source position of target row `i`;
 * - `r` = Pearson correlation of `(i, c_i)` over the rows (0 when `T < 3`, `S < 2`, or when
 *   either the row positions or the centroids do not vary);
 * - `H̄` = mean over rows of the normalised row entropy `−Σ_j w_ij log w_ij / log S` (0 = one
 *   source token per row, 1 = uniform);
 * - **alignment** = `r · (1 − H̄)`, in [−1, 1]: 1 for a sharp diagonal (each target token on
 *   one source token, moving forward), 0 for a uniform or fixed-column head, negative for a
 *   head that walks the source backwards. The sharpness factor keeps a nearly uniform head
 *   whose centroids drift slightly from scoring as aligned.
 * Rows are all target rows, the decoder start token included; columns all source tokens.
 */

/** The alignment of one head, `w` row-major `rows × cols`; see the file comment. */
export function alignmentScore(w: ArrayLike<number>, rows: number, cols: number): number {
  if (rows < 3 || cols < 2) return 0;
  const centroids = new Float64Array(rows);
  let entropy = 0;
  for (let i = 0; i < rows; i++) {
    let c = 0;
    let h = 0;
    for (let j = 0; j < cols; j++) {
      const p = w[i * cols + j];
      c += p * j;
      if (p > 0) h -= p * Math.log(p);
    }
    centroids[i] = c;
    entropy += h / Math.log(cols);
  }
  const sharpness = 1 - Math.min(1, entropy / rows);
  return pearson(centroids) * sharpness;
}

/** Correlation of `(i, y_i)`; 0 when `y` is constant. */
function pearson(y: Float64Array): number {
  const n = y.length;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += y[i] / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (y[i] - meanY);
    sxx += (i - meanX) ** 2;
    syy += (y[i] - meanY) ** 2;
  }
  // Centroids equal up to rounding are "constant": no direction to correlate with.
  if (syy < 1e-12 * n) return 0;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}
