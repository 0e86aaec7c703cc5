/**
 * Held results (issue 22): an inspection whose attention stays in the engine answers slices
 * and overviews equal to the full result's tensors, keeps only the newest few, and refuses
 * what the result does not have.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { summariseCrossLayer, summariseLayer } from '../../../src/engine/attention/headSummaries';
import { inductionTargets } from '../../../src/engine/attention/inductionTargets';
import type { AttentionSource } from '../../../src/engine/attention/attentionSource';
import { HELD_RESULTS, HeldResults } from '../../../src/engine/attention/heldResults';
import { thumbnailsOf } from '../../../src/engine/attention/thumbnails';
import { EngineRunError } from '../../../src/engine/errors';
import { THUMBNAIL_SIDE } from '../../../src/engine/types';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { assertClose } from './referenceAgreement';

const BUNDLED = join(ROOT, 'models', 'mini-code-gpt');
const OPUS = join(ROOT, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2), add(3, 4))\n';

/** Rows `rows` of heads `heads` cut by hand out of a `[heads, n, cols]` layer. */
function cut(layer: Float32Array, n: number, cols: number, heads: number[], rows: number[]) {
  const out: number[] = [];
  for (const h of heads) {
    for (const r of rows) out.push(...layer.subarray((h * n + r) * cols, (h * n + r + 1) * cols));
  }
  return Float32Array.from(out);
}

describe('held results', () => {
  it('slices equal the full result: heads, listed rows, a row range', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = full.tokens.length;
    assert.deepEqual(held.stacks, [
      { kind: 'encoder', layers: 4, heads: 4, rows: n, cols: n, causal: true, valueNorms: true },
    ]);
    assert.equal('attentions' in held, false, 'no tensors travel with the result');
    const id = held.resultId;
    for (let layer = 0; layer < 4; layer++) {
      const all = await engine.slice(id, { kind: 'encoder', layer });
      assert.deepEqual(all, full.attentions[layer]);
      assert.notEqual(all.buffer, full.attentions[layer].buffer);
    }
    const rows = [n - 1, 0, 3];
    assertClose(
      await engine.slice(id, { kind: 'encoder', layer: 2, heads: [3, 1], rows }),
      cut(full.attentions[2], n, n, [3, 1], rows),
    );
    assertClose(
      await engine.slice(id, { kind: 'encoder', layer: 1, heads: [0], rows: { start: 2, end: 5 } }),
      cut(full.attentions[1], n, n, [0], [2, 3, 4]),
    );
  });

  it('overviews hold the thumbnails and the head summaries of the layer', async () => {
    const engine = sharedEngine();
    const full = await engine.inspect(BUNDLED, TEXT);
    const held = await engine.inspectHeld(BUNDLED, TEXT);
    const n = full.tokens.length;
    const induction = inductionTargets(
      full.tokens.map((t) => t.id),
      (i) => full.tokens[i].start === full.tokens[i].end,
    );
    const overview = await engine.overview(held.resultId, 'encoder', 3);
    assert.equal(overview.side, n, 'a short text is its own thumbnail');
    assert.deepEqual(overview.thumbnails, full.attentions[3]);
    assert.deepEqual(
      overview.summaries,
      summariseLayer(full.attentions[3], 3, n, 4, true, induction),
    );
  });

  it('thumbnails are block means at most THUMBNAIL_SIDE a side', () => {
    const rows = 300;
    const cols = 7;
    const layer = new Float32Array(2 * rows * cols).map((_, i) => i % 13);
    const t = thumbnailsOf(layer, 2, rows, cols);
    assert.ok(t.side <= THUMBNAIL_SIDE);
    assert.equal(t.blockRows, 3);
    assert.equal(t.side, 100);
    assert.equal(t.colSide, cols);
    // Head 1, block row 99: rows 297–299, column 4.
    let sum = 0;
    for (let r = 297; r < 300; r++) sum += layer[(rows + r) * cols + 4];
    assert.ok(Math.abs(t.thumbnails[(100 + 99) * cols + 4] - sum / 3) < 1e-5);
  });

  it('an encoder-decoder holds its three stacks; cross overviews are cross summaries', async () => {
    const engine = sharedEngine();
    const text = 'I like green apples.';
    const full = await engine.inspect(OPUS, text, {
      target: { kind: 'given', text: 'Ich mag Äpfel.' },
    });
    const held = await engine.inspectHeld(OPUS, text, {
      target: { kind: 'given', text: 'Ich mag Äpfel.' },
    });
    const seq = full.seq2seq;
    assert.ok(seq && held.seq2seq);
    const s = full.tokens.length;
    const t = seq.decoderTokens.length;
    assert.deepEqual(
      held.stacks.map((x) => [x.kind, x.rows, x.cols, x.causal]),
      [
        ['encoder', s, s, false],
        ['decoder', t, t, true],
        ['cross', t, s, false],
      ],
    );
    const cross = await engine.slice(held.resultId, { kind: 'cross', layer: 0 });
    assert.deepEqual(cross, seq.crossAttentions[0]);
    const overview = await engine.overview(held.resultId, 'cross', 0);
    assert.deepEqual(
      overview.summaries,
      summariseCrossLayer(seq.crossAttentions[0], 0, t, s, seq.decoderHeads),
    );
  });

  it(`keeps the newest ${HELD_RESULTS} results; older and released ones answer "released"`, async () => {
    const engine = sharedEngine();
    const ids: number[] = [];
    for (let i = 0; i <= HELD_RESULTS; i++)
      ids.push((await engine.inspectHeld(BUNDLED, `x = ${i}`)).resultId);
    const released = (error: unknown) =>
      error instanceof EngineRunError && error.code === 'released';
    await assert.rejects(engine.slice(ids[0], { kind: 'encoder', layer: 0 }), released);
    await engine.slice(ids[1], { kind: 'encoder', layer: 0 });
    engine.release(ids[1]);
    await assert.rejects(engine.overview(ids[1], 'encoder', 0), released);
  });

  it('keeps results within a memory budget, the newest always', async () => {
    const source = (bytes: number) =>
      ({
        stack: { kind: 'encoder', layers: 1, heads: 1, rows: 1, cols: 1, causal: false },
        bytes,
      }) as AttentionSource;
    const held = new HeldResults(16, 1_000);
    const meta = { text: '' } as unknown as Parameters<HeldResults['hold']>[0];
    const first = held.hold(meta, [{ source: source(400) }]).resultId;
    const second = held.hold(meta, [{ source: source(400) }]).resultId;
    assert.equal(held.bytes, 800);
    const third = held.hold(meta, [{ source: source(400) }]).resultId;
    assert.equal(held.bytes, 800, 'the oldest result made room');
    await assert.rejects(held.overview(first, 'encoder', 0), /no longer held/);
    const huge = held.hold(meta, [{ source: source(5_000) }]).resultId;
    assert.equal(held.bytes, 5_000, 'one result over the budget is still kept, alone');
    for (const id of [second, third]) {
      await assert.rejects(held.overview(id, 'encoder', 0), /no longer held/);
    }
    assert.ok(huge > third);
  });

  it('refuses layers, heads, rows and kinds the result does not have', async () => {
    const engine = sharedEngine();
    const { resultId } = await engine.inspectHeld(BUNDLED, TEXT);
    const refused = (pattern: RegExp) => (error: unknown) =>
      error instanceof EngineRunError && error.code === 'badInput' && pattern.test(error.message);
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 4 }),
      refused(/layer 4 \(layers 0–3\)/),
    );
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 0, heads: [4] }),
      refused(/head 4/),
    );
    await assert.rejects(
      engine.slice(resultId, { kind: 'encoder', layer: 0, rows: [-1] }),
      refused(/row -1/),
    );
    await assert.rejects(
      engine.slice(resultId, { kind: 'cross', layer: 0 }),
      refused(/no cross attention/),
    );
  });
});
