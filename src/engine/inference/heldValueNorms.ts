/**
 * Value norms and head writes from what the inspection's run held (issue 24, item 5): each
 * layer's value and residual norm (graph/exposeHeldValues.ts) and the model's W_O, computed
 * a layer and a part at a time as views ask (valueNormsKernel.ts), so the first value-weighted
 * row costs one small MatMul, not a second session and forward pass (docs/decisions.md,
 * "Value norms from held values"). The logit lens still comes from the second session.
 */
import { asFloat32, type OutputTensor } from '../attention/extractAttention';
import { HeadNorms, type NormPart } from '../attention/headNorms';
import type { MovesOnDemand } from '../attention/movesOnDemand';
import type { HeldValuesPlan } from '../graph/exposeHeldValues';
import { layerStage, enterStage } from '../stage';
import type { AttentionStack } from '../types';
import type { RecomputedAttention } from './recomputedAttention';
import { type HeldLayerValue, headWritesOf, valueNormsOf } from './valueNormsKernel';
import { nextValueTask } from './backgroundValueNorms';

/** Intermediate floats a kernel call may make (`[heads, block, max(keys, D)]`): 32 MB. */
const BLOCK_FLOATS = 8 * 2 ** 20;

/** One run's held values, or why they cannot be read (the second session then answers). */
export function readHeldValues(
  outputs: Record<string, OutputTensor>,
  plan: HeldValuesPlan,
  stack: AttentionStack,
): { layers: HeldLayerValue[]; residuals: (Float32Array | undefined)[]; bytes: number } | string {
  const layers: HeldLayerValue[] = [];
  const residuals: (Float32Array | undefined)[] = [];
  const { heads, cols: keys, rows } = stack;
  let bytes = 0;
  for (const [l, names] of plan.layers.entries()) {
    const tensor = outputs[names.value];
    const value = tensor ? asFloat32(tensor) : undefined;
    const dv = Number(tensor?.dims[tensor.dims.length - 1] ?? 0);
    const projection = plan.projections[l];
    const groups = dv > 0 ? (value?.length ?? 0) / (keys * dv) : 0;
    const width = (projection.rows * projection.cols) / (heads * dv);
    if (!value || !Number.isInteger(groups) || groups < 1 || heads % groups !== 0) {
      return `layer ${l}'s value does not have ${heads} heads (or groups of them) of ${keys} tokens`;
    }
    if (!Number.isInteger(width)) {
      return `layer ${l}'s output projection does not have ${heads} heads of ${dv} rows`;
    }
    const residualTensor = names.residual ? outputs[names.residual] : undefined;
    const residual = residualTensor ? asFloat32(residualTensor) : undefined;
    if (residual && residual.length !== rows) return `layer ${l}'s residual norms are not ${rows}`;
    layers.push({ value, projection, groups, perGroup: heads / groups, keys, dv, width });
    residuals.push(residual);
    bytes += value.byteLength + (residual?.byteLength ?? 0);
  }
  return { layers, residuals, bytes };
}

/**
 * What `source` carries instead of a second session's norms: `layer` fills one layer's values
 * (or values and writes) into one `HeadNorms`, `norms` fills them all; `lens` is `fallback`'s.
 */
export function heldValueMoves(
  source: RecomputedAttention,
  held: { layers: HeldLayerValue[]; residuals: (Float32Array | undefined)[] },
  fallback: Pick<MovesOnDemand, 'lens'>,
): MovesOnDemand {
  const norms = HeadNorms.filling(source.stack);
  const pending = new Map<string, Promise<void>>();
  const once = (key: string, work: () => Promise<void>) => {
    let running = pending.get(key);
    if (!running) {
      running = work();
      pending.set(key, running);
      running.catch(() => pending.delete(key));
    }
    return running;
  };
  const values = (layer: number) =>
    once(`${layer}/values`, async () => {
      if (norms.has(layer, 'values')) return;
      norms.fill(layer, { values: await layerValues(held.layers[layer], source.stack.heads) });
    });
  const writes = (layer: number) =>
    once(`${layer}/writes`, async () => {
      await values(layer);
      const residual = held.residuals[layer];
      const found = await layerWrites(source, layer, held.layers[layer]);
      norms.fill(layer, { writes: found, ...(residual ? { residual } : {}) });
    });
  // The first value-weighted row of a head needs that head's values only (1/H of the layer's).
  const someValues = (layer: number, heads: readonly number[]) => {
    const missing = heads.filter((h) => !norms.has(layer, 'values', [h]));
    if (missing.length === 0) return Promise.resolve();
    if (missing.length === source.stack.heads) return values(layer);
    return once(`${layer}/values/${missing.join()}`, async () => {
      const found = await layerValues(held.layers[layer], missing.length, missing);
      norms.fillHeads(layer, missing, found);
    });
  };
  let askedLast: number | undefined;
  const fill = async (layer: number, part: NormPart, heads?: readonly number[]) => {
    askedLast = layer;
    if (part === 'writes') await writes(layer);
    else await (heads ? someValues(layer, heads) : values(layer));
    return norms;
  };
  return {
    layer: fill,
    norms: async () => {
      const { layers, rows } = source.stack;
      for (let layer = 0; layer < layers; layer++) {
        enterStage(layerStage('computing the value norms and head writes', layer, layers, rows));
        await writes(layer);
      }
      return norms;
    },
    lens: () => fallback.lens(),
    // Fills the HeadNorms without handing them to the source: overviews add writes only
    // once a view asked for norms (movesOnDemand.ts, writesOnceAsked).
    background: () => nextValueTask(norms, held.layers, askedLast, someValues),
  };
}

/** `[heads, keys]` value norms of one layer (of `some` heads only), in blocks of keys. */
async function layerValues(
  layer: HeldLayerValue,
  heads: number,
  some?: readonly number[],
): Promise<Float32Array> {
  const { keys, width } = layer;
  const block = Math.max(1, Math.floor(BLOCK_FLOATS / (heads * width)));
  if (block >= keys) return valueNormsOf(layer, 0, keys, some);
  const out = new Float32Array(heads * keys);
  for (let start = 0; start < keys; start += block) {
    const end = Math.min(keys, start + block);
    const part = await valueNormsOf(layer, start, end, some);
    for (let h = 0; h < heads; h++) {
      out.set(part.subarray(h * (end - start), (h + 1) * (end - start)), h * keys + start);
    }
  }
  return out;
}

/** `[heads, rows]` head writes of one layer: the held attention, blocks of rows at a time. */
async function layerWrites(
  source: RecomputedAttention,
  layerIndex: number,
  layer: HeldLayerValue,
): Promise<Float32Array> {
  const { heads, rows, cols } = source.stack;
  const allHeads = Array.from({ length: heads }, (_, h) => h);
  const block = Math.max(1, Math.floor(BLOCK_FLOATS / (heads * Math.max(cols, layer.width))));
  const out = new Float32Array(heads * rows);
  for (let start = 0; start < rows; start += block) {
    const end = Math.min(rows, start + block);
    const some = Array.from({ length: end - start }, (_, i) => start + i);
    const weights = await source.slice(layerIndex, allHeads, some);
    const part = await headWritesOf(layer, weights, some.length);
    for (let h = 0; h < heads; h++) {
      out.set(part.subarray(h * some.length, (h + 1) * some.length), h * rows + start);
    }
  }
  return out;
}

/** The graph outputs a run fetches to hold the values (none without a plan). */
export function heldValueFetches(plan: HeldValuesPlan | string | undefined): string[] {
  if (typeof plan !== 'object') return [];
  return plan.layers.flatMap((l) => [l.value, ...(l.residual ? [l.residual] : [])]);
}

/**
 * Gives `source` norms from its run's held values in place of the second session's (kept
 * for the lens, and for the norms where the values cannot be read: `source.moves` as it was).
 */
export function holdValues(
  source: RecomputedAttention,
  outputs: Record<string, OutputTensor>,
  plan: HeldValuesPlan | string | undefined,
): void {
  const fallback = source.moves;
  if (typeof plan !== 'object' || !fallback) return;
  const held = readHeldValues(outputs, plan, source.stack);
  if (typeof held === 'string') return;
  source.holdAlso(held.bytes);
  source.moves = heldValueMoves(source, held, fallback);
}
