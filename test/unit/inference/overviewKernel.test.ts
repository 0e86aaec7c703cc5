/**
 * A layer's overview computed on onnxruntime's kernels (inference/overviewKernel.ts, issue 22)
 * equals the overview of the same layer's slice computed in JavaScript (thumbnailsOf,
 * summariseLayer) for every fixture family whose attention is recomputed: causal and not,
 * grouped heads, sliding windows, soft-caps; thumbnails of blocks, a partial last block.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { OverviewParts } from '../../../src/engine/attention/attentionSource';
import { summariseLayer } from '../../../src/engine/attention/headSummaries';
import { inductionTargets } from '../../../src/engine/attention/inductionTargets';
import { thumbnailsOf } from '../../../src/engine/attention/thumbnails';
import type { LoadedModel } from '../../../src/engine/inference/loadedModel';
import { RecomputedAttention } from '../../../src/engine/inference/recomputedAttention';
import type { HeadSummary } from '../../../src/engine/types';
import { ROOT, sharedEngine } from '../engine/fixtures';
import { HF_FIXTURES } from '../folder/hfFixtures';

/** Encoder-decoders and merged decoders keep their attention whole: no kernel overview. */
const NOT_RECOMPUTED = new Set([
  'opus-mt-tiny',
  't5-small-tiny',
  'gpt2-merged',
  'gpt2-optimized-merged',
]);
const FOLDERS = [
  join(ROOT, 'models', 'mini-code-gpt'),
  ...readdirSync(HF_FIXTURES, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_RECOMPUTED.has(e.name))
    .map((e) => join(HF_FIXTURES, e.name)),
];
const TEXT = 'the cat sat on the mat; the cat sat on the hat. def f(x): return x + 1';
const SCORES = [
  'entropy',
  'normalisedEntropy',
  'meanDistance',
  'previousTokenShare',
  'firstTokenShare',
  'inductionShare',
] as const;

async function compare(
  dir: string,
  text: string,
  maxTokens: number,
  blockWeights?: number,
): Promise<number> {
  const engine = sharedEngine();
  const model = (await engine.loadModel(dir)) as LoadedModel;
  const held = await engine.inspectHeld(dir, text, { maxTokens });
  engine.release(held.resultId);
  const ids = held.tokens.map((t) => t.id);
  const { source } = await model.runHeld(ids, 0);
  assert.ok(source instanceof RecomputedAttention, 'recomputed from q and k');
  const { heads, rows, cols, layers, causal } = source.stack;
  const induction = inductionTargets(ids, (i) => held.tokens[i].start === held.tokens[i].end);
  for (let layer = 0; layer < layers; layer++) {
    const kernel: OverviewParts | undefined = await source.overview(layer, induction, {
      from: 0,
      blockWeights,
    });
    assert.ok(kernel, 'computed when asked from 0 weights');
    const weights = await source.slice(layer, [...Array(heads).keys()], [...Array(rows).keys()]);
    const js = thumbnailsOf(weights, heads, rows, cols);
    assert.deepEqual(
      [kernel.side, kernel.colSide, kernel.blockRows, kernel.blockCols],
      [js.side, js.colSide, js.blockRows, js.blockCols],
    );
    let worst = 0;
    for (let i = 0; i < js.thumbnails.length; i++) {
      worst = Math.max(worst, Math.abs(js.thumbnails[i] - kernel.thumbnails[i]));
    }
    assert.ok(worst <= 1e-6, `layer ${layer}: thumbnails differ by ${worst}`);
    const expected = summariseLayer(weights, layer, rows, heads, causal, induction);
    assertSummariesClose(kernel.summaries, expected, `layer ${layer}`);
  }
  return rows;
}

function assertSummariesClose(got: HeadSummary[], expected: HeadSummary[], where: string): void {
  assert.equal(got.length, expected.length);
  for (const [h, e] of expected.entries()) {
    const g = got[h];
    assert.deepEqual(
      [g.layer, g.head, g.labels, g.alignment],
      [e.layer, e.head, e.labels, e.alignment],
    );
    for (const score of SCORES) {
      const [a, b] = [g[score], e[score]];
      assert.equal(a === null, b === null, `${where} head ${h} ${score}: ${a} vs ${b}`);
      if (a === null || b === null) continue;
      assert.ok(
        Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)),
        `${where} head ${h} ${score}: ${a} vs ${b}`,
      );
    }
  }
}

describe('layer overviews on the kernel', function () {
  this.timeout(300_000);
  for (const dir of FOLDERS) {
    it(`${dir.split('/').pop()}: equal the overview of the layer's slice`, async () => {
      await compare(dir, TEXT, 48);
    });
  }

  it('blocks of rows and columns, a partial last one, several row blocks per layer', async () => {
    const text = 'def add(a, b):\n    return a + b\n'.repeat(60);
    // 301 tokens: blocks of 3, the last of 1 token; one block of rows per kernel run.
    const rows = await compare(join(HF_FIXTURES, 'llama-long'), text, 301, 1);
    assert.equal(rows, 301);
  });

  it('blocks of rows cut to the keys they see (causal): a sliding window with a soft-cap, gemma, an encoder (no cut)', async () => {
    for (const name of ['gqa-window', 'gemma', 'bert']) {
      await compare(join(HF_FIXTURES, name), TEXT, 48, 1);
    }
  });
});
