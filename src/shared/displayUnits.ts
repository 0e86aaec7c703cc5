/**
 * What a view shows as its rows and columns: tokens, or words merged from tokens, with or
 * without special tokens. A unit is a list of token indices; `projectMatrix` maps a token
 * matrix onto units.
 */
import type { Token } from '../engine/types';
import { normaliseRows, type SquareMatrix } from './squareMatrix';
import { wordGroups } from './wordGroups';

/** The view's choices that change its rows and columns. */
export interface UnitOptions {
  /** Merge sub-word tokens into words (attention to a word = sum, from a word = mean). */
  wordLevel: boolean;
  /** Drop special tokens and renormalise each remaining row to sum to 1. */
  hideSpecial: boolean;
}

/** The rows/columns of a view and how they map back to tokens. */
export interface DisplayUnits {
  /** Token indices per unit, in text order. */
  units: number[][];
  /** Unit index per token, -1 for hidden tokens. */
  unitOfToken: Int32Array;
  /** Whether `projectMatrix` renormalises rows (some tokens were hidden). */
  renormalise: boolean;
}

/** Builds the units for `tokens` of `text` under `options`. */
export function displayUnits(
  tokens: readonly Token[],
  text: string,
  options: UnitOptions,
): DisplayUnits {
  const groups = options.wordLevel ? wordGroups(tokens, text) : tokens.map((_, i) => [i]);
  // Special tokens are always groups of their own, so hiding them drops whole groups.
  const units = options.hideSpecial ? groups.filter((g) => !tokens[g[0]].special) : groups;
  const unitOfToken = new Int32Array(tokens.length).fill(-1);
  units.forEach((unit, u) => {
    unit.forEach((t) => {
      unitOfToken[t] = u;
    });
  });
  return {
    units,
    unitOfToken,
    renormalise: options.hideSpecial && units.length < groups.length,
  };
}

/**
 * Maps a token matrix onto units: cell `(a, b)` is the mean over the tokens of unit `a` of
 * the summed weight on the tokens of unit `b`. If the input rows sum to 1 and no token is
 * hidden, the output rows sum to 1 too; with hidden tokens rows are renormalised to 1
 * (a row that put all its weight on hidden tokens stays 0).
 */
export function projectMatrix(m: SquareMatrix, display: DisplayUnits): SquareMatrix {
  const { units } = display;
  const n = units.length;
  if (n === m.n && !display.renormalise && units.every((u, i) => u.length === 1 && u[0] === i)) {
    return m;
  }
  const out = new Float32Array(n * n);
  for (let a = 0; a < n; a++) {
    const from = units[a];
    for (const i of from) {
      const row = i * m.n;
      for (let b = 0; b < n; b++) {
        let sum = 0;
        for (const j of units[b]) sum += m.data[row + j];
        out[a * n + b] += sum / from.length;
      }
    }
  }
  const result = { n, data: out };
  return display.renormalise ? normaliseRows(result) : result;
}

/**
 * Spreads unit weights back onto tokens: every token of a unit carries the unit's weight,
 * hidden tokens carry 0 — what the editor paints so it matches the view exactly.
 */
export function unitWeightsToTokens(
  weights: ArrayLike<number>,
  display: DisplayUnits,
  tokenCount: number,
): Float32Array {
  const out = new Float32Array(tokenCount);
  display.units.forEach((unit, u) => {
    unit.forEach((t) => {
      out[t] = weights[u];
    });
  });
  return out;
}
