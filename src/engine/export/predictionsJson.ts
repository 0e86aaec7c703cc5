/**
 * The export's `predictions` of a held result (issue 22): the engine reads them per row when
 * asked, so the export asks for every row, a block at a time.
 */
import type { Prediction } from '../types';
import type { ExportedResult } from './attentionJson';

/** Per row asked, in that order, the top `k`. */
export type PredictionReader = (rows: number[], k: number) => Promise<Prediction[][]>;

/** Rows asked of a `PredictionReader` at once: each ask is a short query a hover can pass between. */
const PREDICTION_ROWS = 256;

/** `result` with every row's predictions, read from `read` when the engine holds them. */
export async function withPredictions(
  result: ExportedResult,
  read: PredictionReader | undefined,
): Promise<ExportedResult> {
  if (result.predictions || !result.nextTokens || !read) return result;
  const predictions: Prediction[][] = [];
  for (let start = 0; start < result.tokens.length; start += PREDICTION_ROWS) {
    const end = Math.min(result.tokens.length, start + PREDICTION_ROWS);
    const rows = Array.from({ length: end - start }, (_, i) => start + i);
    predictions.push(...(await read(rows, result.nextTokens.k)));
  }
  return { ...result, predictions };
}
