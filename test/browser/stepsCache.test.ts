import { strict as assert } from 'node:assert';
import type { HeadSteps, PositionsReport } from '../../src/engine/types';
import type { StepsAsk, StepsCache } from '../../webview/views/steps/stepsCache';

/**
 * The Steps view's cache of answers, in Node: the page's one global (`acquireVsCodeApi`) is
 * provided as VS Code provides it while the module loads; the host's answers come from a
 * stand-in whose calls the test settles by hand, in any order.
 */
let Cache: typeof StepsCache;

/** Imports the cache with the page's globals present, then removes them again (other suites run in this Node process). */
async function importCache(): Promise<void> {
  const api = {
    postMessage: () => undefined,
    getState: () => undefined,
    setState: () => undefined,
  };
  Object.assign(globalThis, {
    acquireVsCodeApi: () => api,
    window: { addEventListener: () => undefined, removeEventListener: () => undefined },
  });
  try {
    ({ StepsCache: Cache } = await import('../../webview/views/steps/stepsCache'));
  } finally {
    delete (globalThis as { window?: unknown }).window;
    delete (globalThis as { acquireVsCodeApi?: unknown }).acquireVsCodeApi;
  }
}

interface Asked {
  method: 'steps' | 'positions';
  arg: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** A host whose answers wait until the test gives them. */
function standIn(): { ask: StepsAsk; asked: Asked[] } {
  const asked: Asked[] = [];
  const call =
    (method: Asked['method']) =>
    (arg: unknown): Promise<never> =>
      new Promise((resolve, reject) =>
        asked.push({ method, arg, resolve: resolve as (v: unknown) => void, reject }),
      );
  return { ask: { steps: call('steps'), positions: call('positions') }, asked };
}

const steps = (layer: number, head: number, kind?: 'encoder' | 'cross') =>
  ({ layer, head, ...(kind ? { kind } : {}) }) as unknown as HeadSteps;

/** Lets answers settle (promise callbacks run). */
const tick = () => new Promise((r) => setImmediate(r));

describe('StepsCache (webview/views/steps/stepsCache.ts)', () => {
  before(importCache);

  it('asks the host once per head and once for the positions of the result on show', () => {
    const { ask, asked } = standIn();
    const cache = new Cache(ask);
    cache.get(1, 0, 1);
    cache.get(1, 0, 1);
    cache.get(1, 2, 3);
    cache.positions(1);
    cache.positions(1);
    assert.deepEqual(
      asked.map(({ method, arg }) => ({ method, arg })),
      [
        { method: 'steps', arg: { runId: 1, layer: 0, head: 1 } },
        { method: 'steps', arg: { runId: 1, layer: 2, head: 3 } },
        { method: 'positions', arg: { runId: 1 } },
      ],
    );
  });

  it('keeps answers per attention kind, and drops answers about another result', async () => {
    const { ask, asked } = standIn();
    const cache = new Cache(ask);
    let answered = 0;
    cache.onAnswer(() => answered++);
    cache.get(3, 1, 0);
    cache.get(4, 1, 0, 'encoder');
    cache.get(4, 1, 0, 'cross');
    const [old, encoder, cross] = asked;
    old.resolve(steps(1, 0));
    cross.resolve(steps(1, 0, 'cross'));
    encoder.reject(new Error('no steps'));
    await tick();
    assert.equal(answered, 2, 'the answer about result 3 is dropped');
    assert.equal(cache.get(4, 1, 0, 'cross').steps?.layer, 1);
    assert.equal(cache.get(4, 1, 0, 'encoder').error, 'no steps');
    assert.equal(asked.length, 3, 'answered heads are not asked again');
  });

  it('forgets everything when a new result is shown', async () => {
    const { ask, asked } = standIn();
    const cache = new Cache(ask);
    cache.get(1, 0, 0);
    cache.positions(1);
    asked[0].resolve(steps(0, 0));
    asked[1].reject(new Error('none'));
    await tick();
    assert.ok(cache.get(1, 0, 0).steps);
    assert.equal(cache.get(2, 0, 0).steps, undefined);
    assert.equal(cache.positions(2).error, undefined);
    assert.equal(asked.filter((a) => a.method === 'steps').length, 2);
    const report = { kind: 'none', note: '' } as PositionsReport;
    asked.at(-1)?.resolve(report);
    await tick();
    assert.equal(cache.positions(2).report, report);
  });
});
