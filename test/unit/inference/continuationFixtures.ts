/** The PyTorch continuations of tools/fixtures/make_generation_references.py, and helpers. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/engine';
import type { HeldResult } from '../../../src/engine/types';
import { ROOT } from '../engine/fixtures';

export interface ContinuationReference {
  prompt_ids: number[];
  generated_ids: number[];
  stopped_at_eos: boolean;
  /** `[layer][head][N+G][N+G]`. */
  attentions: number[][][][];
}

export const GENERATION = JSON.parse(
  readFileSync(join(ROOT, 'test', 'fixtures', 'hf', 'generation.reference.json'), 'utf8'),
) as { prompt: string; max_new_tokens: number; models: Record<string, ContinuationReference> };

export const hfDir = (name: string): string => join(ROOT, 'test', 'fixtures', 'hf', name);

/** Every layer of a held result's attention, `[layer][heads × rows × cols]`. */
export async function heldLayers(engine: Engine, result: HeldResult): Promise<Float32Array[]> {
  const layers: Float32Array[] = [];
  for (let layer = 0; layer < result.model.layers; layer++)
    layers.push(await engine.slice(result.resultId, { kind: 'encoder', layer }));
  return layers;
}

/** Max |a − b| over a layer stack, asserting the shapes agree. */
export function worstDifference(ours: Float32Array[], theirs: number[][][][]): number {
  assert.equal(ours.length, theirs.length, 'layers');
  let worst = 0;
  theirs.forEach((layer, l) => {
    const flat = layer.flat(2);
    assert.equal(ours[l]!.length, flat.length, `layer ${l} size`);
    flat.forEach((w, i) => {
      worst = Math.max(worst, Math.abs(ours[l]![i]! - w));
    });
  });
  return worst;
}
