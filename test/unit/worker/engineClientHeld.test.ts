/**
 * The client's held-result calls (issue 22) through the bundled worker: `inspectHeld` keeps
 * the attention in the worker, `slice` answers what `inspect` would have carried, `release`
 * forgets it, and a held run is superseded like any other.
 */
import assert from 'node:assert/strict';
import { EngineRunError } from '../../../src/worker/engineClient';
import { fixtureModel } from '../engine/fixtures';
import { assertWorkerBuilt, builtWorkerClient } from './builtWorker';

const TEXT = 'total = sum(values) / len(values)\n';

describe('EngineClient: held results (dist/engine.worker.js)', function () {
  this.timeout(60000);
  before(assertWorkerBuilt);
  const client = builtWorkerClient();
  after(() => client.dispose());

  it('slices equal the attention inspect returns; a released result is refused', async () => {
    const modelDir = fixtureModel('decoder-attn');
    const whole = await client.inspect({ modelDir, text: TEXT }).result;
    const held = await client.inspectHeld({ modelDir, text: TEXT }).result;
    assert.equal('attentions' in held, false);
    assert.equal(held.stacks[0].layers, whole.attentions.length);
    const n = whole.tokens.length;
    for (let layer = 0; layer < whole.attentions.length; layer++) {
      const heads = [1, 0];
      const slice = await client.slice(held.resultId, { kind: 'encoder', layer, heads });
      const expected = heads.flatMap((h) => [
        ...whole.attentions[layer].subarray(h * n * n, (h + 1) * n * n),
      ]);
      assert.deepEqual([...slice], expected);
    }
    await client.release(held.resultId);
    await assert.rejects(
      client.slice(held.resultId, { kind: 'encoder', layer: 0 }),
      (error: unknown) => error instanceof EngineRunError && error.code === 'released',
    );
  });

  it('a newer held inspection supersedes an older one', async () => {
    const modelDir = fixtureModel('decoder-attn');
    const first = client.inspectHeld({ modelDir, text: TEXT.repeat(6) });
    const second = client.inspectHeld({ modelDir, text: 'x + y' });
    await assert.rejects(
      first.result,
      (error: unknown) => (error as EngineRunError).code === 'superseded',
    );
    assert.equal((await second.result).text, 'x + y');
  });
});
