import { strict as assert } from 'node:assert';
import { linesAround, windowBudget } from '../../../src/inspection/cursorWindow';

describe('the window around the cursor for a long selection', () => {
  it('grows whole lines below and above the cursor in turn while they fit', () => {
    const lengths = [10, 10, 10, 10, 10, 10, 10];
    assert.deepEqual(linesAround(lengths, 3, 30), { first: 2, last: 4 });
    assert.deepEqual(linesAround(lengths, 3, 39), { first: 2, last: 4 });
    assert.deepEqual(linesAround(lengths, 3, 40), { first: 2, last: 5 });
  });

  it('keeps growing on one side when the other reaches the end of the file', () => {
    assert.deepEqual(linesAround([5, 5, 5, 5, 5], 0, 15), { first: 0, last: 2 });
    assert.deepEqual(linesAround([5, 5, 5, 5, 5], 4, 15), { first: 2, last: 4 });
    assert.deepEqual(linesAround([5, 5, 5], 1, 1000), { first: 0, last: 2 });
  });

  it('keeps at least the cursor line, and a long line never lets a later short one jump it', () => {
    assert.deepEqual(linesAround([5, 500, 5], 1, 100), { first: 1, last: 1 });
    assert.deepEqual(linesAround([5, 500, 5, 5], 2, 12), { first: 2, last: 3 });
  });

  it('budgets a margin below what a cut run inspected', () => {
    assert.equal(windowBudget(1000), 900);
    assert.equal(windowBudget(0), 1);
  });
});
