/**
 * The summary's Writes column under norms computed on demand (issue 24): the webview asks each
 * layer's head writes and takes the mean as the engine's overview does (webview/writesPull.ts
 * against attention/headNorms.ts `meanWrites`, which the webview cannot import), and the
 * Weights switch is offered from the stack's `valueNorms` without asking the engine.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NormsProbe } from '../../../webview/normsProbe';
import { meanWrites, WritesPull } from '../../../webview/writesPull';
import { ROOT, sharedEngine } from '../engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');

describe('the Writes column and the Weights switch with norms on demand', () => {
  it('the webview’s mean writes equal the overview’s, layer by layer, asked one layer after another', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, 'def add(a, b):\n    return a + b\n');
    const [{ layers, heads, valueNorms }] = held.stacks;
    assert.equal(valueNorms, true);
    const before = await engine.overview(held.resultId, 'encoder', 0);
    assert.equal(before.writes, undefined, 'nothing computed before a view asks');
    const asked: number[] = [];
    let changes = 0;
    const pull = new WritesPull(
      (_runId, kind, layer) => {
        asked.push(layer);
        return engine.headWrites(held.resultId, kind, layer);
      },
      () => changes++,
    );
    pull.of(7, 'encoder', layers, heads);
    while (changes < layers) await new Promise((go) => setTimeout(go, 10));
    assert.deepEqual(
      asked,
      Array.from({ length: layers }, (_, l) => l),
    );
    const got = pull.of(7, 'encoder', layers, heads);
    for (let layer = 0; layer < layers; layer++) {
      const { writes } = await engine.overview(held.resultId, 'encoder', layer);
      assert.ok(writes, 'the overview carries the writes once computed');
      const mine = got[layer];
      assert.ok(mine);
      assert.equal(mine.relative, writes.relative);
      for (let h = 0; h < heads; h++) {
        assert.ok(
          Math.abs(mine.mean[h] - writes.mean[h]) <= 1e-6 * writes.mean[h],
          `L${layer}H${h}`,
        );
      }
      const direct = meanWrites(await engine.headWrites(held.resultId, 'encoder', layer), heads);
      assert.deepEqual(direct, mine);
    }
  });

  it('a stack that says whether norms can be computed is answered without asking', () => {
    const asked: string[] = [];
    const probe = new NormsProbe(
      async (runId, kind) => asked.push(`${runId}/${kind}`),
      () => undefined,
    );
    assert.equal(probe.refusal(1, 'encoder', { valueNorms: true }), null);
    assert.match(
      probe.refusal(2, 'encoder', { valueNorms: 'no projection' }) ?? '',
      /^Value-weighted attention is not available: no projection\.$/,
    );
    assert.deepEqual(asked, []);
    assert.equal(probe.refusal(3, 'encoder', {}), undefined, 'unknown: asked');
    assert.deepEqual(asked, ['3/encoder']);
  });
});
