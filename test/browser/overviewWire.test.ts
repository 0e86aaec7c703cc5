/**
 * Overviews on the wire to the webview as weights (src/protocol/overviewWire.ts; block means
 * travel as painted levels since, paintedOverviews.test.ts): the bundled model's
 * real thumbnails, exact (≤ 128 tokens) and block means (~200 tokens), travel in about a
 * quarter of the bytes (16 bits, rows cut at the causal diagonal), every value within 2⁻¹⁰ of itself, and the model view paints the same picture:
 * no cell more than one of its 256 colour steps away (about 1 cell in 100 is, at ~220 tokens).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { LayerOverview } from '../../src/engine/types';
import {
  packThumbnails,
  packWeightOverview,
  unpackOverview,
  unpackThumbnails,
} from '../../src/protocol/overviewWire';
import { thumbnailLevels } from '../../src/shared/thumbnailLevels';
import { fitsStack } from '../../webview/overviewPull';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const LINE = 'def add(a, b):\n    return a + b  # sum\n';

/** Colour steps of one head as the model view paints it (thumbnailImage.ts). */
function colourSteps(o: LayerOverview, head: number): Int16Array {
  const size = o.side * o.colSide;
  const data = o.thumbnails.subarray(head * size, (head + 1) * size);
  const levels = thumbnailLevels({ n: o.side, data }, o.side, true);
  return Int16Array.from(levels, (level) => (level < 0 ? -1 : Math.round(level * 255)));
}

describe('overviews on the wire to the webview', function () {
  this.timeout(300_000);

  for (const [what, repeat] of [
    ['exact, ~60 tokens', 3],
    ['block means, ~220 tokens', 11],
  ] as const) {
    it(`${what}: a quarter of the bytes, the same picture`, async () => {
      const engine = sharedEngine();
      const held = await engine.inspectHeld(BUNDLED, LINE.repeat(repeat));
      const [stack] = held.stacks;
      let cells = 0;
      let offByOne = 0;
      const bytes = { float32: 0, packed: 0 };
      for (let layer = 0; layer < stack.layers; layer++) {
        const sent = await engine.overview(held.resultId, 'encoder', layer);
        const packed = packWeightOverview(sent);
        const zeros = sent.thumbnails.filter((v) => v === 0).length;
        bytes.float32 += sent.thumbnails.byteLength;
        bytes.packed += packed.thumbnails.byteLength + packed.rowLengths.byteLength;
        assert.ok(packed.thumbnails.length <= sent.thumbnails.length - zeros / 2);
        const got = unpackOverview(packed);
        assert.ok(fitsStack(got, stack));
        assert.deepEqual({ ...got, thumbnails: [] }, { ...sent, thumbnails: [] });
        sent.thumbnails.forEach((value, i) => {
          const error = Math.abs(got.thumbnails[i] - value);
          assert.ok(error <= value * 2 ** -10, `${value} came back as ${got.thumbnails[i]}`);
          if (value === 0) assert.equal(got.thumbnails[i], 0);
        });
        for (let head = 0; head < stack.heads; head++) {
          const before = colourSteps(sent, head);
          const after = colourSteps(got, head);
          before.forEach((step, i) => {
            assert.ok(
              Math.abs(after[i] - step) <= 1,
              `head ${head} cell ${i}: ${step} → ${after[i]}`,
            );
            if (after[i] !== step) offByOne++;
          });
          cells += before.length;
        }
      }
      // Causal: each row stops at the diagonal (measured: 27% of the bytes at ~220 tokens).
      assert.ok(bytes.packed < bytes.float32 * 0.3, `${bytes.packed} of ${bytes.float32} bytes`);
      // Measured: 0 of the exact thumbnails' cells, 1.0% of the ~220-token ones.
      assert.ok(offByOne <= cells * 0.02, `${offByOne} of ${cells} cells one colour step off`);
    });
  }

  it('keeps every exponent, clamps what no weight can be', () => {
    const values = Float32Array.of(0, 1, 0.5, 1e-30, 3e-38, 0.123456, -0.25, Number.NaN, 5);
    const back = unpackThumbnails(packThumbnails(values));
    for (let i = 0; i < 6; i++) {
      assert.ok(Math.abs(back[i] - values[i]) <= values[i] * 2 ** -10, `${values[i]}: ${back[i]}`);
    }
    assert.equal(back[0], 0);
    assert.equal(back[1], 1);
    assert.equal(back[6], 0, 'negative → 0');
    assert.equal(back[7], 0, 'NaN → 0');
    assert.ok(back[8] > 1.99 && back[8] < 2, `5 → just under 2 (${back[8]})`);
  });

  it('hands a reply whose rows do not add up on without thumbnails, for the shape check to drop', () => {
    const stack = { kind: 'encoder', layers: 1, heads: 1, rows: 2, cols: 2, causal: true } as const;
    const good = packWeightOverview({
      kind: 'encoder',
      layer: 0,
      side: 2,
      colSide: 2,
      blockRows: 1,
      blockCols: 1,
      thumbnails: Float32Array.of(1, 0, 0.25, 0.75),
      summaries: [],
    });
    assert.deepEqual([...good.rowLengths], [1, 2]);
    assert.deepEqual([...unpackOverview(good).thumbnails], [1, 0, 0.25, 0.75]);
    assert.ok(fitsStack(unpackOverview(good), stack));
    type Packed = Parameters<typeof unpackOverview>[0];
    for (const forged of [
      { ...good, rowLengths: Uint16Array.of(1, 1) },
      { ...good, rowLengths: Uint16Array.of(0, 3) },
      { ...good, thumbnails: [1, 0.25, 0.75] },
      { ...good, colSide: '2' },
      null,
    ]) {
      assert.ok(!fitsStack(unpackOverview(forged as unknown as Packed), stack));
    }
  });
});
