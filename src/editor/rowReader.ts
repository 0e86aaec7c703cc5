/**
 * Rows of a held result's attention for the editor's hovers (issue 22): the engine holds the
 * attention, so a hover asks for one query row — of one head, of a layer's heads, or of every
 * layer's heads for the overall mean — and the last few rows are kept, so moving the mouse
 * back and forth over a line asks nothing again. Value-weighted rows (issue 24) are each
 * head's row shares, as the panel shows them, before any mean. No `vscode`, for unit tests.
 */
import type { AttentionSliceRequest, HeldResult, SliceWeights } from '../engine/types';
import type { RowSource } from './tokenMath';

/** Rows kept: a line's worth of hovers. */
export const ROWS_KEPT = 32;

/** What the reader asks the engine (the `InspectionRunner`, or the engine itself in tests). */
export interface RowSlices {
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

export class RowReader {
  private readonly rows = new Map<string, Promise<Float32Array>>();

  constructor(private readonly engine: RowSlices) {}

  /** Row `query` of the result's own attention, from one head or averaged as `source` says. */
  row(
    result: HeldResult,
    query: number,
    source: RowSource,
    weights: SliceWeights = 'attention',
  ): Promise<Float32Array> {
    const which = source === 'all' ? 'all' : `${source.layer}/${source.head ?? 'mean'}`;
    const key = `${result.resultId}/${which}/${query}/${weights}`;
    let row = this.rows.get(key);
    if (row) {
      this.rows.delete(key);
    } else {
      row = this.read(result, query, source, weights);
      // A failure (a released result) is not kept: the next hover asks again.
      row.catch(() => this.rows.delete(key));
    }
    this.rows.set(key, row);
    if (this.rows.size > ROWS_KEPT) this.rows.delete(this.rows.keys().next().value as string);
    return row;
  }

  /** Forgets the rows of `resultId` (its panel let it go). */
  forget(resultId: number): void {
    for (const key of this.rows.keys()) if (key.startsWith(`${resultId}/`)) this.rows.delete(key);
  }

  private async read(
    result: HeldResult,
    query: number,
    source: RowSource,
    weights: SliceWeights,
  ): Promise<Float32Array> {
    const stack = result.stacks.find((s) => s.kind === 'encoder');
    if (!stack) throw new Error('this result has no self-attention over its tokens');
    const layers =
      source === 'all' ? Array.from({ length: stack.layers }, (_, l) => l) : [source.layer];
    const heads = source !== 'all' && source.head !== null ? [source.head] : undefined;
    const slices = await Promise.all(
      layers.map((layer) =>
        this.engine.slice(result.resultId, {
          kind: 'encoder',
          layer,
          rows: [query],
          ...(heads ? { heads } : {}),
          ...(weights === 'value-weighted' ? { weights, rowShares: true } : {}),
        }),
      ),
    );
    return meanOfRows(slices, stack.cols);
  }
}

/** The mean of every row in `slices` (each `[heads, 1, cols]`), column by column. */
export function meanOfRows(slices: readonly Float32Array[], cols: number): Float32Array {
  const mean = new Float32Array(cols);
  let count = 0;
  for (const slice of slices) {
    for (let at = 0; at + cols <= slice.length; at += cols) {
      for (let key = 0; key < cols; key++) mean[key] += slice[at + key];
      count++;
    }
  }
  if (count > 0) for (let key = 0; key < cols; key++) mean[key] /= count;
  return mean;
}
