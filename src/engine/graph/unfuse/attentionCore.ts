/**
 * The standard-op attention that the Optimum-era fused ops (com.microsoft Attention and
 * MultiHeadAttention, the ONNX Attention op) are opened into, written so that findAttention
 * and findStepTensors read it as they read an unfused export:
 * MatMul(q, Transpose(k)) → Mul(scale) → [soft-cap] → Add(one additive mask) → Softmax →
 * MatMul(·, v). Every mask and bias is summed into one tensor first: a second Add between
 * the scores and the Softmax would hide the scaling step from findAttention.
 */
import type { NodeBuilder } from './nodeBuilder';

/** [B, S, N·H] → [B, N, S, H]. */
export function toHeads(b: NodeBuilder, x: string, heads: number): string {
  const split = b.op('Reshape', [x, b.int64([0, 0, heads, -1])]);
  return b.op('Transpose', [split], { perm: [0, 2, 1, 3] });
}

/** [B, N, S, H] → [B, S, N·H], written as `output`. */
export function fromHeads(b: NodeBuilder, x: string, output?: string): string {
  const bsnh = b.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  return b.op('Reshape', [bsnh, b.int64([0, 0, -1])], {}, output);
}

/** The past in front of the new keys (or values) along the sequence axis of [B, N, T, H]. */
export function withPast(
  b: NodeBuilder,
  fresh: string,
  past: string | undefined,
  present?: string,
): string {
  if (past) return b.op('Concat', [past, fresh], { axis: 2 }, present);
  return present ? b.op('Identity', [fresh], {}, present) : fresh;
}

/** Length of axis `axis` of `x` as an int64 scalar. */
export function axisLength(b: NodeBuilder, x: string, axis: number): string {
  return b.op('Gather', [b.op('Shape', [x]), b.int64([axis], [])]);
}

/** Each of `kvHeads` key/value heads repeated for its group of query heads: [B, N, T, H]. */
export function repeatHeads(b: NodeBuilder, x: string, heads: number, kvHeads: number): string {
  const group = heads / kvHeads;
  if (group === 1) return x;
  const grown = b.op('Expand', [b.unsqueeze(x, [2]), b.int64([1, 1, group, 1, 1])]);
  const shape = b.op('Shape', [x]);
  const target = b.op(
    'Concat',
    [b.slice(shape, 0, 1, 0), b.int64([heads]), b.slice(shape, 2, 4, 0)],
    { axis: 0 },
  );
  return b.op('Reshape', [grown, target]);
}

export interface Scores {
  /** [B, N, S, H] */
  query: string;
  /** [B, N, T, H] */
  key: string;
  /** [B, N, T, Hv] */
  value: string;
  /** The factor on q·kᵀ: a constant or a computed scalar tensor. */
  scale: string;
  /** softcap · tanh(scores / softcap) before the mask, when set. */
  softcap?: string;
  /** Additive terms (masks, biases), broadcastable to [B, N, S, T]; summed in order. */
  additive: readonly string[];
}

/** softmax(mask + cap(scale · q·kᵀ)) · v, [B, N, S, Hv], written as `output` when given. */
export function attend(b: NodeBuilder, s: Scores, output?: string): string {
  const keyT = b.op('Transpose', [s.key], { perm: [0, 1, 3, 2] });
  let scores = b.op('Mul', [b.op('MatMul', [s.query, keyT]), s.scale]);
  if (s.softcap) {
    scores = b.op('Mul', [b.op('Tanh', [b.op('Div', [scores, s.softcap])]), s.softcap]);
  }
  const [first, ...rest] = s.additive;
  if (first) {
    const mask = rest.reduce((sum, term) => b.op('Add', [sum, term]), first);
    scores = b.op('Add', [scores, mask]);
  }
  const probabilities = b.op('Softmax', [scores], { axis: -1 });
  return b.op('MatMul', [probabilities, s.value], {}, output);
}

/** The contrib ops' tail: heads attend with the `scale` attribute (default 1/√head size), merged into `output`. */
export function attendMerged(
  b: NodeBuilder,
  parts: {
    query: string;
    key: string;
    value: string;
    /** The node's `scale` attribute; 0 or absent means 1/√(width / heads). */
    scale: unknown;
    width: number;
    heads: number;
    additive: readonly (string | undefined)[];
    output: string | null | undefined;
  },
): void {
  const scale = Number(parts.scale ?? 0) || 1 / Math.sqrt(parts.width / parts.heads);
  const context = attend(b, {
    query: parts.query,
    key: parts.key,
    value: parts.value,
    scale: b.scalar(scale),
    additive: parts.additive.filter((x): x is string => !!x),
  });
  fromHeads(b, context, parts.output ?? undefined);
}
