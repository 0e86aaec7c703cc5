/**
 * A held stack's layer overview (heldResults.ts): thumbnails and head summaries, from the
 * source's own overview where it computes one in its graph, else from the layer's weights.
 * Self-attention's summaries measure induction against where an induction head would look.
 */
import { enterStage, layerStage } from '../stage';
import type { LayerOverview } from '../types';
import type { AttentionSource } from './attentionSource';
import { summariseCrossLayer, summariseLayer } from './headSummaries';
import { inductionTargets } from './inductionTargets';
import { thumbnailsOf } from './thumbnails';

/** A stack's query token ids and which of them take no part (special tokens). */
export interface StackQueries {
  ids: number[];
  skip: boolean[];
}

/** Thumbnails and head summaries of `layer`; `queries` for self-attention's induction. */
export async function layerOverview(
  source: AttentionSource,
  layer: number,
  queries: StackQueries | undefined,
): Promise<LayerOverview> {
  const { stack } = source;
  const { heads, rows, cols, kind } = stack;
  enterStage(layerStage(`summarising the ${kind} attention`, layer, stack.layers, rows));
  const computed =
    kind === 'cross' ? undefined : await source.overview?.(layer, inductionOf(queries));
  if (computed) return { kind, layer, ...computed };
  const weights = await source.slice(layer, indices(heads), indices(rows));
  const summaries =
    kind === 'cross'
      ? summariseCrossLayer(weights, layer, rows, cols, heads)
      : summariseLayer(weights, layer, rows, heads, stack.causal, inductionOf(queries));
  return { kind, layer, ...thumbnailsOf(weights, heads, rows, cols), summaries };
}

const inductionCache = new WeakMap<StackQueries, number[][]>();

/** Per query, where an induction head would look (special tokens take no part). */
function inductionOf(queries: StackQueries | undefined): number[][] | undefined {
  if (!queries) return undefined;
  let targets = inductionCache.get(queries);
  if (!targets) {
    const { ids, skip } = queries;
    targets = inductionTargets(ids, (i) => skip[i]);
    inductionCache.set(queries, targets);
  }
  return targets;
}

/** 0 … n − 1. */
const indices = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
