/**
 * Reading an encoder-decoder's outputs: attention over the head count the config states,
 * logits as float32 whatever precision the graph computes in.
 */
import type * as ort from 'onnxruntime-web';
import { asFloat32 } from '../attention/extractAttention';
import { modelError } from '../modelError';

/**
 * Refuses attention outputs over another number of heads than the config states, before
 * they are read as if they had that many (the message names the config field).
 */
export function checkHeads(
  outputs: Record<string, ort.Tensor | undefined>,
  names: string[],
  heads: number,
  from: string,
  where: { label: string; file: string },
): void {
  const dims = outputs[names[0] ?? '']?.dims;
  if (dims?.length === 4 && dims[1] !== heads) {
    throw modelError(
      'badAttentionShape',
      where.label,
      where.file,
      `computes attention over ${dims[1]} heads, but ${from} says ${heads}`,
      'Use the config.json saved with this graph.',
    );
  }
}

/** A pass's logits as float32 (a float16 decoder's come as raw 16-bit values). */
export function logitsOf(
  outputs: Record<string, ort.Tensor | undefined>,
  name: string,
): Float32Array {
  const logits = outputs[name];
  const data = logits && asFloat32(logits);
  if (!data) throw new Error(`the decoder gave no float "${name}" output`);
  return data;
}
