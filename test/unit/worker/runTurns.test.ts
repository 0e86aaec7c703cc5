/** Queries go before waiting inspections (src/worker/runTurns.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { RunTurns } from '../../../src/worker/runTurns';
import { ROOT } from '../engine/fixtures';
import { builtWorkerPerTest } from './builtWorker';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');

describe('RunTurns: one at a time, queries first', () => {
  it('a query that arrives during a run goes before the inspections already waiting', async () => {
    const turns = new RunTurns();
    const order: string[] = [];
    const take = async (name: string, lane: 'inspect' | 'query', hold = 0): Promise<void> => {
      const done = await turns.next(lane);
      order.push(`${name} starts`);
      await new Promise((resolve) => setTimeout(resolve, hold));
      order.push(`${name} ends`);
      done();
    };
    const first = take('inspect 1', 'inspect', 30);
    await new Promise((resolve) => setTimeout(resolve, 5)); // inspect 1 is running
    const all = [first, take('inspect 2', 'inspect'), take('inspect 3', 'inspect')];
    all.push(take('steps', 'query'));
    assert.equal(turns.waitingIn('inspect'), 2);
    await Promise.all(all);
    assert.deepEqual(order, [
      'inspect 1 starts',
      'inspect 1 ends',
      'steps starts',
      'steps ends',
      'inspect 2 starts',
      'inspect 2 ends',
      'inspect 3 starts',
      'inspect 3 ends',
    ]);
  });

  it('quietFor waits until no asked request ran or waited for that long; background turns do not count', async () => {
    const turns = new RunTurns();
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const doneFirst = await turns.next('query');
    let quietAt = 0;
    const quiet = turns.quietFor(200).then(() => (quietAt = Date.now()));
    await sleep(50);
    const endedAt = Date.now();
    doneFirst();
    await sleep(150); // 200 ms since quietFor was called, 150 since the query ended
    assert.equal(quietAt, 0, 'not quiet while a query runs, nor 150 ms after it ended');
    (await turns.next('background'))();
    await quiet;
    const after = quietAt - endedAt;
    assert.ok(after >= 200, `quiet ${after} ms after the query ended`);
    // Had the background turn counted, quiet would come 200 ms after it: ≥ 350 ms.
    assert.ok(after < 330, `quiet ${after} ms after the query ended: the background turn counted`);
  });

  it('ending a turn twice starts nothing twice', async () => {
    const turns = new RunTurns();
    const done = await turns.next();
    done();
    done();
    const order: number[] = [];
    await Promise.all(
      [1, 2].map(async (i) => {
        const end = await turns.next();
        order.push(i);
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push(i);
        end();
      }),
    );
    assert.deepEqual(order, [1, 1, 2, 2]);
  });
});

describe('The engine worker serves a steps query before a waiting inspection (bundled model)', function () {
  this.timeout(120_000);
  const client = builtWorkerPerTest();

  it('headSteps sent after an inspection is answered before it', async () => {
    const first = await client().inspect({ modelDir: BUNDLED, text: 'x = y + x' }).result;
    const ids = first.tokens.map((t) => t.id);
    const text = 'def f(x):\n    return [x * i for i in range(10)]\n'.repeat(40);
    const settled: string[] = [];
    // A run that holds the worker, then an inspection that waits behind it, then a query.
    const running = client().positions({ modelDir: BUNDLED, ids: ids.concat(ids, ids, ids) });
    const waiting = client().inspect({ modelDir: BUNDLED, text, maxTokens: 512 }).result;
    const query = client().headSteps({ modelDir: BUNDLED, ids, requests: [{ layer: 0, head: 1 }] });
    await Promise.all([
      running.then(() => settled.push('positions')),
      waiting.then(() => settled.push('inspection')),
      query.then(() => settled.push('steps')),
    ]);
    assert.deepEqual(settled, ['positions', 'steps', 'inspection']);
  });
});
