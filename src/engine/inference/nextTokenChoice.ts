/**
 * How a decoder's next token is chosen from the last position's logits: greedy (the best id,
 * `greedyNext`), or sampled with a temperature and nucleus (top-p) from the seeded generator,
 * as transformers' `generate(do_sample=True, temperature, top_p)` does: logits divided by the
 * temperature, softmax, the most probable ids kept until their mass reaches `topP`, one draw.
 */
import { type GreedySource, greedyNext } from './greedyNext';
import { seededRandom } from './seededRandom';

/** Picks the next id from `[vocab]` logits. */
export type NextTokenChoice = (logits: Float32Array) => number;

export interface SamplingSettings {
  temperature: number;
  topP: number;
  seed: number;
}

const NONE_BANNED: ReadonlySet<number> = new Set();

/** Greedy choice; a NaN logit is an error naming the graph (greedyNext.ts). */
export function greedyChoice(source: GreedySource): NextTokenChoice {
  return (logits) => greedyNext(logits, NONE_BANNED, source);
}

/**
 * Sampling from `settings.seed`: the same seed, logits and settings give the same ids. Ties
 * in probability are ordered by id, so the kept set never depends on a sort's stability.
 */
export function samplingChoice(settings: SamplingSettings, source: GreedySource): NextTokenChoice {
  const random = seededRandom(settings.seed);
  return (logits) => {
    // NaN logits are refused exactly as greedy decoding refuses them.
    const best = greedyNext(logits, NONE_BANNED, source);
    const weights = new Float64Array(logits.length);
    const top = logits[best]!;
    let total = 0;
    for (let id = 0; id < logits.length; id++) {
      const weight = Math.exp((logits[id]! - top) / settings.temperature);
      weights[id] = weight;
      total += weight;
    }
    const order = nucleus(weights, total, settings.topP);
    let kept = 0;
    for (const id of order) kept += weights[id]!;
    let draw = random() * kept;
    for (const id of order) {
      draw -= weights[id]!;
      if (draw < 0) return id;
    }
    return order[order.length - 1]!;
  };
}

/** The ids, most probable first, whose probability mass first reaches `topP`. */
function nucleus(weights: Float64Array, total: number, topP: number): number[] {
  if (topP >= 1) return Array.from(weights.keys()).filter((id) => weights[id]! > 0);
  const order = Array.from(weights.keys()).sort((a, b) => weights[b]! - weights[a]! || a - b);
  const kept: number[] = [];
  let mass = 0;
  for (const id of order) {
    kept.push(id);
    mass += weights[id]! / total;
    if (mass >= topP) break;
  }
  return kept;
}
