import { strict as assert } from 'node:assert';
import { packWeights } from '../../../src/shared/weightWire';
import { ResultStore } from '../../../webview/resultStore';
import { runFixture, type FixtureResult } from '../../browser/fixtureResult';

/**
 * The webview's copy of a result, fed a real engine result (the fixture decoder through
 * onnxruntime-web) the way the host's messages deliver it: packed layers, any order.
 */
const maxDiff = (a: Float32Array, b: Float32Array): number =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);

describe('ResultStore (webview/resultStore.ts)', () => {
  let fixture: FixtureResult;
  before(async () => {
    fixture = await runFixture();
  });

  it('holds each layer as it arrives, within the wire precision of the engine', () => {
    const store = new ResultStore();
    store.start(fixture.meta);
    const { layers, meta } = fixture;
    assert.equal(store.receivedLayers, 0);
    for (const layer of [1, 0]) {
      assert.ok(store.addLayer(meta.runId, layer, packWeights(layers[layer]!)));
    }
    assert.equal(store.receivedLayers, layers.length);
    const n = meta.tokens.length;
    assert.equal(store.n, n);
    for (let layer = 0; layer < layers.length; layer++) {
      for (let head = 0; head < meta.model.heads; head++) {
        const matrix = store.tokenMatrix(layer, head)!;
        const expected = layers[layer]!.subarray(head * n * n, (head + 1) * n * n);
        assert.ok(maxDiff(matrix.data, expected) < 1e-5, `layer ${layer} head ${head}`);
      }
    }
  });

  it('refuses layers of another run, out of range or of the wrong size', () => {
    const store = new ResultStore();
    store.start(fixture.meta);
    const packed = packWeights(fixture.layers[0]!);
    assert.equal(store.addLayer(fixture.meta.runId + 1, 0, packed), false);
    assert.equal(store.addLayer(fixture.meta.runId, fixture.layers.length, packed), false);
    assert.equal(store.addLayer(fixture.meta.runId, 0, packed.subarray(1)), false);
    assert.equal(store.receivedLayers, 0);
  });

  it('forgets what it derived when the next result starts', () => {
    const store = new ResultStore();
    store.start(fixture.meta);
    fixture.layers.forEach((layer, i) => {
      store.addLayer(fixture.meta.runId, i, packWeights(layer));
    });
    const mean = store.tokenMatrix(0, 'mean')!;
    assert.equal(store.summaries().length, fixture.layers.length * fixture.meta.model.heads);
    store.start({ ...fixture.meta, runId: fixture.meta.runId + 1 });
    assert.equal(store.tokenMatrix(0, 'mean'), undefined);
    assert.deepEqual(store.summaries(), []);
    store.addLayer(
      fixture.meta.runId + 1,
      0,
      packWeights(new Float32Array(fixture.layers[0]!.length)),
    );
    assert.notDeepEqual(store.tokenMatrix(0, 'mean')!.data, mean.data);
  });
});
