import assert from 'node:assert/strict';
import { ModelError } from '../../../src/engine/modelError';
import { toLayerAttention } from '../../../src/engine/attention/toLayerAttention';

const HEADS = 2;
const N = 3;
const ramp = (length: number) => Float32Array.from({ length }, (_, i) => i / 10);

describe('toLayerAttention', () => {
  it('turns [1, heads, N, N] into [heads, N, N] with the same row-major values', () => {
    const data = ramp(HEADS * N * N);
    const layer = toLayerAttention({ data, dims: [1, HEADS, N, N] }, HEADS, N);
    assert.deepEqual(Array.from(layer), Array.from(data));
  });

  it('accepts [batch·heads, N, N] with batch 1', () => {
    const data = ramp(HEADS * N * N);
    assert.deepEqual(
      Array.from(toLayerAttention({ data, dims: [HEADS, N, N] }, HEADS, N)),
      Array.from(data),
    );
  });

  it('returns a copy the caller owns, even from a view into a larger buffer', () => {
    const backing = ramp(100);
    const data = backing.subarray(10, 10 + HEADS * N * N);
    const layer = toLayerAttention({ data, dims: [1, HEADS, N, N] }, HEADS, N);
    assert.notEqual(layer.buffer, backing.buffer);
    assert.equal(layer.byteOffset, 0);
    assert.equal(layer.buffer.byteLength, HEADS * N * N * 4);
    layer[0] = 42;
    assert.equal(backing[10], 1);
  });

  const wrong: [string, number[], number][] = [
    ['too many heads', [1, 3, N, N], 3 * N * N],
    ['batch 2', [2, HEADS, N, N], 2 * HEADS * N * N],
    ['not square', [1, HEADS, N, N + 1], HEADS * N * (N + 1)],
    ['rank 2', [N, N], N * N],
    ['data shorter than dims', [1, HEADS, N, N], HEADS * N * N - 1],
  ];
  for (const [what, dims, length] of wrong) {
    it(`rejects ${what} with a ModelError naming the output and the expected shape`, () => {
      assert.throws(
        () => toLayerAttention({ data: ramp(length), dims }, HEADS, N, 'attn_1'),
        (e: unknown) =>
          e instanceof ModelError &&
          e.problem === 'badAttentionShape' &&
          e.message.includes(`attn_1 has shape [${dims.join(', ')}], expected [1, 2, 3, 3]`),
      );
    });
  }
});
