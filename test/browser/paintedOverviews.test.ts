/**
 * Block thumbnails travel as the levels the model view paints (src/protocol/overviewWire.ts):
 * for real overviews — the bundled model's causal heads, attention and value-weighted, and an
 * encoder-decoder's bidirectional encoder, causal decoder and non-square cross-attention —
 * the pixels painted from the levels equal, colour step for colour step and mask for mask,
 * those painted from the weights at every thumbnail size the view uses; they deflate to
 * under half of the 16-bit weights; exact thumbnails and windowed layers stay weights.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import type {
  AttentionKind,
  HeldResult,
  LayerOverview,
  SliceWeights,
} from '../../src/engine/types';
import { packOverview, packWeightOverview, unpackOverview } from '../../src/protocol/overviewWire';
import { pooledLevels, thumbnailLevels } from '../../src/shared/thumbnailLevels';
import { fitsStack } from '../../webview/overviewPull';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { seq2seqDir, seq2seqReference } from '../unit/seq2seq/seq2seqFixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const LINE = 'def add(a, b):\n    return a + b  # sum\n';
/** Thumbnail sizes in pixels: the model view's smallest, its largest, and between. */
const SIZES = [40, 64, 94, 99, 128, 180];

/** Colour steps (−1: masked) of a `size`-pixel thumbnail of one head, as modelView paints it. */
function painted(o: LayerOverview, head: number, size: number, causal: boolean): Int16Array {
  const cells = o.side * o.colSide;
  const data = o.thumbnails.subarray(head * cells, (head + 1) * cells);
  const levels = (o as { painted?: true }).painted
    ? pooledLevels(data, o.side, o.colSide, size)
    : thumbnailLevels({ n: o.side, data, cols: o.colSide }, size, causal);
  return Int16Array.from(levels, (level) => (level < 0 ? -1 : Math.round(level * 255)));
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Checks every layer of `kind`; returns the deflated thumbnail bytes (levels, 16-bit). */
async function checkStack(
  overview: (layer: number) => Promise<LayerOverview>,
  held: HeldResult,
  kind: AttentionKind,
): Promise<{ levels: number; weights: number }> {
  const stack = held.stacks.find((s) => s.kind === kind);
  assert.ok(stack);
  const sizes = { levels: 0, weights: 0 };
  for (let layer = 0; layer < stack.layers; layer++) {
    const sent = await overview(layer);
    assert.ok(sent.blockRows > 1 || sent.blockCols > 1, `${kind} L${layer}: block means`);
    const packed = packOverview(sent, held.stacks);
    assert.ok('levels' in packed, `${kind} L${layer} travels as levels`);
    const got = unpackOverview(packed);
    assert.ok(fitsStack(got, stack));
    assert.equal(got.painted, true);
    assert.deepEqual(
      { ...got, thumbnails: [], painted: 0 },
      { ...sent, thumbnails: [], painted: 0 },
    );
    for (let head = 0; head < stack.heads; head++) {
      for (const size of SIZES) {
        const want = painted(sent, head, size, stack.causal);
        const have = painted(got, head, size, stack.causal);
        const at = want.findIndex((step, i) => have[i] !== step);
        assert.equal(
          at,
          -1,
          `${kind} L${layer} H${head} ${size}px cell ${at}: ${want[at]} → ${have[at]}`,
        );
      }
    }
    sizes.levels += deflateRawSync(bytes(packed.levels)).length;
    const weights = packWeightOverview(sent);
    assert.ok('thumbnails' in weights);
    sizes.weights += deflateRawSync(bytes(weights.thumbnails)).length;
  }
  return sizes;
}

describe('block thumbnails travel as the levels the view paints', function () {
  this.timeout(300_000);

  for (const weights of ['attention', 'value-weighted'] as SliceWeights[]) {
    it(`bundled model, ${weights}: the same pixels from a fraction of the bytes`, async () => {
      const engine = sharedEngine();
      const held = await engine.inspectHeld(BUNDLED, LINE.repeat(11));
      const { resultId } = held;
      const sizes = await checkStack(
        (l) => engine.overview(resultId, 'encoder', l, undefined, weights),
        held,
        'encoder',
      );
      // Measured at ~220 tokens: 0.47 of the bytes, attention and value-weighted alike.
      assert.ok(sizes.levels < sizes.weights * 0.55, `${sizes.levels} vs ${sizes.weights} bytes`);
      engine.release(resultId);
    });
  }

  it('encoder-decoder: bidirectional, causal and non-square cross thumbnails', async () => {
    const engine = sharedEngine();
    const source = seq2seqReference('opus-mt-tiny');
    const held = await engine.inspectHeld(
      seq2seqDir('opus-mt-tiny'),
      source.source_text.repeat(12),
      {
        target: { kind: 'given', text: source.given.target_text.repeat(12) },
      },
    );
    for (const kind of ['encoder', 'decoder', 'cross'] as const) {
      await checkStack((l) => engine.overview(held.resultId, kind, l), held, kind);
    }
    engine.release(held.resultId);
  });

  it('exact thumbnails and layers with a sliding window travel as weights', async () => {
    const engine = sharedEngine();
    const held = await engine.inspectHeld(BUNDLED, LINE.repeat(11));
    const overview = await engine.overview(held.resultId, 'encoder', 1);
    const windowed = held.stacks.map((s) => ({ ...s, windows: [null, 64, null, null] }));
    assert.ok('thumbnails' in packOverview(overview, windowed), 'layer 1 has a window');
    assert.ok('levels' in packOverview({ ...overview, layer: 0 }, windowed));
    const short = await engine.inspectHeld(BUNDLED, LINE.repeat(2));
    const exact = await engine.overview(short.resultId, 'encoder', 0);
    assert.equal(exact.blockRows, 1);
    assert.ok('thumbnails' in packOverview(exact, short.stacks));
    engine.release(held.resultId);
    engine.release(short.resultId);
  });
});
