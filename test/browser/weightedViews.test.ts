/**
 * The Weights switch beyond the matrix and head views (issue 24): the model view's
 * thumbnails are redrawn from the engine's value-weighted overviews (the bundled model's
 * sink head, each pixel's level as the engine's value-weighted slices give it) with a legend
 * saying which weights are shown; a long head drawn from tiles asks for value-weighted row
 * shares, and the focused row the editor mirrors is the engine's shares, named so.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadNorms } from '../../src/engine/attention/headNorms';
import { HeldTensors } from '../../src/engine/attention/attentionSource';
import { HeldResults } from '../../src/engine/attention/heldResults';
import type { Engine } from '../../src/engine/engine';
import type { HeldResult } from '../../src/engine/types';
import { toFeedResult } from '../../src/panel/webviewFeed';
import type { FocusMessage, HostToWebview } from '../../src/protocol/webview';
import { colorMapLut } from '../../webview/heatmap/colorMaps';
import { thumbnailLevels } from '../../src/shared/thumbnailLevels';
import { TILED_ABOVE } from '../../webview/headTiles';
import { sharedEngine } from '../unit/engine/fixtures';
import { longResult } from './longResult';
import { webviewPagesForSuite } from './suiteChromium';
import type { WebviewPage } from './webviewPage';

const ROOT = join(__dirname, '../..');
const BUNDLED = join(ROOT, 'models/mini-code-gpt');
const SINK_TEXT = readFileSync(join(ROOT, 'test/fixtures/norms/sink-code.py'), 'utf8');
const SETTINGS: HostToWebview = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 5, defaultView: 'model' },
};

/** Each `cols`-long row over its sum, then means of `block` × `block` cells: `[side, side]`. */
function shareBlocks(head: Float32Array, n: number, block: number): Float32Array {
  const side = Math.ceil(n / block);
  const out = new Float64Array(side * side);
  for (let i = 0; i < n; i++) {
    const row = head.subarray(i * n, (i + 1) * n);
    const sum = row.reduce((a, b) => a + b, 0);
    const at = Math.floor(i / block) * side;
    for (let j = 0; j < n; j++) out[at + Math.floor(j / block)] += sum > 0 ? row[j] / sum : 0;
  }
  for (let bi = 0; bi < side; bi++) {
    for (let bj = 0; bj < side; bj++) {
      out[bi * side + bj] /= Math.min(block, n - bi * block) * Math.min(block, n - bj * block);
    }
  }
  return Float32Array.from(out);
}

/** Colour-map level (0–1) of each pixel of the thumbnail of `layer`/`head`, one per cell. */
async function thumbnailPixels(w: WebviewPage, layer: number, head: number) {
  return w.page.$eval(`.thumb[data-layer="${layer}"][data-head="${head}"] canvas`, (c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return { width: canvas.width, rgba: Array.from(data) };
  });
}

function nearestLevel(r: number, g: number, b: number, lut: Uint8Array): number {
  let best = 0;
  let bestDist = Infinity;
  for (let k = 0; k < 256; k++) {
    const d = (r - lut[k * 3]) ** 2 + (g - lut[k * 3 + 1]) ** 2 + (b - lut[k * 3 + 2]) ** 2;
    if (d < bestDist) [best, bestDist] = [k, d];
  }
  return best / 255;
}

/** The largest difference between the drawn levels and `expected` (`size`², −1 masked). */
function worstLevel(
  drawn: { width: number; rgba: number[] },
  expected: Float32Array,
  size: number,
): number {
  const lut = colorMapLut('viridis');
  const zoom = drawn.width / size;
  let worst = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const want = expected[y * size + x];
      if (want < 0) continue;
      const p = (y * zoom * drawn.width + x * zoom) * 4;
      const got = nearestLevel(drawn.rgba[p], drawn.rgba[p + 1], drawn.rgba[p + 2], lut);
      worst = Math.max(worst, Math.abs(got - want));
    }
  }
  return worst;
}

describe('the Weights switch in the model view and on long heads (issue 24, Chromium)', () => {
  const openPage = webviewPagesForSuite();

  it('redraws the model view’s thumbnails from the engine’s value-weighted overviews', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, SINK_TEXT);
    const w = await openPage({
      state: { v: 1, view: 'model', layer: 1, head: 1 },
    });
    w.host.holdInEngine(1, engine, held);
    const meta = toFeedResult(held, 1, 'sink-code.py').meta;
    await w.send([SETTINGS, { type: 'didStartResult', meta }]);
    await w.settle();
    assert.match((await w.page.textContent('.model-weights')) ?? '', /attention weights/);
    const before = await thumbnailPixels(w, 1, 1);

    await w.page.selectOption('.weights-switch select', 'value-weighted');
    await w.settle();
    const asked = w.host.callsOf('overview').filter((c) => c.weights === 'value-weighted');
    assert.deepEqual(
      asked.map((c) => c.layer),
      Array.from({ length: held.model.layers }, (_, l) => l),
      'one value-weighted overview per layer',
    );
    assert.deepEqual(w.host.callsOf('slice'), [], 'the model view asks for no slice');
    assert.match((await w.page.textContent('.model-weights')) ?? '', /value-weighted/);
    assert.match((await w.page.getAttribute('.model-grid', 'aria-label')) ?? '', /^Value-weighted/);

    // What the engine's value-weighted slices say the sink head's thumbnail is.
    const n = held.tokens.length;
    const block = Math.ceil(n / 128);
    const side = Math.ceil(n / block);
    const layer = await engine.slice(held.resultId, {
      kind: 'encoder',
      layer: 1,
      heads: [1],
      weights: 'value-weighted',
    });
    const blocks = shareBlocks(layer, n, block);
    const expected = thumbnailLevels({ n: side, data: blocks }, side, true);
    const after = await thumbnailPixels(w, 1, 1);
    const worst = worstLevel(after, expected, side);
    assert.ok(worst <= 0.01, `the drawn levels differ from the engine's by ${worst}`);
    assert.ok(worstLevel(before, expected, side) > 0.05, 'attention would have drawn the same');

    await w.page.selectOption('.weights-switch select', 'attention');
    await w.settle();
    assert.deepEqual(await thumbnailPixels(w, 1, 1), before, 'attention thumbnails come back');
    assert.match((await w.page.textContent('.model-weights')) ?? '', /attention weights/);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('a long head drawn from tiles asks for value-weighted row shares; its focused row is the engine’s', async () => {
    const n = TILED_ABOVE + 88;
    const { results, held, norms } = longHeldResult(n);
    const w = await openPage({
      state: { v: 1, view: 'matrix', layer: 0, head: 1 },
    });
    w.host.holdInEngine(1, results as unknown as Engine, held);
    const meta = toFeedResult(held, 1, 'long.py').meta;
    await w.send([SETTINGS, { type: 'didStartResult', meta }]);
    await w.settle();
    const attentionSlices = w.host.callsOf('slice').length;
    assert.ok(attentionSlices > 0, 'the long head is drawn from the engine’s slices');

    await w.page.selectOption('.weights-switch select', 'value-weighted');
    await w.settle();
    const asked = w.host.callsOf('slice').slice(attentionSlices);
    assert.ok(asked.length > 0, 'the switch asks again');
    for (const call of asked) {
      assert.equal(call.weights, 'value-weighted');
      assert.equal(call.rowShares, true);
    }
    assert.match((await w.page.textContent('.legend')) ?? '', /value-weighted share/);

    const query = 300;
    await w.send({ type: 'didFocusToken', runId: 1, index: query });
    await w.settle();
    const posted = (await w.posted()).filter((m) => m.type === 'focusToken');
    const focus = posted.at(-1) as FocusMessage;
    assert.equal(focus.index, query);
    assert.equal(focus.shownWeights, 'value-weighted');
    assert.deepEqual(focus.source, { layer: 0, head: 1 });
    assert.match(focus.label, /value-weighted/);
    // Head 1 attends evenly: its value-weighted shares are each key's norm over the row's sum.
    let sum = 0;
    for (let j = 0; j <= query; j++) sum += norms[j];
    const shown = [...(focus.weights ?? [])].flatMap((v, j) => (v > 0 ? [[j, v]] : []));
    assert.equal(shown.length, 5, 'the top 5 keys');
    for (const [j, v] of shown) {
      assert.ok(Math.abs(v - norms[j] / sum) <= 1e-6, `key ${j}: ${v} vs ${norms[j] / sum}`);
      assert.ok(Math.abs(v - 1 / (query + 1)) > 1e-4, 'the attention weight itself');
    }
    await w.close();
  });
});

/**
 * A causal result of `n` tokens, one layer of two heads (previous token; even), held with
 * value norms that vary by key (1 + j mod 7): the engine's own arithmetic on made-up norms.
 */
function longHeldResult(n: number) {
  const { attentions, ...meta } = longResult(n);
  const weights = attentions[0];
  const stack = { kind: 'encoder' as const, layers: 1, heads: 2, rows: n, cols: n, causal: true };
  const source = new HeldTensors(stack, [weights]);
  const norms = Float32Array.from({ length: n }, (_, j) => 1 + (j % 7));
  const values = new Float32Array(2 * n);
  values.set(norms, 0);
  values.set(norms, n);
  source.norms = HeadNorms.of(stack, [{ values, writes: new Float32Array(2 * n).fill(1) }]);
  const results = new HeldResults();
  const held: HeldResult = results.hold(meta, [{ source }]);
  return { results, held, norms };
}
