/**
 * The attention tricks a model uses, in sentences for people (the summary view; the CLI's
 * notes could use them too): a sliding window hides all but the last keys, a soft-cap
 * bounds the scores. See `AttentionFeatures` in src/engine/types.ts.
 */
import type { AttentionFeatures } from '../engine/types';

export function describeAttentionFeatures(
  features: AttentionFeatures | undefined,
  layers: number,
): string[] {
  const sentences: string[] = [];
  const window = features?.slidingWindow;
  if (window) {
    const where =
      window.layers.length === layers
        ? 'in every layer'
        : `in layer${window.layers.length === 1 ? '' : 's'} ${layerList(window.layers)}`;
    sentences.push(
      `Sliding window: ${where} a token sees only the last ${window.size} tokens (itself included); keys further back are masked like later tokens (from ${window.from}).`,
    );
  }
  const cap = features?.softcap;
  if (cap) {
    sentences.push(
      `Soft-capped scores: before the softmax every scaled score s becomes ${cap.value} · tanh(s / ${cap.value}), so no score exceeds ±${cap.value} (from ${cap.from}).`,
    );
  }
  return sentences;
}

/** `0–3, 5, 7`: consecutive layers as ranges. */
function layerList(layers: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    let j = i;
    while (j + 1 < layers.length && layers[j + 1] === layers[j] + 1) j++;
    parts.push(
      j > i + 1
        ? `${layers[i]}–${layers[j]}`
        : j === i + 1
          ? `${layers[i]}, ${layers[j]}`
          : `${layers[i]}`,
    );
    i = j;
  }
  return parts.join(', ');
}
