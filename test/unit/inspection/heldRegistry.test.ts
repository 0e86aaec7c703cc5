/**
 * The host's held results (src/inspection/heldRegistry.ts) through the built engine worker:
 * the host keeps metadata only, a result stays held while a panel shows it, and the engine
 * lets it go when the last panel stops showing it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { HeldRegistry } from '../../../src/inspection/heldRegistry';
import { EngineRunError } from '../../../src/worker/engineClient';
import { ROOT } from '../engine/fixtures';
import { typedArraysIn } from '../panel/feedFixtures';
import { builtWorkerPerTest } from '../worker/builtWorker';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b\n';

describe('HeldRegistry (host side of held results, built worker)', function () {
  this.timeout(60000);
  const client = builtWorkerPerTest();

  it('keeps no tensor, reuses a shown result, and releases it when no panel shows it', async () => {
    const registry = new HeldRegistry(client());
    const held = await client().inspectHeld({ modelDir: BUNDLED, text: TEXT }).result;
    assert.deepEqual(typedArraysIn(held), [], 'the result crosses to the host without tensors');
    registry.add('key', held);
    registry.show(held.resultId);
    registry.show(held.resultId); // a second panel on the same text
    assert.deepEqual(typedArraysIn(registry), [], 'the host holds no attention');
    assert.equal((await registry.reuse('key'))?.resultId, held.resultId);
    const n = held.tokens.length;
    const row = await client().slice(held.resultId, { kind: 'encoder', layer: 3, rows: [n - 1] });
    assert.equal(row.length, held.model.heads * n, 'one row of each head');
    registry.hide(held.resultId);
    assert.ok(await client().slice(held.resultId, { kind: 'encoder', layer: 0, rows: [0] }));
    registry.hide(held.resultId);
    await assert.rejects(
      client().slice(held.resultId, { kind: 'encoder', layer: 0, rows: [0] }),
      (error: unknown) => error instanceof EngineRunError && error.code === 'released',
    );
    assert.equal(await registry.reuse('key'), undefined, 'a released result is not reused');
    assert.deepEqual(registry.shown, []);
  });

  it('releases at once a result no panel took, and drops a reuse the engine let go', async () => {
    const registry = new HeldRegistry(client());
    const held = await client().inspectHeld({ modelDir: BUNDLED, text: TEXT }).result;
    registry.drop(held);
    await assert.rejects(client().overview(held.resultId, 'encoder', 0), /no longer held/);
    const again = await client().inspectHeld({ modelDir: BUNDLED, text: TEXT }).result;
    registry.add('key', again);
    registry.show(again.resultId);
    await client().release(again.resultId);
    assert.equal(await registry.reuse('key'), undefined);
  });
});
