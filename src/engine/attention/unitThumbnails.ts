/**
 * Thumbnails of a layer as a view groups its tokens (issue 22): merged into words, special
 * tokens hidden. The view sends which unit each token belongs to; each head is projected onto
 * units the way the views project a matrix (src/shared/displayUnits.ts `projectMatrix`: from a
 * unit, the mean over its tokens; to a unit, the sum over its tokens; rows renormalised when
 * tokens were hidden) one unit row at a time, straight into the thumbnail's blocks, so no
 * units × units matrix is ever built. The engine cannot import the shared code; the unit
 * tests hold the two equal.
 */
import type { ThumbnailUnits } from '../types';
import { thumbnailBlocks } from './thumbnails';

/** The number of units `units` names; throws the reason when it does not fit `tokens`. */
export function checkUnits(units: ThumbnailUnits, tokens: number): number {
  const { unitOfToken } = units ?? {};
  if (!Array.isArray(unitOfToken) || unitOfToken.length !== tokens) {
    throw new Error(`units must name a unit for each of the ${tokens} tokens`);
  }
  let count = 0;
  for (const u of unitOfToken) {
    if (!Number.isInteger(u) || u < -1 || u >= tokens) throw new Error(`there is no unit ${u}`);
    count = Math.max(count, u + 1);
  }
  return count;
}

/** Block means of every head of `layer` (`[heads, n, n]`) projected onto `count` units. */
export function unitThumbnailsOf(
  layer: Float32Array,
  heads: number,
  n: number,
  units: ThumbnailUnits,
  count: number,
): {
  thumbnails: Float32Array;
  side: number;
  colSide: number;
  blockRows: number;
  blockCols: number;
} {
  const { block, side } = thumbnailBlocks(count);
  const thumbnails = new Float32Array(heads * side * side);
  const tokensOf: number[][] = Array.from({ length: count }, () => []);
  units.unitOfToken.forEach((u, t) => {
    if (u >= 0) tokensOf[u].push(t);
  });
  const unitRow = new Float64Array(count);
  for (let h = 0; h < heads; h++) {
    for (let a = 0; a < count; a++) {
      unitRow.fill(0);
      const from = tokensOf[a];
      for (const i of from) {
        const row = (h * n + i) * n;
        for (let j = 0; j < n; j++) {
          const b = units.unitOfToken[j];
          if (b >= 0) unitRow[b] += layer[row + j] / from.length;
        }
      }
      let sum = 1;
      if (units.renormalise) {
        sum = 0;
        for (let b = 0; b < count; b++) sum += unitRow[b];
      }
      if (!(sum > 0)) continue;
      const at = h * side * side + Math.floor(a / block) * side;
      for (let b = 0; b < count; b++) thumbnails[at + Math.floor(b / block)] += unitRow[b] / sum;
    }
    const out = h * side * side;
    for (let bi = 0; bi < side; bi++) {
      const height = Math.min(block, count - bi * block);
      for (let bj = 0; bj < side; bj++) {
        thumbnails[out + bi * side + bj] /= height * Math.min(block, count - bj * block);
      }
    }
  }
  return { thumbnails, side, colSide: side, blockRows: block, blockCols: block };
}
