/**
 * What each head moves (issue 24; Kobayashi et al., EMNLP 2020, "Attention is Not Only a
 * Weight"): per layer, head and token ‖f_h(x_j)‖ = ‖v_j^h W_O^h‖ and the head's write
 * ‖Σ_j α_ij f_h(x_j)‖, as the graph computed them (graph/exposeHeadNorms.ts). Value-weighted
 * attention ‖α_ij f_h(x_j)‖ = α_ij ‖f_h(x_j)‖ is any attention slice times the first, so
 * nothing N × N is kept for it.
 */
import { EngineRunError } from '../errors';
import type { AttentionStack, HeadWrites } from '../types';

/** One layer's norms, flat. */
export interface LayerHeadNorms {
  /** `[heads, cols]`: ‖f_h(x_j)‖ per head and key token. */
  values: Float32Array;
  /** `[heads, rows]`: ‖Σ_j α_ij f_h(x_j)‖ per head and query token. */
  writes: Float32Array;
  /** `[rows]`: the residual stream's norm where the attention output is added, when found. */
  residual?: Float32Array;
}

/** What a view needs of a layer: its value norms (value-weighted slices), or the writes too. */
export type NormPart = 'values' | 'writes';

/** A layer as it fills: `heads` marks the heads whose values are in while some are missing. */
type Filling = Partial<LayerHeadNorms> & { heads?: boolean[] };

export class HeadNorms {
  private readonly layers: Filling[];

  constructor(
    readonly stack: AttentionStack,
    layers: readonly Partial<LayerHeadNorms>[],
  ) {
    this.layers = layers.map((l) => ({ ...l }));
  }

  /** Norms filled a layer, a part or a head at a time, as views ask (inference/heldValueNorms.ts). */
  static filling(stack: AttentionStack): HeadNorms {
    return new HeadNorms(
      stack,
      Array.from({ length: stack.layers }, () => ({})),
    );
  }

  get bytes(): number {
    return this.layers.reduce(
      (sum, l) =>
        sum +
        (l.values?.byteLength ?? 0) +
        (l.writes?.byteLength ?? 0) +
        (l.residual?.byteLength ?? 0),
      0,
    );
  }

  /**
   * Whether layer `layer`'s `part` is here: its values (of `heads`, or every head) or its
   * writes (which come with every head's values).
   */
  has(layer: number, part: NormPart, heads?: readonly number[]): boolean {
    const l = this.layers[layer];
    if (l?.values === undefined) return false;
    if (part === 'writes') return l.heads === undefined && l.writes !== undefined;
    const done = l.heads;
    return done === undefined || (heads?.every((h) => done[h]) ?? false);
  }

  /** Whether every layer's values and writes are here. */
  get complete(): boolean {
    return this.layers.every((_, layer) => this.has(layer, 'writes'));
  }

  /** Adds what was computed of layer `layer` (`values` for every head). */
  fill(layer: number, found: Partial<LayerHeadNorms>): void {
    const l = this.layers[layer];
    Object.assign(l, found);
    if (found.values) delete l.heads;
  }

  /** Adds the value norms `[heads.length, cols]` of some heads of layer `layer`. */
  fillHeads(layer: number, heads: readonly number[], values: Float32Array): void {
    const l = this.layers[layer];
    if (l.values && !l.heads) return;
    const { heads: count, cols } = this.stack;
    l.values ??= new Float32Array(count * cols);
    const done = l.heads ?? new Array<boolean>(count).fill(false);
    for (const [i, head] of heads.entries()) {
      l.values.set(values.subarray(i * cols, (i + 1) * cols), head * cols);
      done[head] = true;
    }
    if (done.every(Boolean)) delete l.heads;
    else l.heads = done;
  }

  private layer(layer: number, part: NormPart, heads?: readonly number[]): LayerHeadNorms {
    if (!this.has(layer, part, heads)) {
      throw new Error(`layer ${layer}'s ${part} norms are not computed`);
    }
    return this.layers[layer] as LayerHeadNorms;
  }

  /**
   * The norms of run outputs, or a reason they cannot be used (a shape the stack does not
   * explain: a graph whose value or projection is laid out otherwise).
   */
  static of(stack: AttentionStack, layers: readonly LayerHeadNorms[]): HeadNorms | string {
    const { heads, rows, cols } = stack;
    for (const [layer, l] of layers.entries()) {
      const wrong =
        l.values.length !== heads * cols ||
        l.writes.length !== heads * rows ||
        (l.residual !== undefined && l.residual.length !== rows);
      if (wrong)
        return `layer ${layer}'s value or write norms do not have ${heads} heads of ${rows} tokens`;
    }
    return new HeadNorms(stack, layers);
  }

  /** Multiplies a slice `[heads, rows, cols]` of layer `layer` by each head's value norms, in place. */
  valueWeight(
    layer: number,
    heads: readonly number[],
    rowCount: number,
    slice: Float32Array,
  ): void {
    const { cols } = this.stack;
    const values = this.layer(layer, 'values', heads).values;
    for (const [h, head] of heads.entries()) {
      const norms = values.subarray(head * cols, (head + 1) * cols);
      for (let r = 0; r < rowCount; r++) {
        const at = (h * rowCount + r) * cols;
        for (let j = 0; j < cols; j++) slice[at + j] *= norms[j];
      }
    }
  }

  /** Layer `layer`'s value norms, head writes, and writes relative to the residual stream. */
  writesOf(layer: number): HeadWrites {
    const { values, writes, residual } = this.layer(layer, 'writes');
    const { heads, rows } = this.stack;
    let relative: Float32Array | undefined;
    if (residual) {
      relative = new Float32Array(heads * rows);
      for (let h = 0; h < heads; h++) {
        for (let i = 0; i < rows; i++) relative[h * rows + i] = writes[h * rows + i] / residual[i];
      }
    }
    return {
      kind: this.stack.kind,
      layer,
      values: values.slice(),
      writes: writes.slice(),
      ...(relative ? { relativeWrites: relative } : {}),
    };
  }

  /** Per head the mean over query rows of the relative write (absolute when no residual was found). */
  meanWrites(layer: number): { mean: number[]; relative: boolean } {
    const { writes, relativeWrites } = this.writesOf(layer);
    const per = relativeWrites ?? writes;
    const { heads, rows } = this.stack;
    const mean = Array.from({ length: heads }, (_, h) => {
      let sum = 0;
      for (let i = 0; i < rows; i++) sum += per[h * rows + i];
      return rows > 0 ? sum / rows : 0;
    });
    return { mean, relative: relativeWrites !== undefined };
  }
}

/** A source's norms, or a `badInput` error saying why there are none. */
export function requireNorms(source: {
  norms?: HeadNorms | string;
  stack: AttentionStack;
}): HeadNorms {
  const { norms } = source;
  if (norms instanceof HeadNorms) return norms;
  const why =
    norms ??
    `the engine holding this result was started without value norms and the logit lens (the CLI loads them for --norms and --logit-lens)`;
  throw new EngineRunError(
    `Value-weighted attention and head writes are not available for this result: ${why}.`,
    'badInput',
  );
}
