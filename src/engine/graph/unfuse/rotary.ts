/**
 * Rotary position embedding written in standard ops, as ONNX Runtime's contrib kernels
 * apply it (`GroupQueryAttention` with do_rotary, `RotaryEmbedding`): the cos/sin caches
 * [max_positions, rotary_dim / 2] gathered at each token's position, applied to the first
 * rotary_dim channels of every head, in halves (GPT-NeoX, Llama) or interleaved pairs (GPT-J).
 */
import { FLOAT_TYPE, INT64_TYPE, type NodeBuilder } from './nodeBuilder';

export interface RotaryTables {
  /** cos and sin at each token's position, [batch, seq, 1, rotary_dim / 2] (float32). */
  cos: string;
  sin: string;
  rotaryDim: number;
  interleaved: boolean;
}

/** Gathers the caches at `positions` ([batch, seq] int64). */
export function rotaryTables(
  b: NodeBuilder,
  cosCache: string,
  sinCache: string,
  positions: string,
  rotaryDim: number,
  interleaved: boolean,
): RotaryTables {
  const at = (cache: string) =>
    b.unsqueeze(b.op('Gather', [b.cast(cache, FLOAT_TYPE), positions]), [2]);
  return { cos: at(cosCache), sin: at(sinCache), rotaryDim, interleaved };
}

/** Rotates `x` [batch, seq, heads, head_size] (float32); channels past rotary_dim pass. */
export function applyRotary(
  b: NodeBuilder,
  x: string,
  tables: RotaryTables,
  headSize: number,
): string {
  const { rotaryDim } = tables;
  if (rotaryDim === headSize) return rotate(b, x, tables);
  const rotated = rotate(b, b.slice(x, 0, rotaryDim, 3), tables);
  return b.op('Concat', [rotated, b.slice(x, rotaryDim, headSize, 3)], { axis: 3 });
}

function rotate(b: NodeBuilder, x: string, t: RotaryTables): string {
  const half = t.rotaryDim / 2;
  const mul = (p: string, q: string) => b.op('Mul', [p, q]);
  if (!t.interleaved) {
    const x1 = b.slice(x, 0, half, 3);
    const x2 = b.slice(x, half, t.rotaryDim, 3);
    const first = b.op('Sub', [mul(x1, t.cos), mul(x2, t.sin)]);
    const second = b.op('Add', [mul(x2, t.cos), mul(x1, t.sin)]);
    return b.op('Concat', [first, second], { axis: 3 });
  }
  // Pairs (x[2i], x[2i+1]) rotate by angle i: split the pairs on a new last axis.
  const pairs = b.op('Reshape', [x, b.int64([0, 0, 0, half, 2])]);
  const even = b.slice(pairs, 0, 1, 4);
  const odd = b.slice(pairs, 1, 2, 4);
  const cos = b.unsqueeze(t.cos, [4]);
  const sin = b.unsqueeze(t.sin, [4]);
  const first = b.op('Sub', [mul(even, cos), mul(odd, sin)]);
  const second = b.op('Add', [mul(odd, cos), mul(even, sin)]);
  const joined = b.op('Concat', [first, second], { axis: 4 });
  return b.op('Reshape', [joined, b.int64([0, 0, 0, t.rotaryDim])]);
}

/**
 * Each query token's position, [batch, seq] int64, as ONNX Runtime's GroupQueryAttention
 * derives it: 0…S−1 on the first prompt (total_sequence_length = S), otherwise counted
 * on from the past: seqlens_k + 1 − S + s.
 */
export function queryPositions(
  b: NodeBuilder,
  query: string,
  seqlensK: string,
  totalSequenceLength: string,
): { positions: string; sequence: string; totals: string } {
  const sequence = b.op('Gather', [b.op('Shape', [query]), b.int64([1], [])]);
  const steps = b.op('Range', [b.int64([0], []), sequence, b.int64([1], [])]);
  const totals = b.op('Add', [b.cast(seqlensK, INT64_TYPE), b.int64([1])]);
  const past = b.unsqueeze(b.op('Sub', [totals, sequence]), [1]);
  const continued = b.op('Add', [past, steps]);
  const total = b.op('Reshape', [b.cast(totalSequenceLength, INT64_TYPE), b.int64([], [0])]);
  const first = b.op('Equal', [total, sequence]);
  const positions = b.op('Where', [first, steps, continued]);
  return { positions, sequence, totals };
}
