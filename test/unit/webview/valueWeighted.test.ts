import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { AttentionSliceRequest } from '../../../src/engine/types';
import { ResultStore } from '../../../webview/resultStore';
import { toRowShares } from '../../../src/engine/attention/valueWeightedOverview';
import { toFeedResult } from '../../../src/panel/webviewFeed';
import { sharedEngine } from '../engine/fixtures';

/**
 * The webview's value-weighted matrices (issue 24), fed the bundled model's result as the
 * engine holds it (value norms with it): the store asks for value-weighted slices and shows
 * each row's share of what the head moves; rollout keeps chaining attention weights.
 */
const BUNDLED = join(__dirname, '../../../models/mini-code-gpt');
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';
const settled = () => new Promise((r) => setTimeout(r, 50));

describe('value-weighted matrices in the webview (webview/valueWeighted.ts, resultStore.ts)', () => {
  it('toRowShares divides each row by its sum and leaves a zero row alone', () => {
    const rows = toRowShares(new Float32Array([1, 3, 0, 0, 2, 2]), 2);
    assert.deepEqual([...rows], [0.25, 0.75, 0, 0, 0.5, 0.5]);
  });

  it('asks for value-weighted slices and shows row shares; rollout stays on attention', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const meta = toFeedResult(held, 1, 'add.py').meta;
    const asked: AttentionSliceRequest[] = [];
    const store = new ResultStore({
      overview: (_runId, kind, layer) => engine.overview(held.resultId, kind, layer),
      slice: (_runId, request) => {
        asked.push(request);
        return engine.slice(held.resultId, request);
      },
    });
    store.start(meta);
    await settled();
    const n = held.tokens.length;
    store.weights = 'value-weighted';
    // The first value-weighted slice has the engine compute the norms (a second session's
    // run, issue 24): wait for it rather than a fixed time.
    let shown = store.tokenMatrix(1, 1);
    for (let waited = 0; !shown && waited < 600; waited++) {
      await settled();
      shown = store.tokenMatrix(1, 1);
    }
    assert.ok(shown, 'no value-weighted matrix');
    const request = { kind: 'encoder' as const, layer: 1, heads: [1] };
    const norms = await engine.slice(held.resultId, { ...request, weights: 'value-weighted' });
    const raw = await engine.slice(held.resultId, request);
    let differs = 0;
    for (let i = 0; i < n; i++) {
      let total = 0;
      for (let j = 0; j < n; j++) total += norms[i * n + j];
      for (let j = 0; j < n; j++) {
        assert.ok(Math.abs(shown.data[i * n + j] - norms[i * n + j] / total) < 1e-6);
        differs = Math.max(differs, Math.abs(shown.data[i * n + j] - raw[i * n + j]));
      }
    }
    assert.ok(differs > 0.01, `value-weighted equals raw (max difference ${differs})`);
    assert.deepEqual(asked.at(-1), { ...request, weights: 'value-weighted', rowShares: true });

    // Whole value-weighted layers in the cache must not feed rollout.
    store.tokenMatrix(0, 'mean');
    store.tokenMatrix(1, 'mean');
    await settled();
    asked.length = 0;
    store.tokenMatrix(1, 'rollout');
    await settled();
    await settled();
    assert.ok(store.tokenMatrix(1, 'rollout'), 'no rollout');
    assert.ok(asked.length > 0 && asked.every((r) => r.weights === undefined));

    store.weights = 'attention';
    store.tokenMatrix(1, 1);
    await settled();
    const back = store.tokenMatrix(1, 1);
    assert.ok(back?.data.every((w, k) => w === raw[k]));
  });
});
