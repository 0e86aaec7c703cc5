/** Cells outside a sliding window over tokens, words and thumbnail blocks (webview/heatmap/windowMask.ts). */
import assert from 'node:assert/strict';
import { choiceWindow, outsideWindow, unitWindowMask } from '../../../webview/heatmap/windowMask';

describe('sliding-window mask of a view', () => {
  it('tokens: a query at i sees keys i − size + 1 … i', () => {
    const mask = unitWindowMask(3, { units: [[0], [1], [2], [3], [4]] });
    assert.deepEqual([...mask.firstSeen], [0, 0, 0, 1, 2]);
    assert.equal(outsideWindow(mask, 4, 1), true);
    assert.equal(outsideWindow(mask, 4, 2), false);
  });

  it('words: a cell is outside only when every token pair in it is', () => {
    // Words of tokens [0], [1, 2], [3], [4, 5]; window 2.
    const mask = unitWindowMask(2, { units: [[0], [1, 2], [3], [4, 5]] });
    assert.deepEqual([...mask.firstSeen], [0, 0, 1, 2]);
  });

  it('rollout mixes layers and shows no window; forged sizes are ignored', () => {
    assert.equal(choiceWindow([4, null], 0, 'rollout'), undefined);
    assert.equal(choiceWindow([4, null], 0, 'mean'), 4);
    assert.equal(choiceWindow([4, null], 1, 2), undefined);
    assert.equal(choiceWindow([-3, 0.5] as number[], 0, 1), undefined);
    assert.equal(choiceWindow([-3, 0.5] as number[], 1, 1), undefined);
  });
});
