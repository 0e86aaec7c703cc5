/**
 * Value norms computed in the background (issue 24, item 5; src/worker/backgroundFill.ts,
 * src/engine/inference/backgroundValueNorms.ts), real models and onnxruntime: they equal the
 * ones a value-weighted slice computes on demand, a request asked during the background goes
 * before its remaining tasks, and releasing the result or a newer inspection stops it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Engine } from '../../../src/engine/engine';
import { RunTurns } from '../../../src/worker/runTurns';
import { fillInBackground } from '../../../src/worker/backgroundFill';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';
import { worstRelative } from '../attention/referenceAgreement';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def mean(values):\n    total = sum(values)\n    return total / len(values)\n';

async function held(engine: Engine, dir: string) {
  const result = await engine.inspectHeld(dir, TEXT);
  return { resultId: result.resultId, ...result.stacks[0] };
}

/** The background's tasks for `resultId`, each logged in `order` as it starts. */
function logged(engine: Engine, resultId: number, order: string[], onStart?: () => void) {
  return () => {
    const task = engine.backgroundTask(resultId);
    return (
      task &&
      (() => {
        order.push('background task');
        onStart?.();
        return task();
      })
    );
  };
}

describe('value norms in the background (issue 24, item 5)', function () {
  this.timeout(120_000);

  for (const [name, dir] of [
    ['the bundled model', BUNDLED],
    ['llama (grouped-query attention)', join(HF_FIXTURES, 'llama')],
    ['gpt2 (Conv1D biases)', join(HF_FIXTURES, 'gpt2')],
  ]) {
    it(`${name}: equal the norms a value-weighted slice computes on demand (1e-6)`, async () => {
      const engine = sharedEngine();
      const background = await held(engine, dir);
      const ran = await fillInBackground(
        new RunTurns(),
        logged(engine, background.resultId, []),
        () => false,
      );
      assert.ok(ran >= background.layers, `${ran} tasks for ${background.layers} layers`);
      assert.equal(engine.backgroundTask(background.resultId), undefined, 'nothing left');
      const onDemand = await held(engine, dir);
      const { layers, heads, cols } = background;
      for (let layer = 0; layer < layers; layer++) {
        for (let head = 0; head < heads; head++) {
          const ask = {
            kind: 'encoder' as const,
            layer,
            heads: [head],
            weights: 'value-weighted' as const,
          };
          const want = await engine.slice(onDemand.resultId, ask);
          const got = await engine.slice(background.resultId, ask);
          const worst = worstRelative(got, want, cols);
          assert.ok(worst <= 1e-6, `layer ${layer} head ${head}: ${worst}`);
        }
      }
      engine.release(background.resultId);
      engine.release(onDemand.resultId);
    });
  }

  it('a slice and an inspection asked during a task go before the remaining tasks', async () => {
    const engine = sharedEngine();
    const result = await held(engine, BUNDLED);
    const turns = new RunTurns();
    const order: string[] = [];
    const asked: Promise<void>[] = [];
    const ask = (lane: 'query' | 'inspect', name: string, work: () => Promise<unknown>) =>
      (async () => {
        const done = await turns.next(lane);
        order.push(name);
        await work();
        done();
      })();
    const askOnce = () => {
      if (asked.length > 0) return;
      const slice = { kind: 'encoder' as const, layer: 2, heads: [1], rows: [5] };
      asked.push(ask('query', 'slice', () => engine.slice(result.resultId, slice)));
      asked.push(ask('inspect', 'inspection', () => engine.inspectHeld(BUNDLED, 'x = 1\n')));
    };
    const ran = await fillInBackground(
      turns,
      logged(engine, result.resultId, order, askOnce),
      () => false,
    );
    await Promise.all(asked);
    assert.equal(ran, result.layers);
    const rest = Array<string>(result.layers - 1).fill('background task');
    assert.deepEqual(order, ['background task', 'slice', 'inspection', ...rest]);
    // The background filled norms nobody asked for: overviews gain no writes from it.
    const overview = await engine.overview(result.resultId, 'encoder', 3);
    assert.equal(overview.writes, undefined);
    engine.release(result.resultId);
  });

  it('releasing the result stops the background after the task in flight', async () => {
    const engine = sharedEngine();
    const result = await held(engine, BUNDLED);
    const order: string[] = [];
    const release = () => engine.release(result.resultId);
    const ran = await fillInBackground(
      new RunTurns(),
      logged(engine, result.resultId, order, release),
      () => false,
    );
    assert.equal(ran, 1);
    assert.deepEqual(order, ['background task']);
  });

  it('a newer inspection stops it: no task starts once `stopped` says so', async () => {
    const engine = sharedEngine();
    const result = await held(engine, BUNDLED);
    const order: string[] = [];
    let newer = false;
    const ran = await fillInBackground(
      new RunTurns(),
      logged(engine, result.resultId, order, () => {
        newer = true;
      }),
      () => newer,
    );
    assert.equal(ran, 1);
    assert.notEqual(engine.backgroundTask(result.resultId), undefined, 'work was left');
    engine.release(result.resultId);
  });
});
