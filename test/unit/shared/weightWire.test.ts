import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  packWeights,
  unpackWeights,
  WIRE_ONE,
  WIRE_RESOLUTION,
} from '../../../src/shared/weightWire';

describe('weightWire (attention weights on their way to the webview)', () => {
  it('any weight in [0, 1] comes back within the stated resolution', () => {
    fc.assert(
      fc.property(fc.float32Array({ min: 0, max: 1, noNaN: true }), (weights) => {
        const back = unpackWeights(packWeights(weights));
        assert.equal(back.length, weights.length);
        weights.forEach((w, i) => {
          assert.ok(Math.abs(back[i] - w) <= WIRE_RESOLUTION + 1e-9, `${w} → ${back[i]}`);
        });
      }),
    );
  });

  it('keeps 0 and 1 exact and clamps what is outside [0, 1]', () => {
    const weights = Float32Array.from([0, 1, -0.5, 1.5, Number.NaN, 0.5]);
    assert.deepEqual(
      [...packWeights(weights)],
      [0, WIRE_ONE, 0, WIRE_ONE, 0, Math.round(WIRE_ONE / 2)],
    );
    assert.deepEqual([...unpackWeights(packWeights(Float32Array.from([0, 1])))], [0, 1]);
  });

  it('a row that sums to 1 still sums to 1 within N × the resolution', () => {
    const n = 512;
    const row = Float32Array.from({ length: n }, (_, i) => 1 / (i + 2));
    const sum = row.reduce((s, w) => s + w, 0);
    for (let i = 0; i < n; i++) row[i] /= sum;
    const back = unpackWeights(packWeights(row)).reduce((s, w) => s + w, 0);
    assert.ok(Math.abs(back - 1) <= n * WIRE_RESOLUTION, `sum ${back}`);
  });
});
