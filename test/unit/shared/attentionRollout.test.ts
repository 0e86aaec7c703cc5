import assert from 'node:assert/strict';
import fc from 'fast-check';
import { attentionRollout } from '../../../src/shared/attentionRollout';
import { attentionLayer, rowSums } from './randomAttention';

describe('attentionRollout', () => {
  it('mixes in the residual identity and multiplies later layers on the left', () => {
    // One head, two tokens. Layer A: token 1 attends fully to token 0.
    const a = new Float32Array([1, 0, 1, 0]);
    const [r1, r2] = attentionRollout([a, a], 2, 1);
    // Â = 0.5·A + 0.5·I = [[1, 0], [0.5, 0.5]]
    assert.deepEqual([...r1.data], [1, 0, 0.5, 0.5]);
    // Â·Â = [[1, 0], [0.75, 0.25]]
    assert.deepEqual([...r2.data], [1, 0, 0.75, 0.25]);
  });

  it('extends an earlier rollout exactly as rolling out all layers at once', () => {
    const a = new Float32Array([1, 0, 0.3, 0.7]);
    const b = new Float32Array([1, 0, 0.9, 0.1]);
    const all = attentionRollout([a, b, a], 2, 1);
    const [first] = attentionRollout([a], 2, 1);
    const rest = attentionRollout([b, a], 2, 1, first);
    assert.deepEqual([...rest[1].data], [...all[2].data]);
  });

  it('averages heads before rolling out', () => {
    const layer = new Float32Array([1, 0, 1, 0, 1, 0, 0, 1]); // heads: [[1,0],[1,0]], [[1,0],[0,1]]
    const [r] = attentionRollout([layer], 2, 2);
    // mean = [[1,0],[0.5,0.5]] → 0.5·mean + 0.5·I = [[1,0],[0.25,0.75]]
    assert.deepEqual([...r.data], [1, 0, 0.25, 0.75]);
  });

  it('rows of every depth sum to 1 and stay causal for causal input', () => {
    fc.assert(
      fc.property(
        fc.array(attentionLayer(4, 2, true), { minLength: 1, maxLength: 4 }),
        (layers) => {
          for (const rolled of attentionRollout(layers, 4, 2)) {
            for (const sum of rowSums(rolled.data, 4)) assert.ok(Math.abs(sum - 1) < 1e-5);
            for (let i = 0; i < 4; i++) {
              for (let j = i + 1; j < 4; j++) assert.equal(rolled.data[i * 4 + j], 0);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
