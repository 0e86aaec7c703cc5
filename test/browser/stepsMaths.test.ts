/** The Steps view's pure parts: the diverging colour map and the per-row arithmetic. */
import assert from 'node:assert/strict';
import type { HeadSteps } from '../../src/engine/types';
import { absMax, divergingColor, parseColor } from '../../webview/heatmap/divergingColor';
import { maxGap, rowSteps, weightedSum } from '../../webview/views/steps/rowChecks';

describe('Steps view maths', () => {
  it('reads the theme colours VS Code gives', () => {
    assert.deepEqual(parseColor('#1e1e1e'), [30, 30, 30]);
    assert.deepEqual(parseColor('#fff'), [255, 255, 255]);
    assert.deepEqual(parseColor('rgb(1, 2, 3)'), [1, 2, 3]);
    assert.deepEqual(parseColor('rgba(10 20 30 / 50%)'), [10, 20, 30]);
  });

  it('fades from blue through the background to orange, clamped at ±limit', () => {
    const bg: [number, number, number] = [255, 255, 255];
    assert.equal(divergingColor(0, 2, bg), 'rgb(255, 255, 255)');
    assert.equal(divergingColor(-2, 2, bg), 'rgb(0, 114, 178)');
    assert.equal(divergingColor(5, 2, bg), 'rgb(230, 159, 0)');
    assert.equal(divergingColor(1, 0, bg), 'rgb(255, 255, 255)');
    assert.equal(absMax([1, -3, 2]), 3);
  });

  // one head, N = 2 queries, M = 3 keys, dv = 2; query 1 has key 2 masked and a bias on key 0
  const steps = {
    layer: 0,
    head: 0,
    n: 2,
    m: 3,
    d: 1,
    dv: 2,
    kvHead: 0,
    scale: 0.5,
    scaleAt: ['scores'],
    q: new Float32Array(2),
    k: new Float32Array(3),
    v: Float32Array.from([1, 0, 0, 1, 5, 5]),
    scores: Float32Array.from([0, 0, 0, 2, 0, 9]),
    bias: Float32Array.from([0, 0, 0, 1, 0, 0]),
    masked: Uint8Array.from([0, 0, 0, 0, 0, 1]),
    output: new Float32Array(4),
  } as HeadSteps;

  it('softmax over the unmasked keys of scores × scale + bias', () => {
    const rows = rowSteps(steps, 1);
    const e = Math.exp(2 * 0.5 + 1);
    assert.ok(Math.abs(rows[0].weight - e / (e + 1)) < 1e-12);
    assert.ok(Math.abs(rows[1].weight - 1 / (e + 1)) < 1e-12);
    assert.equal(rows[2].weight, 0);
    assert.deepEqual(
      rows.map((r) => r.masked),
      [false, false, true],
    );
    assert.deepEqual(
      rowSteps(steps, 0).map((r) => r.weight.toFixed(4)),
      ['0.3333', '0.3333', '0.3333'],
    );
  });

  it('weights · v, and the largest gap between two rows', () => {
    const out = weightedSum(steps, [0.25, 0.75, 0]);
    assert.deepEqual([...out], [0.25, 0.75]);
    assert.equal(maxGap([1, 2], [1, 2.5]), 0.5);
    assert.equal(maxGap([1], [1, 2]), Infinity);
  });
});
