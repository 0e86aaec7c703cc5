import { strict as assert } from 'node:assert';
import { HeldResults } from '../../../src/engine/attention/heldResults';
import { holdInspection } from '../../../src/engine/attention/holdInspection';
import type { AttentionSliceRequest } from '../../../src/engine/types';
import { maxOverHeads, meanOverHeads } from '../../../src/shared/headAggregates';
import { ResultStore } from '../../../webview/resultStore';
import { ROLLOUT_MAX_BYTES } from '../../../webview/rolloutChain';
import { runFixture, type FixtureResult } from '../../browser/fixtureResult';

/**
 * The webview's view of a result, fed a real engine result (the fixture decoder through
 * onnxruntime-web) held by the engine's own `HeldResults`, asked the way the host relays
 * the webview's calls: overviews of every layer, and only the slices a view wants.
 */
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

/** Lets answers settle (promise callbacks run). */
const settled = () => new Promise((r) => setTimeout(r, 20));

/** A store whose host is the engine's held results, recording what it is asked. */
function storeOver(fixture: FixtureResult) {
  const held = new HeldResults();
  const { resultId } = holdInspection(held, fixture.result);
  const slices: AttentionSliceRequest[] = [];
  let overviews = 0;
  let changes = 0;
  const store = new ResultStore(
    {
      overview: (runId, kind, layer) => {
        overviews++;
        if (runId !== fixture.meta.runId) return Promise.reject(new Error('stale'));
        return held.overview(resultId, kind, layer);
      },
      slice: (runId, request) => {
        slices.push(request);
        if (runId !== fixture.meta.runId) return Promise.reject(new Error('stale'));
        return held.slice(resultId, request);
      },
    },
    () => changes++,
  );
  return { store, held, resultId, slices, overviews: () => overviews, changes: () => changes };
}

describe('ResultStore (webview/resultStore.ts)', () => {
  let fixture: FixtureResult;
  before(async () => {
    fixture = await runFixture();
  });

  it('pulls every overview on start, and asks for one head when one head is shown', async () => {
    const { store, slices, overviews } = storeOver(fixture);
    store.start(fixture.meta);
    const { layers, meta } = fixture;
    assert.equal(store.receivedLayers, 0);
    await settled();
    assert.equal(overviews(), layers.length);
    assert.equal(store.receivedLayers, layers.length);
    assert.ok(store.finished);
    assert.equal(store.summaries().length, layers.length * meta.model.heads);
    assert.deepEqual(slices, [], 'overviews and summaries ask for no slice');
    const n = meta.tokens.length;
    assert.equal(store.tokenMatrix(1, 1), undefined, 'not here until asked and answered');
    await settled();
    const matrix = store.tokenMatrix(1, 1)!;
    assert.deepEqual(slices, [{ kind: 'encoder', layer: 1, heads: [1] }]);
    assert.equal(maxDiff(matrix.data, layers[1]!.subarray(n * n, 2 * n * n)), 0, 'exact weights');
  });

  it('asks for a whole layer once for its mean and max, and cuts heads out of it', async () => {
    const { store, slices } = storeOver(fixture);
    store.start(fixture.meta);
    const n = fixture.meta.tokens.length;
    const heads = fixture.meta.model.heads;
    store.tokenMatrix(0, 'mean');
    await settled();
    const mean = store.tokenMatrix(0, 'mean')!;
    const max = store.tokenMatrix(0, 'max')!;
    const head = store.tokenMatrix(0, 1)!;
    assert.deepEqual(slices, [{ kind: 'encoder', layer: 0 }]);
    const layer = fixture.layers[0]!;
    assert.ok(maxDiff(mean.data, meanOverHeads(layer, n, heads).data) < 1e-7);
    assert.ok(maxDiff(max.data, maxOverHeads(layer, n, heads).data) === 0);
    assert.equal(maxDiff(head.data, layer.subarray(n * n, 2 * n * n)), 0);
  });

  it('rolls out layer by layer, and refuses politely above its size without asking', async () => {
    const { store, slices } = storeOver(fixture);
    store.start(fixture.meta);
    assert.equal(store.tokenMatrix(1, 'rollout'), undefined);
    await settled();
    assert.ok(store.tokenMatrix(1, 'rollout'));
    assert.deepEqual(
      slices.map((s) => s.layer),
      [0, 1],
    );
    const n = 2048;
    const big = {
      ...fixture.meta,
      runId: 9,
      tokens: Array.from({ length: n }, (_, i) => ({
        id: i,
        text: 't',
        start: i,
        end: i + 1,
        special: false,
      })),
      stacks: [{ kind: 'encoder' as const, layers: 30, heads: 9, rows: n, cols: n, causal: true }],
    };
    assert.ok(30 * 9 * n * n * 4 > ROLLOUT_MAX_BYTES);
    const asked = slices.length;
    store.start(big);
    assert.equal(store.tokenMatrix(29, 'rollout'), undefined);
    assert.match(store.notice(29, 'rollout') ?? '', /needs every layer's attention .* 2048 tokens/);
    assert.equal(slices.length, asked, 'nothing asked for a refused rollout');
  });

  it('forgets the previous result and drops its late answers; says why a result is gone', async () => {
    const { store, held, resultId } = storeOver(fixture);
    store.start(fixture.meta);
    store.tokenMatrix(0, 0);
    store.start({ ...fixture.meta, runId: fixture.meta.runId + 1 });
    await settled();
    assert.equal(store.tokenMatrix(0, 0), undefined, 'the older answer was dropped');
    assert.equal(store.receivedLayers, 0);
    assert.match(store.queryError ?? '', /stale/);
    const again = storeOver(fixture);
    again.held.release(again.resultId);
    again.store.start(fixture.meta);
    await settled();
    assert.match(again.store.queryError ?? '', /no longer held/);
    held.release(resultId);
  });
});
