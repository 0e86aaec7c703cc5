/**
 * The logit lens of one run (issue 24): the residual stream after each layer, kept per
 * layer as the run returned it (`[N, D]`), and a reader that puts rows of it through the
 * model's own final norm and unembedding (graph/logitLensGraph.ts, run in the model's
 * session). Only the focused position's L rows are read, when asked for.
 */
import { EngineRunError } from '../errors';
import type { LogitLensLayer } from '../types';

/** Reads `[rows, D]` residual rows: per row the top `k` (ids, probabilities). */
export type LensReader = (
  rows: Float32Array,
  count: number,
  k: number,
) => Promise<{ ids: number[][]; probs: number[][] }>;

export class LogitLens {
  readonly bytes: number;

  constructor(
    /** Per layer `[N, D]`. */
    private readonly streams: readonly Float32Array[],
    private readonly positions: number,
    private readonly read: LensReader,
    private readonly spell: (id: number) => string,
  ) {
    this.bytes = streams.reduce((sum, s) => sum + s.byteLength, 0);
  }

  /** Per layer the top `k` next-token predictions read at `position`. */
  async at(position: number, k: number): Promise<LogitLensLayer[]> {
    const layers = this.streams.length;
    const d = this.streams[0].length / this.positions;
    const rows = new Float32Array(layers * d);
    this.streams.forEach((stream, l) => {
      rows.set(stream.subarray(position * d, (position + 1) * d), l * d);
    });
    const { ids, probs } = await this.read(rows, layers, k);
    return ids.map((row, layer) => ({
      layer,
      predictions: row.map((id, r) => ({ id, text: this.spell(id), prob: probs[layer][r] })),
    }));
  }

  /** The whole table, `[layer][position]`, for an export. */
  async all(k: number): Promise<LogitLensLayer[][]> {
    const out: LogitLensLayer[][] = [];
    for (let position = 0; position < this.positions; position++)
      out.push(await this.at(position, k));
    return out;
  }
}

/** A source's lens, or a `badInput` error saying why there is none. */
export function requireLens(source: { lens?: LogitLens | string }): LogitLens {
  const { lens } = source;
  if (lens instanceof LogitLens) return lens;
  const why =
    lens ??
    'the engine holding this result was started without value norms and the logit lens (the CLI loads them for --norms and --logit-lens)';
  throw new EngineRunError(`The logit lens is not available for this result: ${why}.`, 'badInput');
}
