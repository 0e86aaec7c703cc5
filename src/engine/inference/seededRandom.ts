/**
 * The one seeded random number generator (generation's sampling): mulberry32, 32 bits of
 * state. Written out rather than taken from `Math.random`, which cannot be seeded, so that a
 * seed shown in the panel or given to the CLI repeats a sampled continuation exactly, in any
 * process and on any machine (only integer arithmetic decides each draw).
 */

/** Seeds are whole numbers in [0, 2³²). */
export const MAX_SEED = 0xffffffff;

/** A generator of uniform numbers in [0, 1) from `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh seed when the user gave none (shown with the result so the run can be repeated). */
export function newSeed(): number {
  return Math.floor(Math.random() * (MAX_SEED + 1));
}
