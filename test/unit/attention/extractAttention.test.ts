import assert from 'node:assert/strict';
import { extractAttention, halfToFloat } from '../../../src/engine/attention/extractAttention';

describe('extractAttention', () => {
  it('converts float16 outputs (raw Uint16 bits, as onnxruntime-web returns them) to float32', () => {
    // 1, 0.5, 0.25, 0, -2, 65504, 2^-24 (smallest subnormal), Infinity
    const bits = Uint16Array.from([0x3c00, 0x3800, 0x3400, 0x0000, 0xc000, 0x7bff, 0x0001, 0x7c00]);
    assert.deepEqual(Array.from(halfToFloat(bits)), [
      1,
      0.5,
      0.25,
      0,
      -2,
      65504,
      2 ** -24,
      Infinity,
    ]);
    const probs = Uint16Array.from([0x3c00, 0x0000, 0x3800, 0x3800]); // [[1, 0], [0.5, 0.5]]
    const [layer] = extractAttention(
      [{ data: probs, dims: [1, 1, 2, 2], type: 'float16' }],
      ['p'],
      1,
      2,
      '/m',
    );
    assert.deepEqual(Array.from(layer), [1, 0, 0.5, 0.5]);
  });

  it('never passes a NaN row on: the engine masks no query entirely, so NaN means a broken model', () => {
    const data = Float32Array.from([1, 0, 0, 0.25, 0.75, 0, NaN, NaN, NaN]);
    assert.throws(
      () => extractAttention([{ data, dims: [1, 1, 3, 3] }], ['p'], 1, 3, '/m'),
      /p \(layer 0, head 0\) row 2 is not a probability distribution \(it holds NaN\)/,
    );
  });

  it('still refuses rows that are not probabilities, and other element types', () => {
    const scores = Float32Array.from([3, 1, 2, 5]);
    assert.throws(
      () => extractAttention([{ data: scores, dims: [1, 1, 2, 2] }], ['s'], 1, 2, '/m'),
      /not a probability distribution/,
    );
    assert.throws(
      () =>
        extractAttention(
          [{ data: new Int32Array(4), dims: [1, 1, 2, 2], type: 'int32' }],
          ['s'],
          1,
          2,
          '/m',
        ),
      /missing or not float32\/float16/,
    );
  });
});
