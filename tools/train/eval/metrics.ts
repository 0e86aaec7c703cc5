/** The headline figures: held-out loss vs bigram, previous-token, sink and induction scores. */
import * as path from 'node:path';
import { at, type EvalContext } from './context';
import { knBigram, logSoftmaxAt, mulberry32, readU16 } from './data';

/** Held-out loss against the bigram on 512-token windows, with per-head previous-token and sink shares. */
export async function heldOut(c: EvalContext, maxWindows: number) {
  const { vocab: V, layers: LAYERS, heads: HEADS, ctx: CTX, run } = c;
  const test = readU16(path.join(c.data, 'test.bin'));
  const train = readU16(path.join(c.data, 'train.bin'));
  const t0 = Date.now();
  const bigram = knBigram(train, V);
  console.log(`bigram fitted on ${train.length} training tokens in ${(Date.now() - t0) / 1000}s`);
  const chunk = CTX - 1;
  const nWin = Math.min(maxWindows, Math.floor(test.length / chunk));
  let nll = 0;
  let bnll = 0;
  let count = 0;
  const prev = new Float64Array(LAYERS * HEADS);
  const sink = new Float64Array(LAYERS * HEADS);
  let prevCount = 0;
  for (let w = 0; w < nWin; w++) {
    const ids = [0, ...test.subarray(w * chunk, (w + 1) * chunk)];
    const n = ids.length;
    const out = await run(ids);
    for (let i = 0; i + 1 < n; i++) {
      nll -= logSoftmaxAt(out.logits, V, i, ids[i + 1]);
      bnll -= bigram(ids[i], ids[i + 1]);
      count++;
    }
    for (let l = 0; l < LAYERS; l++)
      for (let h = 0; h < HEADS; h++) {
        let s = 0;
        let z = 0;
        for (let i = 1; i < n; i++) {
          s += at(out.attentions[l], n, h, i, i - 1);
          z += at(out.attentions[l], n, h, i, 0);
        }
        prev[l * HEADS + h] += s;
        sink[l * HEADS + h] += z;
      }
    prevCount += n - 1;
    if (w % 100 === 0)
      console.log(
        `window ${w}/${nWin}: loss ${(nll / count).toFixed(4)} bigram ${(bnll / count).toFixed(4)}`,
      );
  }
  return {
    windows: nWin,
    tokens: count,
    loss: nll / count,
    bigram: bnll / count,
    prev: Array.from(prev, (x) => x / prevCount),
    sink: Array.from(sink, (x) => x / prevCount),
  };
}

/** Induction scores on fresh random sequences repeated once: [<|endoftext|>, r, r]. */
export async function induction(c: EvalContext, T: number, nSeq: number, seed: number) {
  const { vocab: V, layers: LAYERS, heads: HEADS, run } = c;
  const rnd = mulberry32(seed);
  const score = new Float64Array(LAYERS * HEADS);
  let nll = 0;
  for (let s = 0; s < nSeq; s++) {
    const r = Array.from({ length: T }, () => 1 + Math.floor(rnd() * (V - 1)));
    const ids = [0, ...r, ...r];
    const n = ids.length;
    const out = await run(ids);
    for (let l = 0; l < LAYERS; l++)
      for (let h = 0; h < HEADS; h++) {
        let acc = 0;
        for (let j = T + 1; j <= 2 * T; j++) acc += at(out.attentions[l], n, h, j, j - T + 1);
        score[l * HEADS + h] += acc / T;
      }
    for (let j = T + 1; j < 2 * T; j++) nll -= logSoftmaxAt(out.logits, V, j, ids[j + 1]);
  }
  return {
    T,
    sequences: nSeq,
    seed,
    scores: Array.from(score, (x) => x / nSeq),
    secondCopyLoss: nll / (nSeq * (T - 1)),
  };
}
