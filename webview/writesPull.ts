/**
 * The summary's Writes column when the engine computes norms on demand (issue 24): the
 * overviews pulled at the start of a run carry no writes (the inspection computes none), so
 * the summary view, once shown on a stack whose norms can be computed, asks the host for each
 * layer's head writes and takes each head's mean over query rows — relative to the residual
 * stream where the engine measured it, as `LayerOverview.writes` is.
 */
import type { AttentionKind, HeadWrites } from '../src/engine/types';

/** Per head the mean write of one layer, as `LayerOverview.writes` has it. */
export interface MeanWrites {
  mean: number[];
  relative: boolean;
}

export function meanWrites(answer: HeadWrites, heads: number): MeanWrites {
  const per = answer.relativeWrites ?? answer.writes;
  const rows = per.length / Math.max(1, heads);
  const mean = Array.from({ length: heads }, (_, h) => {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum += per[h * rows + i];
    return rows > 0 ? sum / rows : 0;
  });
  return { mean, relative: answer.relativeWrites !== undefined };
}

export class WritesPull {
  private key = '';
  private layers: (MeanWrites | undefined)[] = [];

  constructor(
    private readonly ask: (
      runId: number,
      kind: AttentionKind,
      layer: number,
    ) => Promise<HeadWrites>,
    /** A layer's writes arrived: draw again. */
    private readonly changed: () => void,
  ) {}

  /** Per layer the mean writes of run `runId`'s `kind` stack; asks the first time (layer by layer). */
  of(
    runId: number,
    kind: AttentionKind,
    layers: number,
    heads: number,
  ): (MeanWrites | undefined)[] {
    const key = `${runId}/${kind}`;
    if (key !== this.key) {
      this.key = key;
      this.layers = new Array(layers).fill(undefined);
      void this.pull(key, runId, kind, layers, heads);
    }
    return this.layers;
  }

  /** One layer after another: each computes its layer's writes (or the first all of them, in a second session). */
  private async pull(
    key: string,
    runId: number,
    kind: AttentionKind,
    layers: number,
    heads: number,
  ) {
    for (let layer = 0; layer < layers; layer++) {
      const answer = await this.ask(runId, kind, layer).catch(() => undefined);
      if (this.key !== key || !answer) return;
      this.layers[layer] = meanWrites(answer, heads);
      this.changed();
    }
  }
}
