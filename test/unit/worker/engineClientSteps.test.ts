/** Head steps through the bundled worker (bundled model, opus-mt-tiny): typed arrays arrive, the worker stays usable. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { EngineRunError } from '../../../src/worker/engineClient';
import { ROOT } from '../engine/fixtures';
import { builtWorkerPerTest } from './builtWorker';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');

describe('EngineClient head steps (dist/engine.worker.js, bundled model)', function () {
  this.timeout(60000);
  const client = builtWorkerPerTest();

  it('inspect with steps and headSteps for the same ids agree, as typed arrays', async () => {
    const inspected = await client().inspect({
      modelDir: BUNDLED,
      text: 'x = y + x',
      steps: [{ layer: 2, head: 1 }],
    }).result;
    const [fromInspect] = inspected.steps ?? [];
    assert.ok(fromInspect.q instanceof Float32Array && fromInspect.masked instanceof Uint8Array);
    const ids = inspected.tokens.map((t) => t.id);
    const [again] = await client().headSteps({
      modelDir: BUNDLED,
      ids,
      requests: [{ layer: 2, head: 1 }],
    });
    assert.equal(again.n, ids.length);
    assert.deepEqual([...again.scores], [...fromInspect.scores]);
    assert.deepEqual([...again.output], [...fromInspect.output]);
  });

  it('a bad head is a badInput error naming the range, and the worker keeps serving', async () => {
    await assert.rejects(
      client().headSteps({ modelDir: BUNDLED, ids: [1, 2], requests: [{ layer: 9, head: 0 }] }),
      (error: unknown) => {
        assert.ok(error instanceof EngineRunError);
        assert.equal(error.code, 'badInput');
        assert.match(error.message, /layers 0–3/);
        return true;
      },
    );
    const [ok] = await client().headSteps({
      modelDir: BUNDLED,
      ids: [1, 2],
      requests: [{ layer: 0, head: 0 }],
    });
    assert.equal(ok.n, 2);
  });

  it('an encoder-decoder: headSteps with the decoder ids gives the steps inspect gave (cross: N decoder × M source)', async () => {
    const dir = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
    const requests = [{ kind: 'cross' as const, layer: 1, head: 2 }];
    const inspected = await client().inspect({
      modelDir: dir,
      text: 'Hello world!',
      target: { kind: 'given', text: 'Die Katze' },
      steps: requests,
    }).result;
    const [fromInspect] = inspected.steps ?? [];
    const ids = inspected.tokens.map((t) => t.id);
    const decoderIds = inspected.seq2seq?.decoderTokens.map((t) => t.id) ?? [];
    const [again] = await client().headSteps({ modelDir: dir, ids, decoderIds, requests });
    assert.deepEqual([again.kind, again.n, again.m], ['cross', decoderIds.length, ids.length]);
    assert.ok(again.scores instanceof Float32Array);
    assert.deepEqual([...again.scores], [...fromInspect.scores]);
    assert.deepEqual([...again.output], [...fromInspect.output]);
  });
});
