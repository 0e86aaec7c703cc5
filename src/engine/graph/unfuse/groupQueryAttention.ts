/**
 * `com.microsoft.GroupQueryAttention` (what ONNX Runtime's model builder writes for every
 * LLM layer) opened up into standard ops that compute what its CPU kernel computes:
 * q, k, v split into heads (from one packed input when key and value are empty), rotary
 * from cos_cache/sin_cache at positions derived from seqlens_k / total_sequence_length,
 * past keys and values concatenated in front (present = that concatenation), each key/value
 * head repeated for its group of query heads, scores = q·kᵀ · scale, soft-capped by
 * softcap · tanh(scores / softcap), masked causally and to the last local_window_size keys,
 * Softmax, then · v. The output names stay those of the fused node.
 */
import { inconsistent, readAttributes, requireNeutral, unsupported } from './fusedAttributes';
import { FLOAT_TYPE, NodeBuilder } from './nodeBuilder';
import { headSizeOf } from './projectionWidth';
import { applyRotary, queryPositions, rotaryTables } from './rotary';
import type { Unfuser } from './unfuser';
import { GraphIndex } from '../graphIndex';

const ATTRIBUTES = {
  num_heads: 'int',
  kv_num_heads: 'int',
  scale: 'float',
  softcap: 'float',
  local_window_size: 'int',
  do_rotary: 'int',
  rotary_interleaved: 'int',
  smooth_softmax: 'int',
  qk_output: 'int',
  k_quant_type: 'string',
  v_quant_type: 'string',
  kv_cache_bit_width: 'int',
} as const;

/** Below every float32 score: a masked key gets probability exactly 0. */
const MASKED = -3.4028234663852886e38;

export const unfuseGroupQueryAttention: Unfuser = (node, context) => {
  const a = readAttributes(node, ATTRIBUTES, context);
  requireNeutral(node, a, 'k_quant_type', ['NONE', ''], context, 'a quantized key cache');
  requireNeutral(node, a, 'v_quant_type', ['NONE', ''], context, 'a quantized value cache');
  requireNeutral(node, a, 'kv_cache_bit_width', [0], context, 'a quantized key/value cache');
  requireNeutral(node, a, 'smooth_softmax', [0, -1], context, 'a softmax with an extra zero logit');
  requireNeutral(node, a, 'qk_output', [0], context, 'the scores as an output');
  const heads = Number(a.get('num_heads') ?? 0);
  const kvHeads = Number(a.get('kv_num_heads') ?? 0);
  if (heads <= 0 || kvHeads <= 0 || heads % kvHeads !== 0) {
    throw inconsistent(
      node,
      context,
      `has num_heads ${heads} and kv_num_heads ${kvHeads} (query heads must be a whole multiple of key/value heads)`,
    );
  }
  const [query, key, value, pastKey, pastValue, seqlensK, totalLength, cosCache, sinCache] =
    node.input ?? [];
  const [positionIds, attentionBias, headSink] = (node.input ?? []).slice(9);
  if (attentionBias) throw unsupported(node, context, 'has an attention_bias input');
  if (headSink) throw unsupported(node, context, 'has a head_sink input');
  if ((node.output ?? [])[3]) throw unsupported(node, context, 'has an output_qk output');
  if (!query || !seqlensK || !totalLength) {
    throw unsupported(node, context, 'lacks query, seqlens_k or total_sequence_length');
  }
  const packed = !key;
  const index = new GraphIndex(context.graph);
  const headSize = headSizeOf(index, node, { query, key, heads, kvHeads, packed }, context);
  const b = new NodeBuilder(context, node.name || node.output?.[0] || 'GroupQueryAttention');

  const [q, k, v] = splitHeads(b, { query, key, value, packed, heads, kvHeads, headSize });
  const { positions, totals } = queryPositions(b, query, seqlensK, totalLength);
  let [qr, kr] = [q, k];
  if (Number(a.get('do_rotary') ?? 0) !== 0) {
    const cacheDims = index.constantDims(cosCache ?? '');
    const rotaryDim = cacheDims?.length === 2 ? 2 * cacheDims[1] : headSize;
    if (!cosCache || !sinCache || rotaryDim > headSize) {
      throw unsupported(node, context, `has do_rotary with cos_cache of rotary size ${rotaryDim}`);
    }
    const at = positionIds || positions;
    const interleaved = Number(a.get('rotary_interleaved') ?? 0) !== 0;
    const tables = rotaryTables(b, cosCache, sinCache, at, rotaryDim, interleaved);
    qr = applyRotary(b, q, tables, headSize);
    kr = applyRotary(b, k, tables, headSize);
  }
  const bnsh = (x: string) => b.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  const [presentKey, presentValue] = (node.output ?? []).slice(1);
  const keys = withPast(b, bnsh(kr), pastKey, query, presentKey);
  const values = withPast(b, bnsh(v), pastValue, query, presentValue);
  const repeat = (x: string) => repeatHeads(b, x, heads, kvHeads, headSize);

  const raw = b.op('MatMul', [bnsh(qr), b.op('Transpose', [repeat(keys)], { perm: [0, 1, 3, 2] })]);
  const scaleAttribute = Number(a.get('scale') ?? 0);
  let scores = b.op('Mul', [raw, b.scalar(scaleAttribute || 1 / Math.sqrt(headSize))]);
  const softcap = Number(a.get('softcap') ?? 0);
  if (softcap > 0) {
    const cap = b.scalar(softcap);
    scores = b.op('Mul', [b.op('Tanh', [b.op('Div', [scores, cap])]), cap]);
  }
  const window = Number(a.get('local_window_size') ?? -1);
  const allowed = keyMask(b, keys, positions, totals, window);
  const masked = b.op('Where', [allowed, scores, b.scalar(MASKED)]);
  const probabilities = b.op('Softmax', [masked], { axis: -1 });
  const context4 = b.op('MatMul', [probabilities, repeat(values)]);
  const merged = b.op('Reshape', [bnsh(context4), b.int64([0, 0, heads * headSize])]);
  b.castLike(merged, query, FLOAT_TYPE, node.output?.[0]);
  return b.nodes;
};

interface Split {
  query: string;
  key?: string;
  value?: string;
  packed: boolean;
  heads: number;
  kvHeads: number;
  headSize: number;
}

/** q [B, S, N, H], k and v [B, S, kvN, H], in float32. */
function splitHeads(b: NodeBuilder, s: Split): [string, string, string] {
  const { heads, kvHeads, headSize: h } = s;
  const query = b.cast(s.query, FLOAT_TYPE);
  const [q, k, v] = s.packed
    ? [
        b.slice(query, 0, heads * h, 2),
        b.slice(query, heads * h, (heads + kvHeads) * h, 2),
        b.slice(query, (heads + kvHeads) * h, (heads + 2 * kvHeads) * h, 2),
      ]
    : [query, b.cast(s.key ?? '', FLOAT_TYPE), b.cast(s.value ?? '', FLOAT_TYPE)];
  const split = (x: string, n: number) => b.op('Reshape', [x, b.int64([0, 0, n, h])]);
  return [split(q, heads), split(k, kvHeads), split(v, kvHeads)];
}

/** The past in front of the new keys (or values), [B, kvN, T, H]; written out as `present`. */
function withPast(
  b: NodeBuilder,
  fresh: string,
  past: string | undefined,
  like: string,
  present: string | undefined,
): string {
  const all = past ? b.op('Concat', [b.cast(past, FLOAT_TYPE), fresh], { axis: 2 }) : fresh;
  if (present) b.castLike(all, like, FLOAT_TYPE, present);
  return all;
}

/** Each key/value head repeated for the `heads / kvHeads` query heads of its group. */
function repeatHeads(
  b: NodeBuilder,
  x: string,
  heads: number,
  kvHeads: number,
  headSize: number,
): string {
  const group = heads / kvHeads;
  if (group === 1) return x;
  const grown = b.op('Expand', [b.unsqueeze(x, [2]), b.int64([1, 1, group, 1, 1])]);
  return b.op('Reshape', [grown, b.int64([0, heads, -1, headSize])]);
}

/**
 * Which keys each query may see, [B, 1, S, T]: key j ≤ the query's position, j below the
 * batch row's total length, and with a local window W, j > position − W (W keys, the
 * query's own included, as ONNX Runtime's kernel and Hugging Face's sliding_window count).
 */
function keyMask(
  b: NodeBuilder,
  keys: string,
  positions: string,
  totals: string,
  window: number,
): string {
  const length = b.op('Gather', [b.op('Shape', [keys]), b.int64([2], [])]);
  const keyIndex = b.op('Range', [b.int64([0], []), length, b.int64([1], [])]);
  const position = b.unsqueeze(positions, [1, 3]);
  let allowed = b.op('Not', [b.op('Greater', [keyIndex, position])]);
  const total = b.unsqueeze(totals, [1, 2, 3]);
  allowed = b.op('And', [allowed, b.op('Less', [keyIndex, total])]);
  if (window > 0) {
    const start = b.op('Sub', [position, b.int64([window - 1])]);
    allowed = b.op('And', [allowed, b.op('Not', [b.op('Less', [keyIndex, start])])]);
  }
  return allowed;
}
