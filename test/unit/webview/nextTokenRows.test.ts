/**
 * Next-token predictions read per row (issue 22, webview/nextTokenRows.ts): a full result's
 * from its table without asking; a held one's asked latest-wins, one request in flight, the
 * answers kept per run; a step list's rows in one request; refusals kept, never thrown.
 */
import { strict as assert } from 'node:assert';
import type { Prediction } from '../../../src/engine/types';
import type { ResultMeta } from '../../../src/protocol/webview';
import { KEPT_ROWS, NextTokenRows } from '../../../webview/nextTokenRows';

/** Row `row`'s top `k`, told apart by id. */
const rowOf = (row: number, k: number): Prediction[] =>
  Array.from({ length: k }, (_, i) => ({ id: row * 100 + i, text: `t${row}.${i}`, prob: 0.1 }));

const heldMeta = (runId: number) => ({ runId, nextTokens: { k: 3 } }) as unknown as ResultMeta;

/** A host whose answers wait until the test settles them, in any order. */
function heldHost() {
  const asked: { runId: number; rows: number[]; k: number }[] = [];
  const pending: { rows: number[]; answer(): void; refuse(error: unknown): void }[] = [];
  let changes = 0;
  const next = new NextTokenRows(
    (runId, rows, k) => {
      asked.push({ runId, rows, k });
      return new Promise((resolve, reject) => {
        pending.push({
          rows,
          answer: () => resolve(rows.map((row) => rowOf(row, k))),
          refuse: reject,
        });
      });
    },
    () => changes++,
  );
  /** Settles the waiting request for `rows` and lets its callbacks run. */
  const settle = async (rows: number[], how: 'answer' | unknown = 'answer') => {
    const index = pending.findIndex((p) => String(p.rows) === String(rows));
    assert.ok(index >= 0, `no request for ${rows} waits (${pending.map((p) => p.rows)})`);
    const [request] = pending.splice(index, 1);
    if (how === 'answer') request.answer();
    else request.refuse(how);
    await new Promise((go) => setTimeout(go, 0));
  };
  return { next, asked, pending, settle, changes: () => changes };
}

describe('next-token predictions per row (webview)', () => {
  it('a full result’s rows come from its table, nothing asked', () => {
    const table = [rowOf(0, 2), rowOf(1, 2)];
    let asked = 0;
    const next = new NextTokenRows(
      async () => {
        asked++;
        return [];
      },
      () => undefined,
    );
    const meta = { runId: 1, predictions: table } as unknown as ResultMeta;
    assert.deepEqual(next.focused(meta, 1), table[1]);
    assert.deepEqual(next.all(meta, [0, 1]), table);
    assert.equal(next.focused({ runId: 2 } as unknown as ResultMeta, 0), undefined);
    assert.equal(asked, 0);
  });

  it('hovering across 200 rows asks twice: the first row, then the newest when it settles', async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    for (let row = 0; row < 200; row++) assert.equal(host.next.focused(meta, row), 'pending');
    assert.deepEqual(host.asked, [{ runId: 1, rows: [0], k: 3 }]);
    await host.settle([0]);
    assert.equal(host.changes(), 0, 'row 0 is no longer shown: nothing redraws');
    assert.deepEqual(
      host.asked.map((a) => a.rows),
      [[0], [199]],
    );
    await host.settle([199]);
    assert.equal(host.changes(), 1);
    assert.deepEqual(host.next.focused(meta, 199), rowOf(199, 3));
    // The old answer was kept: back on row 0, nothing is asked.
    assert.deepEqual(host.next.focused(meta, 0), rowOf(0, 3));
    assert.equal(host.asked.length, 2);
  });

  it('a late answer for an old row is kept but the newest row stays pending until its own', async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    host.next.focused(meta, 3);
    host.next.focused(meta, 7);
    await host.settle([3]);
    assert.equal(host.next.focused(meta, 7), 'pending');
    assert.deepEqual(
      host.asked.map((a) => a.rows),
      [[3], [7]],
    );
    await host.settle([7]);
    assert.deepEqual(host.next.focused(meta, 7), rowOf(7, 3));
    assert.deepEqual(host.next.focused(meta, 3), rowOf(3, 3));
  });

  it('back on an answered row while one is in flight, nothing more is asked', async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    host.next.focused(meta, 1);
    await host.settle([1]);
    host.next.focused(meta, 2);
    host.next.focused(meta, 5);
    host.next.focused(meta, 1);
    await host.settle([2]);
    assert.deepEqual(
      host.asked.map((a) => a.rows),
      [[1], [2]],
    );
  });

  it('a refusal is kept as its line and code; no rejection escapes', async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    host.next.focused(meta, 4);
    await host.settle(
      [4],
      Object.assign(new Error('the result was released'), { code: 'released' }),
    );
    assert.deepEqual(host.next.focused(meta, 4), {
      refusal: 'the result was released',
      code: 'released',
    });
    host.next.focused(meta, 5);
    await host.settle([5], 'plain');
    assert.deepEqual(host.next.focused(meta, 5), { refusal: 'plain' });
    assert.equal(host.asked.length, 2);
  });

  it('a new run forgets the old one’s answers and drops its late ones', async () => {
    const host = heldHost();
    host.next.focused(heldMeta(1), 2);
    assert.equal(host.next.focused(heldMeta(2), 2), 'pending');
    assert.deepEqual(
      host.asked.map((a) => [a.runId, a.rows]),
      [
        [1, [2]],
        [2, [2]],
      ],
      'the new run asks at once: the old run’s request no longer counts',
    );
    await host.settle([2]);
    assert.equal(host.next.focused(heldMeta(2), 2), 'pending', 'run 1’s answer is dropped');
    assert.equal(host.changes(), 0);
    await host.settle([2]);
    assert.deepEqual(host.next.focused(heldMeta(2), 2), rowOf(2, 3));
    assert.equal(host.asked.length, 2);
  });

  it('a step list’s rows go in one request; a focused row among them waits for it', async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    assert.deepEqual(host.next.all(meta, [4, 5, 6, 5]), [
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    assert.equal(host.next.focused(meta, 5), 'pending');
    assert.deepEqual(
      host.asked.map((a) => a.rows),
      [[4, 5, 6]],
    );
    await host.settle([4, 5, 6]);
    assert.equal(host.changes(), 1);
    assert.deepEqual(host.next.all(meta, [6, 4]), [rowOf(6, 3), rowOf(4, 3)]);
    assert.deepEqual(host.next.focused(meta, 5), rowOf(5, 3));
    assert.equal(host.asked.length, 1);
  });

  it(`keeps at most ${KEPT_ROWS} rows, the oldest going first`, async () => {
    const host = heldHost();
    const meta = heldMeta(1);
    const rows = Array.from({ length: KEPT_ROWS + 10 }, (_, i) => i);
    host.next.all(meta, rows);
    await host.settle(rows);
    const kept = host.next.all(meta, rows.slice(10));
    assert.ok(kept.every((p) => Array.isArray(p)));
    assert.equal(host.asked.length, 1, 'the newest are all kept');
    assert.equal(host.next.focused(meta, 0), 'pending', 'the oldest were dropped: asked again');
    assert.equal(host.asked.length, 2);
  });
});
