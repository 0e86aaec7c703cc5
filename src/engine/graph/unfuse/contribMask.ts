/**
 * The additive mask of ONNX Runtime's contrib attention kernels (Attention and
 * MultiHeadAttention share it, AttentionCPUBase::PrepareMask): mask_filter_value where a
 * key is masked, 0 where it is attended, plus mask_filter_value again above the causal
 * diagonal when unidirectional (query i sees keys up to past + i). Formats by rank:
 *   1-D [B]        key lengths: keys at or after the length are masked (right padding)
 *   1-D [2B]       end positions then start positions (Attention only): also keys before start
 *   2-D [B, T]     raw mask: a key whose value is not > 0 is masked
 *   3-D [B, S, T]  raw mask per query
 * The 4-D Megatron mask is not run by the CPU kernel and is refused by the callers.
 */
import { axisLength } from './attentionCore';
import { INT64_TYPE, type NodeBuilder } from './nodeBuilder';

export type MaskFormat = 'keyLengths' | 'endStart' | 'raw2d' | 'raw3d';

export interface ContribMask {
  /** The mask input as the node reads it (int32), with its format; absent when none. */
  mask?: { tensor: string; format: MaskFormat };
  unidirectional: boolean;
  filter: number;
  /** All keys, past included: [B, N, T, H]. */
  keys: string;
  /** The queries, [B, N, S, H]. */
  queries: string;
  /** Length of the past in front of the new keys: an int64 scalar tensor, or undefined for none. */
  pastLength?: string;
}

/** The additive mask broadcastable to [B, N, S, T], or undefined when nothing is masked. */
export function contribMask(b: NodeBuilder, m: ContribMask): string | undefined {
  if (!m.mask && !m.unidirectional) return undefined;
  const total = axisLength(b, m.keys, 2);
  const zero = b.scalar(0);
  const filter = b.scalar(m.filter);
  let padding: string | undefined;
  if (m.mask) {
    const keep = keepKeys(b, m.mask.tensor, m.mask.format, total);
    const additive = b.op('Where', [keep, zero, filter]);
    padding =
      m.mask.format === 'raw3d' ? b.unsqueeze(additive, [1]) : b.unsqueeze(additive, [1, 2]);
  }
  if (!m.unidirectional) return padding;
  const queries = axisLength(b, m.queries, 2);
  const rows = b.unsqueeze(b.op('Range', [b.int64([0], []), queries, b.int64([1], [])]), [1]);
  const columns = b.op('Range', [b.int64([0], []), total, b.int64([1], [])]);
  const last = m.pastLength ? b.op('Add', [rows, m.pastLength]) : rows;
  const causal = b.op('Where', [b.op('Greater', [columns, last]), filter, zero]);
  return padding ? b.op('Add', [padding, causal]) : causal;
}

/** Which keys a mask keeps: bool [B, T] (or [B, S, T] for a 3-D mask). */
function keepKeys(b: NodeBuilder, int32Mask: string, format: MaskFormat, total: string): string {
  const mask = b.cast(int32Mask, INT64_TYPE);
  if (format === 'raw2d' || format === 'raw3d') return b.op('Greater', [mask, b.int64([0], [])]);
  const positions = b.unsqueeze(b.op('Range', [b.int64([0], []), total, b.int64([1], [])]), [0]);
  if (format === 'keyLengths') return b.op('Less', [positions, b.unsqueeze(mask, [1])]);
  // [2B]: the first B are end positions, the last B start positions
  const halves = b.op('Reshape', [mask, b.int64([2, -1])]);
  const end = b.unsqueeze(b.op('Gather', [halves, b.int64([0], [])]), [1]);
  const start = b.unsqueeze(b.op('Gather', [halves, b.int64([1], [])]), [1]);
  const beforeEnd = b.op('Less', [positions, end]);
  return b.op('And', [beforeEnd, b.op('Not', [b.op('Less', [positions, start])])]);
}
