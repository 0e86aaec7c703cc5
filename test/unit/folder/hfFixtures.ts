/** The Hugging Face export fixtures and their PyTorch reference attention. */
import { join } from 'node:path';
import type { GraphVariant } from '../../../src/engine/folder/onnxGraphFiles';
import { ROOT, sharedEngine } from '../engine/fixtures';

/** test/fixtures/hf, made by tools/fixtures/make_hf_fixtures.py. */
export const HF_FIXTURES = join(ROOT, 'test', 'fixtures', 'hf');

/** Folders shaped like today's decoder releases, made by tools/fixtures/make_family_models.py. */
export const FAMILY_MODELS = ['qwen2', 'tinyllama', 'smollm2', 'gemma', 'phi3', 'mistral'] as const;

/** `<name>.reference.json`: ids and PyTorch's `[layer][head][query][key]` probabilities. */
export interface Reference {
  ids: number[];
  attentions: number[][][][];
}

export const hfModel = (name: string, variant?: GraphVariant) =>
  sharedEngine().loadModel(join(HF_FIXTURES, name), variant);

/** Largest |engine − reference| over every layer, head, query and key. */
export function maxAbsDiffToReference(attentions: Float32Array[], ref: Reference): number {
  let worst = 0;
  ref.attentions.forEach((layer, l) => {
    const flat = layer.flat(2);
    const ours = attentions[l];
    if (ours.length !== flat.length)
      throw new Error(`layer ${l}: ${ours.length} weights vs ${flat.length}`);
    flat.forEach((w, i) => {
      worst = Math.max(worst, Math.abs(ours[i] - w));
    });
  });
  return worst;
}
