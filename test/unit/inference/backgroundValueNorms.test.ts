/**
 * Which value norms the background computes next (src/engine/inference/backgroundValueNorms.ts):
 * the layer a view asked last first, then the lowest layer not done; the heads still missing,
 * as many as fit in one task.
 */
import assert from 'node:assert/strict';
import { HeadNorms } from '../../../src/engine/attention/headNorms';
import {
  nextValueTask,
  TASK_MULTIPLY_ADDS,
} from '../../../src/engine/inference/backgroundValueNorms';
import type { HeldLayerValue } from '../../../src/engine/inference/valueNormsKernel';
import type { AttentionStack } from '../../../src/engine/types';

/** SmolLM2-135M's shape: 9 query heads over 3 key/value heads, d_v 64, D 576. */
function shaped(keys: number, layers = 3) {
  const stack: AttentionStack = {
    kind: 'encoder',
    layers,
    heads: 9,
    rows: keys,
    cols: keys,
    causal: true,
  };
  const layer: HeldLayerValue = {
    value: new Float32Array(0),
    projection: { rows: 0, cols: 0, data: () => new Float32Array(0) },
    groups: 3,
    perGroup: 3,
    keys,
    dv: 64,
    width: 576,
  };
  return { norms: HeadNorms.filling(stack), layers: Array<HeldLayerValue>(layers).fill(layer) };
}

/** Runs every task, filling what each asks for; returns the (layer, heads) in order. */
async function drain(norms: HeadNorms, layers: HeldLayerValue[], askedLast?: number) {
  const asked: [number, number[]][] = [];
  const fill = async (layer: number, heads: readonly number[]) => {
    asked.push([layer, [...heads]]);
    norms.fillHeads(layer, heads, new Float32Array(heads.length * layers[layer].keys));
  };
  for (let task = nextValueTask(norms, layers, askedLast, fill); task; ) {
    await task();
    task = nextValueTask(norms, layers, askedLast, fill);
  }
  return asked;
}

describe('the next background task of the value norms (issue 24, item 5)', () => {
  it('a layer in one task where it fits; layers in order', async () => {
    const { norms, layers } = shaped(128);
    assert.ok(9 * 128 * 64 * 576 <= TASK_MULTIPLY_ADDS);
    const all = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    assert.deepEqual(await drain(norms, layers), [
      [0, all],
      [1, all],
      [2, all],
    ]);
  });

  it('tasks of even size: 5 and 4 heads at 512 tokens', async () => {
    const { norms, layers } = shaped(512, 1);
    assert.deepEqual(await drain(norms, layers), [
      [0, [0, 1, 2, 3, 4]],
      [0, [5, 6, 7, 8]],
    ]);
  });

  it('at 2,048 tokens a head per task; the layer asked last first, its done heads skipped', async () => {
    const { norms, layers } = shaped(2048, 2);
    norms.fillHeads(1, [4], new Float32Array(2048));
    const asked = await drain(norms, layers, 1);
    const heads = (layer: number) => asked.filter(([l]) => l === layer).map(([, h]) => h);
    assert.deepEqual(heads(1), [[0], [1], [2], [3], [5], [6], [7], [8]]);
    assert.deepEqual(heads(0), [[0], [1], [2], [3], [4], [5], [6], [7], [8]]);
    assert.equal(asked[0][0], 1, 'the layer asked last goes first');
    assert.ok(norms.has(0, 'values') && norms.has(1, 'values'));
  });
});
