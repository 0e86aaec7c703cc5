import { strict as assert } from 'node:assert';
import type { HeadSteps } from '../../src/engine/types';
import type { WebviewToHost } from '../../src/protocol/webview';
import type { StepsCache } from '../../webview/views/steps/stepsCache';

/**
 * The Steps view's cache of answers, in Node: the page's one global (`acquireVsCodeApi`) is
 * provided as VS Code provides it, recording what the webview posts to the host.
 */
const posted: WebviewToHost[] = [];
let Cache: typeof StepsCache;

/** Imports the cache with the page's globals present, then removes them again (other suites run in this Node process). */
async function importCache(): Promise<void> {
  const api = {
    postMessage: (message: { kind: string; event?: WebviewToHost }) => {
      if (message.kind === 'event' && message.event) posted.push(message.event);
    },
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

const steps = (layer: number, head: number, kind?: 'encoder' | 'cross') =>
  ({ layer, head, ...(kind ? { kind } : {}) }) as unknown as HeadSteps;

describe('StepsCache (webview/views/steps/stepsCache.ts)', () => {
  before(importCache);
  beforeEach(() => {
    posted.length = 0;
  });

  it('asks the host once per head and once for the positions of the result on show', () => {
    const cache = new Cache();
    cache.get(1, 0, 1);
    cache.get(1, 0, 1);
    cache.get(1, 2, 3);
    cache.positions(1);
    cache.positions(1);
    assert.deepEqual(posted, [
      { type: 'requestSteps', runId: 1, layer: 0, head: 1 },
      { type: 'requestSteps', runId: 1, layer: 2, head: 3 },
      { type: 'requestPositions', runId: 1 },
    ]);
  });

  it('keeps answers per attention kind, and drops answers about another result', () => {
    const cache = new Cache();
    let answered = 0;
    cache.onAnswer(() => answered++);
    cache.get(4, 1, 0, 'encoder');
    cache.get(4, 1, 0, 'cross');
    assert.equal(cache.receive({ type: 'didProduceSteps', runId: 3, steps: steps(1, 0) }), false);
    assert.ok(cache.receive({ type: 'didProduceSteps', runId: 4, steps: steps(1, 0, 'cross') }));
    assert.ok(
      cache.receive({
        type: 'didFailSteps',
        runId: 4,
        kind: 'encoder',
        layer: 1,
        head: 0,
        message: 'no steps',
      }),
    );
    assert.equal(answered, 2);
    assert.equal(cache.get(4, 1, 0, 'cross').steps?.layer, 1);
    assert.equal(cache.get(4, 1, 0, 'encoder').error, 'no steps');
    assert.equal(posted.length, 2, 'answered heads are not asked again');
  });

  it('forgets everything when a new result is shown', () => {
    const cache = new Cache();
    cache.get(1, 0, 0);
    cache.receive({ type: 'didProduceSteps', runId: 1, steps: steps(0, 0) });
    cache.positions(1);
    cache.receive({ type: 'didFailPositions', runId: 1, message: 'none' });
    assert.equal(cache.get(2, 0, 0).steps, undefined);
    assert.equal(cache.positions(2).error, undefined);
    assert.equal(posted.filter((m) => m.type === 'requestSteps').length, 2);
  });
});
