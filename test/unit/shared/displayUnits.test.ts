import assert from 'node:assert/strict';
import fc from 'fast-check';
import { displayUnits, projectMatrix, unitWeightsToTokens } from '../../../src/shared/displayUnits';
import { headMatrix } from '../../../src/shared/squareMatrix';
import { unitLabel } from '../../../src/shared/unitLabels';
import { attentionLayer, rowSums } from './randomAttention';
import { tokensOf } from './tokensOf';

const sample = tokensOf([null, 'let', ' my', 'Var', ' =', ' 1', ';']);

describe('displayUnits and projectMatrix', () => {
  it('sums attention to a word and averages attention from it', () => {
    const { tokens, text } = tokensOf(['a', ' b', 'c']);
    const display = displayUnits(tokens, text, { wordLevel: true, hideSpecial: false });
    assert.deepEqual(display.units, [[0], [1, 2]]);
    const m = { n: 3, data: new Float32Array([1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5]) };
    const out = projectMatrix(m, display);
    // from word "bc" = mean of rows 1 and 2; to word "bc" = sum of columns 1 and 2
    assert.deepEqual(
      [...out.data].map((v) => Number(v.toFixed(6))),
      [1, 0, 0.35, 0.65],
    );
  });

  it('hides special tokens and renormalises the remaining rows', () => {
    const { tokens, text } = tokensOf([null, 'x', ' y']);
    const display = displayUnits(tokens, text, { wordLevel: false, hideSpecial: true });
    assert.deepEqual(display.units, [[1], [2]]);
    assert.deepEqual([...display.unitOfToken], [-1, 0, 1]);
    const m = { n: 3, data: new Float32Array([1, 0, 0, 0.5, 0.5, 0, 0.4, 0.2, 0.4]) };
    const out = projectMatrix(m, display);
    assert.deepEqual(
      [...out.data].map((v) => Number(v.toFixed(6))),
      [1, 0, 1 / 3, 2 / 3].map((v) => Number(v.toFixed(6))),
    );
  });

  it('returns the token matrix itself when nothing changes', () => {
    const display = displayUnits(sample.tokens, sample.text, {
      wordLevel: false,
      hideSpecial: false,
    });
    const m = { n: 7, data: new Float32Array(49) };
    assert.equal(projectMatrix(m, display), m);
  });

  it('keeps rows summing to 1 under every combination of toggles', () => {
    const { tokens, text } = sample;
    fc.assert(
      fc.property(
        attentionLayer(7, 1, true),
        fc.boolean(),
        fc.boolean(),
        (layer, wordLevel, hideSpecial) => {
          const display = displayUnits(tokens, text, { wordLevel, hideSpecial });
          const out = projectMatrix(headMatrix(layer, 7, 0), display);
          for (const sum of rowSums(out.data, out.n))
            assert.ok(Math.abs(sum - 1) < 1e-5, `sum ${sum}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('spreads unit weights back to every piece and zeroes hidden tokens', () => {
    const display = displayUnits(sample.tokens, sample.text, {
      wordLevel: true,
      hideSpecial: true,
    });
    assert.deepEqual(display.units, [[1], [2, 3], [4], [5], [6]]);
    const weights = unitWeightsToTokens([0.1, 0.5, 0.2, 0.1, 0.1], display, 7);
    assert.deepEqual(
      [...weights].map((v) => Number(v.toFixed(6))),
      [0, 0.1, 0.5, 0.5, 0.2, 0.1, 0.1],
    );
  });

  it('labels units by the source they cover', () => {
    const { tokens, text } = sample;
    assert.equal(unitLabel([0], tokens, text), '<|endoftext|>');
    assert.equal(unitLabel([2, 3], tokens, text), 'myVar');
    const spaces = tokensOf(['a', '\n', '  ']);
    assert.equal(unitLabel([1], spaces.tokens, spaces.text), '↵');
    assert.equal(unitLabel([2], spaces.tokens, spaces.text), '··');
  });
});
