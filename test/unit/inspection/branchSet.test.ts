/** A continuation's branches on the host (issue 23, src/inspection/branchSet.ts). */
import assert from 'node:assert/strict';
import type { HeldResult } from '../../../src/engine/types';
import { BranchSet } from '../../../src/inspection/branchSet';

/** A held continuation of `ids` after a two-token prompt, with two candidates per position. */
function held(ids: number[], resultId: number): HeldResult {
  const tokens = [10, 11, ...ids].map((id, i) => ({ id, text: `t${id}`, start: i, end: i + 1 }));
  return {
    resultId,
    tokens,
    predictions: tokens.map((t) => [
      { id: t.id + 1, text: `p${t.id + 1}`, prob: 0.6 },
      { id: 99, text: ' x', prob: 0.1 },
    ]),
    generation: { promptTokens: 2, generated: ids.map((id) => ({ id, text: `t${id}` })) },
  } as unknown as HeldResult;
}

describe('continuation branches', () => {
  it('a fork forces the tokens before its step and the alternative, named by its candidate', () => {
    const set = new BranchSet();
    set.settle(0, held([1, 2, 3, 4], 1));
    assert.deepEqual(set.fork(0, 3, 99), { index: 1, isNew: true });
    assert.deepEqual(set.branches[1], { forced: [1, 2, 99], forkedAt: 3, token: ' x' });
    assert.deepEqual(set.listFor(1), {
      family: set.family,
      shown: 1,
      list: [
        { forkedAt: null, token: null },
        { forkedAt: 3, token: ' x' },
      ],
    });
    assert.deepEqual(set.fork(0, 3, 99), { index: 1, isNew: false }, 'the same fork again');
    assert.deepEqual(set.fork(0, 2, 2), { index: 0, isNew: false }, 'the chosen token');
    assert.deepEqual(set.fork(0, 2, 55), { index: 2, isNew: true });
    assert.equal(set.branches[2]!.token, '#55', 'not among the candidates: its id');
  });

  it('a fork of a result whose predictions stay in the engine is named by the token its run wrote', () => {
    const set = new BranchSet();
    const { predictions: _all, ...first } = held([1, 2, 3, 4], 1);
    set.settle(0, { ...first, nextTokens: { k: 2 } });
    assert.deepEqual(set.fork(0, 3, 99), { index: 1, isNew: true });
    assert.equal(set.branches[1]!.token, '#99', 'before its run: the id');
    set.settle(1, held([1, 2, 99, 5], 2));
    assert.equal(set.branches[1]!.token, 't99');
    assert.deepEqual(set.listFor(1).list[1], { forkedAt: 3, token: 't99' });
  });

  it('refuses steps and branches there are not; forgets only a newest branch never written', () => {
    const set = new BranchSet();
    assert.equal(set.fork(0, 1, 5), undefined, 'nothing written yet');
    set.settle(0, held([1, 2], 1));
    for (const [from, step, id] of [
      [1, 1, 5],
      [0, 0, 5],
      [0, 3, 5],
      [0, 1.5, 5],
      [0, 1, -1],
    ] as const) {
      assert.equal(set.fork(from, step, id), undefined, JSON.stringify([from, step, id]));
    }
    set.fork(0, 1, 7);
    set.fork(0, 1, 8);
    set.forget(1);
    assert.equal(set.branches.length, 3, 'not the newest: kept, written when chosen');
    set.forget(2);
    assert.equal(set.branches.length, 2);
    set.settle(1, held([7, 3], 2));
    set.forget(1);
    assert.equal(set.branches.length, 2, 'written: kept');
    assert.deepEqual(
      set.results.map((r) => r.resultId),
      [1, 2],
    );
  });
});
