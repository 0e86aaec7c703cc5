/** The ghost text's parts (issue 23): the focused step highlighted inside the continuation. */
import assert from 'node:assert/strict';
import { ghostParts } from '../../../src/editor/ghostParts';

describe('ghost text parts', () => {
  const text = '\n    return a\tb';

  it('no step: one part, on one line', () => {
    assert.deepEqual(ghostParts(text, undefined, 200), [
      { text: '⏎    return a→b', focused: false },
    ]);
  });

  it('a step: before, the step focused, after', () => {
    assert.deepEqual(ghostParts(text, { start: 5, end: 12 }, 200), [
      { text: '⏎    ', focused: false },
      { text: 'return ', focused: true },
      { text: 'a→b', focused: false },
    ]);
  });

  it('the first and the last step leave no empty part', () => {
    assert.deepEqual(
      ghostParts(text, { start: 0, end: 1 }, 200).map((p) => p.text),
      ['⏎', '    return a→b'],
    );
    assert.deepEqual(
      ghostParts(text, { start: 14, end: 15 }, 200).map((p) => p.text),
      ['⏎    return a→', 'b'],
    );
  });

  it('a step that writes nothing (an end token) shows as ∅ where it is', () => {
    assert.deepEqual(ghostParts(text, { start: 15, end: 15 }, 200), [
      { text: '⏎    return a→b', focused: false },
      { text: '∅', focused: true },
    ]);
  });

  it('cut at the limit with an ellipsis, across parts', () => {
    assert.deepEqual(ghostParts(text, { start: 5, end: 12 }, 8), [
      { text: '⏎    ', focused: false },
      { text: 'ret…', focused: true },
    ]);
    assert.deepEqual(ghostParts('x'.repeat(10), undefined, 4), [{ text: 'xxxx…', focused: false }]);
  });
});
