/**
 * The value norms of a held result computed while nobody waits (issue 24, item 5; docs/
 * decisions.md, "Value norms in the background"): one small task at a time, each a layer
 * or a few heads of one, so the first value-weighted row of a head the background reached
 * costs like any later row. The worker runs the tasks at the lowest priority
 * (src/worker/backgroundFill.ts). Only values: head writes re-read each layer's attention
 * (a forward pass's worth of CPU for all layers) and stay on demand.
 */
import type { HeadNorms } from '../attention/headNorms';
import type { HeldLayerValue } from './valueNormsKernel';

/**
 * Multiply-adds one task may do (`keys · dv · D` per head): ~10–20 ms of one WASM thread, so
 * a request that arrives during a task waits that long at most. On a SmolLM2-135M shape a
 * layer is two tasks at 512 tokens (5 and 4 heads of 19 M); at 2,048 tokens one head (75 M).
 */
export const TASK_MULTIPLY_ADDS = 2 ** 27;

/** One piece of background work; resolves when its norms are filled in. */
export type BackgroundTask = () => Promise<void>;

/**
 * The next task: the heads still missing of the layer asked last (a view is looking there),
 * else of the lowest layer not done; undefined once every layer's values are in.
 */
export function nextValueTask(
  norms: HeadNorms,
  layers: readonly HeldLayerValue[],
  askedLast: number | undefined,
  fill: (layer: number, heads: readonly number[]) => Promise<void>,
): BackgroundTask | undefined {
  const order = askedLast === undefined ? layers.keys() : [askedLast, ...layers.keys()].values();
  for (const layer of order) {
    if (norms.has(layer, 'values')) continue;
    const { groups, perGroup, keys, dv, width } = layers[layer];
    const missing = Array.from({ length: groups * perGroup }, (_, h) => h).filter(
      (h) => !norms.has(layer, 'values', [h]),
    );
    const fits = Math.max(1, Math.floor(TASK_MULTIPLY_ADDS / (keys * dv * width)));
    // Tasks of even size: the longest is what a request may wait behind.
    const tasks = Math.ceil(missing.length / fits);
    const heads = missing.slice(0, Math.ceil(missing.length / tasks));
    return () => fill(layer, heads);
  }
  return undefined;
}
