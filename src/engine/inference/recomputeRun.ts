/**
 * One run's recompute tensors (graph/exposeRecompute.ts) read into the layers a
 * `RecomputedAttention` computes from, and checked: the recomputation of the last rows
 * must equal the graph's own probabilities, or the model's attention has a term we do not
 * model (a relative-position bias, ALiBi…) and the caller falls back to full outputs.
 */
import { asFloat32, type OutputTensor } from '../attention/extractAttention';
import type { RecomputeOutputs } from '../graph/exposeRecompute';
import { ModelError } from '../modelError';
import type { AttentionFeatures, AttentionStack } from '../types';
import { windowsOf } from '../attention/appliedWindows';
import { type LayerRecompute, RecomputedAttention } from './recomputedAttention';

/** Largest difference from the graph's own probabilities accepted, float32 attention. */
export const RECOMPUTE_TOLERANCE = 1e-4;
/** The same for attention computed in half precision (the graph's is rounded to it). */
export const RECOMPUTE_TOLERANCE_HALF = 4e-3;

/** The recomputation differs from the graph's own attention: it cannot be trusted here. */
export class RecomputeMismatch extends Error {
  constructor(readonly where: { difference: number; layer: number; head: number; row: number }) {
    super(
      `recomputed attention differs from the graph's by ${where.difference} (layer ${where.layer}, head ${where.head}, row ${where.row})`,
    );
  }
}

/** The checked source of one run; throws `RecomputeMismatch` when the check fails. */
export async function recomputedSource(
  outputs: Record<string, OutputTensor>,
  layers: readonly RecomputeOutputs[],
  stack: AttentionStack,
  features: AttentionFeatures,
  /** The manifest's names of each layer's attention, when it lists them (named in errors). */
  layerNames: readonly string[] = [],
): Promise<RecomputedAttention> {
  const read = (name: string): Float32Array => {
    const tensor = outputs[name];
    const data = tensor ? asFloat32(tensor) : undefined;
    if (!data) throw new Error(`the recompute tensor ${name} is missing or not float`);
    return data;
  };
  const half = layers.some((l) => l.query.endsWith('_float32'));
  const windowOf = (layer: number) =>
    features.slidingWindow?.layers.includes(layer) ? features.slidingWindow.size : undefined;
  const read1 = (name: string) => read(name)[0];
  const base = layers.map((l, layer): LayerRecompute => {
    const q = read(l.query);
    const qDims = outputs[l.query].dims;
    const d = qDims[qDims.length - 1] ?? 1;
    const keyTransposed = read(l.keyTransposed);
    const kvHeads = keyTransposed.length / (d * stack.cols);
    if (q.length !== stack.heads * stack.rows * d || stack.heads % kvHeads !== 0) {
      // Worded as extractAttention words it, so a folder's heads fact is named the same way.
      throw new ModelError(
        'badAttentionShape',
        'model.onnx',
        `model.onnx: ${layerNames[layer] ? `${layerNames[layer]} (layer ${layer}'s attention)` : `layer ${layer}'s attention`} has a query of shape [${qDims.join(', ')}], not ${stack.heads} heads of ${stack.rows} tokens. Check "heads" and "outputs.attentions" in manifest.json.`,
      );
    }
    const scoresFactor = l.scales
      .filter((s) => s.at === 'scores')
      .reduce(
        (product, s) => product * (s.op === 'Mul' ? read1(s.operand) : 1 / read1(s.operand)),
        1,
      );
    return {
      q,
      keyTransposed,
      d,
      kvHeads,
      factor: scoresFactor,
      ...(l.softcap ? { softcap: read1(l.softcap) } : {}),
    };
  });
  const checked = layers.map((l) => read(l.checkedRows));
  const tolerance = half ? RECOMPUTE_TOLERANCE_HALF : RECOMPUTE_TOLERANCE;
  // config.json may name a window the exported graph does not apply: the check decides.
  const windows = features.slidingWindow ? [true, false] : [false];
  let worst: RecomputeMismatch['where'] | undefined;
  for (const windowed of windows) {
    const windows = windowed ? windowsOf(features, stack.layers) : undefined;
    const source = new RecomputedAttention(
      windows ? { ...stack, windows } : stack,
      base.map((layer, l) => {
        const window = windowed ? windowOf(l) : undefined;
        return window === undefined ? layer : { ...layer, window };
      }),
    );
    const found = await source.worstDifference(checked);
    if (found.difference <= tolerance) return source;
    worst ??= found;
  }
  throw new RecomputeMismatch(worst as RecomputeMismatch['where']);
}
