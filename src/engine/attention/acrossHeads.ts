/**
 * The mean or maximum over a layer's heads, weight by weight, computed in the engine at the
 * resolution a view asks for (issue 22): the matrix view's "mean" and "max" of a long result
 * come as tiles, block pictures and rows, like one head's, instead of whole layers. Heads are
 * read one at a time, so only two `[rows, cols]` arrays exist at once.
 */

/** How the heads of a slice are combined into one. */
export type AcrossHeads = 'mean' | 'max';

/** `across` when it names a combination; throws the reason when it does not. */
export function checkAcrossHeads(across: unknown): AcrossHeads {
  if (across === 'mean' || across === 'max') return across;
  throw new Error(`no combination of heads "${String(across)}" (mean or max)`);
}

/**
 * `[1, rows, cols]`: the heads `heads` (each read `[1, rows, cols]` through `readHead`)
 * combined. Summed in float32 in head order and divided once, as the webview combines a
 * whole layer (src/shared/headAggregates.ts), so short and long results agree.
 */
export async function combineHeads(
  readHead: (head: number) => Promise<Float32Array>,
  heads: readonly number[],
  size: number,
  across: AcrossHeads,
): Promise<Float32Array> {
  const out = new Float32Array(size);
  for (const head of heads) {
    const weights = await readHead(head);
    if (across === 'max') {
      for (let k = 0; k < size; k++) if (weights[k] > out[k]) out[k] = weights[k];
    } else {
      for (let k = 0; k < size; k++) out[k] += weights[k];
    }
  }
  if (across === 'mean' && heads.length > 0) {
    for (let k = 0; k < size; k++) out[k] /= heads.length;
  }
  return out;
}
