/** The evaluation's data: token streams, the bigram baseline, log-probabilities, a seeded random source. */
import * as fs from 'node:fs';

export function readU16(file: string): Uint16Array {
  const b = fs.readFileSync(file);
  return new Uint16Array(b.buffer, b.byteOffset, b.byteLength / 2);
}

/** Interpolated Kneser-Ney bigram (D = 0.75), same as tools/train/train.py. */
export function knBigram(train: Uint16Array, V: number) {
  const counts = new Map<number, number>();
  const cV = new Float64Array(V);
  for (let i = 0; i + 1 < train.length; i++) {
    const k = train[i] * V + train[i + 1];
    counts.set(k, (counts.get(k) ?? 0) + 1);
    cV[train[i]]++;
  }
  const n1V = new Float64Array(V);
  const n1W = new Float64Array(V);
  for (const k of counts.keys()) {
    n1V[Math.floor(k / V)]++;
    n1W[k % V]++;
  }
  let n1All = 0;
  for (let w = 0; w < V; w++) n1All += n1W[w];
  const D = 0.75;
  return (prev: number, next: number): number => {
    const pc = (n1W[next] + 1) / (n1All + V);
    const cv = cV[prev];
    if (cv === 0) return Math.log(pc);
    const c = counts.get(prev * V + next) ?? 0;
    return Math.log(Math.max(c - D, 0) / cv + ((D * n1V[prev]) / cv) * pc);
  };
}

export function logSoftmaxAt(logits: Float32Array, V: number, row: number, target: number): number {
  const o = row * V;
  let m = -Infinity;
  for (let j = 0; j < V; j++) if (logits[o + j] > m) m = logits[o + j];
  let s = 0;
  for (let j = 0; j < V; j++) s += Math.exp(logits[o + j] - m);
  return logits[o + target] - m - Math.log(s);
}

export function mulberry32(seed: number) {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}
