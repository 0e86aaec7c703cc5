/**
 * What attention moves, in the export (issue 24; docs/attention-json.md): with `norms`,
 * `attention_norms` [layer][head][N][N] (value-weighted attention ‖α_ij f_h(x_j)‖, Kobayashi
 * et al., EMNLP 2020) and `head_output_norms` [layer][head][N] (‖Σ_j α_ij f_h(x_j)‖); with a
 * lens of K, `logit_lens` [layer][N] of K {id, text, prob}. Streamed like the attention: a
 * slice, a layer's writes or a position's lens at a time.
 */
import type { AttentionKind, HeadWrites, LogitLensLayer } from '../types';
import { type AttentionSlicer, formatWeight, matrixChunks, SLICE_NUMBERS } from './attentionJson';

/** What the norms and lens fields are read through (a held result's engine calls). */
export interface NormsReader {
  /** `[heads, rows, cols]` of value-weighted attention. */
  valueWeighted: AttentionSlicer;
  headWrites(kind: AttentionKind, layer: number): Promise<HeadWrites>;
  logitLens(position: number, k: number): Promise<LogitLensLayer[]>;
}

export interface NormsExport {
  /** Add `attention_norms` and `head_output_norms`. */
  norms?: boolean;
  /** Add `logit_lens` with this many predictions per layer and position. */
  logitLens?: number;
}

/** The stacks of a result: `[field prefix, kind, rows, cols]`. */
export type Stacks = [string, AttentionKind, number, number][];

/** The fields, each chunk run starting with `,\n"name": `. */
export async function* normsJsonChunks(
  reader: NormsReader,
  stacks: Stacks,
  selection: { layers: number[]; heads: number[]; digits: number },
  wanted: NormsExport,
  positions: number,
  /** Where the lens is read when not `logit_lens` over `positions` (an encoder-decoder's decoder). */
  lens: { field: string; positions: number } = { field: 'logit_lens', positions },
): AsyncGenerator<string> {
  const { layers, heads, digits } = selection;
  if (wanted.norms) {
    for (const [prefix, kind, rows, cols] of stacks) {
      yield `,\n${JSON.stringify(`${prefix}attention_norms`)}: [`;
      const shape = { layers, heads, rows, cols, digits };
      yield* matrixChunks(reader.valueWeighted, kind, shape, SLICE_NUMBERS);
      yield `]`;
      yield `,\n${JSON.stringify(`${prefix}head_output_norms`)}: [`;
      for (const [li, layer] of layers.entries()) {
        const { writes } = await reader.headWrites(kind, layer);
        const perHead = heads.map((head) => {
          const row = writes.subarray(head * rows, (head + 1) * rows);
          return `[${Array.from(row, (w) => formatWeight(w, digits)).join(',')}]`;
        });
        yield `${li === 0 ? '\n' : ',\n'}[${perHead.join(',')}]`;
      }
      yield ']';
    }
  }
  if (wanted.logitLens) {
    const k = wanted.logitLens;
    const table: string[][] = layers.map(() => []);
    for (let position = 0; position < lens.positions; position++) {
      const lens = await reader.logitLens(position, k);
      for (const [li, layer] of layers.entries()) {
        const row = lens[layer].predictions.map((p) => ({
          id: p.id,
          text: p.text,
          prob: Number(formatWeight(p.prob, digits)),
        }));
        table[li].push(JSON.stringify(row));
      }
    }
    yield `,\n${JSON.stringify(lens.field)}: [\n${table.map((row) => `[${row.join(',\n')}]`).join(',\n')}]`;
  }
}
