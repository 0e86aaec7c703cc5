/**
 * A recomputed layer's overview (thumbnails and head summaries) from onnxruntime's kernels
 * (overviewGraph.ts), in blocks of query rows so the heap holds a few MB of weights at a
 * time, not the layer's N²: only block means, per-row sums and picked weights come back, and
 * the summaries are finished here from them (`summariseHeadRows`, as for weights in hand).
 */
import * as ort from 'onnxruntime-web';
import { inductionShareOf, selfHeadSummary, summariseHeadRows } from '../attention/headSummaries';
import type { OverviewParts } from '../attention/attentionSource';
import { thumbnailBlocks } from '../attention/thumbnails';
import type { AttentionStack } from '../types';
import { type OverviewGraphShape, overviewGraph } from './overviewGraph';
import type { KernelMask } from './attentionKernel';
import type { LayerRecompute } from './recomputedAttention';

/**
 * Weights a block of rows holds at most (all heads): 16 MB of float32 per intermediate, so a
 * 2,048-token layer of 9 heads runs as ten blocks of 224 rows.
 */
export const OVERVIEW_BLOCK_WEIGHTS = 2 ** 22;

/**
 * Blocks of rows a causal layer is cut into at least: the work is Σ (keys seen) over blocks,
 * ~N²/2 · (1 + 1/blocks); 8 makes it 56% of the uncut layer's for a few more runs.
 */
const CAUSAL_BLOCKS = 8;

const sessions = new Map<string, Promise<ort.InferenceSession>>();

function sessionFor(shape: OverviewGraphShape): Promise<ort.InferenceSession> {
  const name = JSON.stringify(shape);
  let session = sessions.get(name);
  if (!session) {
    // A few token counts are in use at a time; each block size is a graph of its own.
    if (sessions.size >= 8) sessions.clear();
    session = ort.InferenceSession.create(overviewGraph(shape), { executionProviders: ['wasm'] });
    sessions.set(name, session);
    session.catch(() => sessions.delete(name));
  }
  return session;
}

/** Per head, what the summaries read of each query row. */
interface RowFigures {
  entropy: Float64Array;
  distance: Float64Array;
  first: Float32Array;
  previous: Float32Array;
  /** The weights on the induction targets, in the targets' order. */
  induction: number[];
}

export async function kernelOverview(
  l: LayerRecompute,
  stack: AttentionStack,
  layer: number,
  mask: Omit<KernelMask, 'rowPositions'> | undefined,
  induction: readonly (readonly number[])[] | undefined,
  blockWeights = OVERVIEW_BLOCK_WEIGHTS,
): Promise<OverviewParts> {
  const { heads, rows: n, cols: m, causal } = stack;
  const { d, kvHeads: groups } = l;
  const perGroup = heads / groups;
  const { block: blockRows, side } = thumbnailBlocks(n);
  const { block: blockCols, side: colSide } = thumbnailBlocks(m);
  const shape = { capped: l.softcap !== undefined, masked: !!mask, blockRows, blockCols };
  const session = await sessionFor(shape);
  const thumbnails = new Float32Array(heads * side * colSide);
  const figures: RowFigures[] = Array.from({ length: heads }, () => ({
    entropy: new Float64Array(n),
    distance: new Float64Array(n),
    first: new Float32Array(n),
    previous: new Float32Array(n),
    induction: [],
  }));
  const targets = causal ? induction : undefined;
  const cut = !!mask && mask.lowest >= 0;
  // A causal layer in CAUSAL_BLOCKS blocks at least: each runs over the keys its rows see.
  const blocks = Math.min(
    Math.max(1, Math.floor(blockWeights / (heads * m * blockRows))),
    cut ? Math.ceil(side / CAUSAL_BLOCKS) : side,
  );
  const step = blockRows * blocks;
  const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), [1]);
  const keyPos = Float32Array.from({ length: m }, (_, j) => j);
  for (let start = 0; start < n; start += step) {
    const end = Math.min(n, start + step);
    const count = end - start;
    // Causal: no row before `end` sees a key from `end` on (their weights are 0, block means
    // too), so the block runs over the keys before it, rounded up to whole column blocks (the
    // same blocks, the same divisors): about half the work of a long causal layer.
    const keys = cut ? Math.min(m, Math.ceil(end / blockCols) * blockCols) : m;
    const q = new Float32Array(heads * count * d);
    for (let h = 0; h < heads; h++) {
      q.set(l.q.subarray((h * n + start) * d, (h * n + end) * d), h * count * d);
    }
    // Per row: its first key, the key before it (row 0: its own, unread), its induction targets.
    const picks: bigint[] = [];
    for (let i = start; i < end; i++) {
      const at = (i - start) * keys;
      picks.push(BigInt(at), BigInt(at + Math.max(0, i - 1)));
      for (const k of targets?.[i] ?? []) picks.push(BigInt(at + k));
    }
    const feeds: Record<string, ort.Tensor> = {
      q: new ort.Tensor('float32', q, [groups, perGroup, count, d]),
      kt: new ort.Tensor('float32', firstKeys(l.keyTransposed, groups * d, m, keys), [
        groups,
        1,
        d,
        keys,
      ]),
      factor: scalar(l.factor),
      rowPos: new ort.Tensor(
        'float32',
        Float32Array.from({ length: count }, (_, r) => start + r),
        [count, 1],
      ),
      keyPos: new ort.Tensor('float32', keyPos.subarray(0, keys), [1, keys]),
      flat: new ort.Tensor(
        'int64',
        BigInt64Array.of(BigInt(groups), BigInt(perGroup), BigInt(count * keys)),
        [3],
      ),
      picks: new ort.Tensor('int64', BigInt64Array.from(picks), [picks.length]),
    };
    if (shape.capped) feeds.cap = scalar(l.softcap ?? 1);
    if (mask) {
      feeds.lowest = scalar(mask.lowest);
      feeds.highest = scalar(mask.highest);
    }
    const out = await session.run(feeds);
    const thumbs = out.thumbs.data as Float32Array;
    const plogp = out.plogp.data as Float32Array;
    const distance = out.distance.data as Float32Array;
    const picked = out.picked.data as Float32Array;
    const chunkSide = Math.ceil(count / blockRows);
    const chunkColSide = Math.ceil(keys / blockCols);
    const firstBlock = start / blockRows;
    for (let h = 0; h < heads; h++) {
      for (let b = 0; b < chunkSide; b++) {
        const from = (h * chunkSide + b) * chunkColSide;
        thumbnails.set(
          thumbs.subarray(from, from + chunkColSide),
          (h * side + firstBlock + b) * colSide,
        );
      }
      const f = figures[h];
      let at = h * picks.length;
      for (let i = start; i < end; i++) {
        // −Σ p log2 p, from the kernel's Σ p ln p.
        f.entropy[i] = -plogp[h * count + i - start] / Math.LN2;
        f.distance[i] = distance[h * count + i - start];
        f.first[i] = picked[at++];
        f.previous[i] = picked[at++];
        for (const _ of targets?.[i] ?? []) f.induction.push(picked[at++]);
      }
    }
  }
  const summaries = figures.map((f, h) => {
    const scores = summariseHeadRows(
      {
        entropy: f.entropy,
        distance: f.distance,
        first: (i) => f.first[i],
        previous: (i) => f.previous[i],
      },
      layer,
      h,
      n,
      causal,
    );
    // The targets are asked for in the order they were picked in.
    let next = 0;
    const share = targets ? inductionShareOf(() => f.induction[next++], n, targets) : null;
    return selfHeadSummary(scores, share);
  });
  return { thumbnails, side, colSide, blockRows, blockCols, summaries };
}

/** The first `keys` columns of each of the `rows` rows of `kt` (`[rows, m]`). */
function firstKeys(kt: Float32Array, rows: number, m: number, keys: number): Float32Array {
  if (keys === m) return kt;
  const out = new Float32Array(rows * keys);
  for (let r = 0; r < rows; r++) out.set(kt.subarray(r * m, r * m + keys), r * keys);
  return out;
}
