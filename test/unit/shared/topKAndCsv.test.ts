import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvField, matrixCsv } from '../../../src/shared/matrixCsv';
import { topK } from '../../../src/shared/topK';

describe('topK', () => {
  it('picks the largest values, largest first, ties in index order', () => {
    assert.deepEqual(topK([0.1, 0.4, 0.1, 0.4, 0], 3), [1, 3, 0]);
    assert.deepEqual(topK([0.1, 0.4, 0.1, 0.4, 0], 10, 0.1), [1, 3]);
    assert.deepEqual(topK([0.5, 0.5], 0), []);
  });

  it('agrees with sorting', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: 0, max: 1, noNaN: true })), fc.nat(12), (row, k) => {
        const expected = row
          .map((v, j) => [v, j] as const)
          .filter(([v]) => v > 0)
          .sort((a, b) => b[0] - a[0] || a[1] - b[1])
          .slice(0, k)
          .map(([, j]) => j);
        assert.deepEqual(topK(row, k), expected);
      }),
    );
  });
});

describe('matrixCsv', () => {
  it('writes a header of key labels and one labelled row per query', () => {
    const csv = matrixCsv({ n: 2, data: new Float32Array([1, 0, 0.25, 0.75]) }, ['a,b', ' "q"']);
    assert.equal(csv, 'query \\ key,"a,b"," ""q"""\r\n"a,b",1,0\r\n" ""q""",0.25,0.75\r\n');
  });

  it('quotes only what needs quoting', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
  });
});
