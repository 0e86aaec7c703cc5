/**
 * An encoder-decoder result in real Chromium: choosing the attention kind, cross-attention
 * drawn as target rows × source columns in the matrix and head views, the decoder's causal
 * mask, the alignment score in the summary, what a hovered target token sends the editor,
 * what the editor cursor on a source token shows, and re-running with another target. The
 * result is built here from chosen numbers: the views are under test, not a model.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { InspectResult } from '../../src/engine/types';
import type { FocusMessage, HostToWebview } from '../../src/protocol/webview';
import { alignmentScore } from '../../src/engine/attention/crossAlignment';
import { colorMapLut, lutIndex } from '../../webview/heatmap/colorMaps';
import { screenshotPath } from '../screenshotDir';
import { launchChromium } from '../chromium';
import { fixtureOf } from './fixtureResult';
import { cellCenter, matrixCellsOf } from './matrixCells';
import { WebviewPage } from './webviewPage';

const TEXT = 'the cat sat';
const S = 4; // the · cat · sat · </s>
const T = 3; // <pad> (decoder start) · die · Katze
const HEADS = 2;

/** Head 0 walks the source (0.85 on source token i for target row i); head 1 parks on `</s>`. */
function crossLayer(): Float32Array {
  const w = new Float32Array(HEADS * T * S);
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < S; j++) w[i * S + j] = i === j ? 0.85 : 0.05;
    w[T * S + i * S + (S - 1)] = 1;
  }
  return w;
}

/** Causal rows: row i spreads evenly over tokens 0…i. */
function causalLayer(n: number): Float32Array {
  const w = new Float32Array(HEADS * n * n);
  for (let h = 0; h < HEADS; h++)
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[h * n * n + i * n + j] = 1 / (i + 1);
  return w;
}

/** The result as the engine would return it (the host holds it; the page gets its metadata). */
const result: InspectResult = {
  model: {
    id: 'marian-like',
    name: 'Marian-like',
    architecture: 'encoder-decoder',
    layers: 1,
    heads: HEADS,
    hiddenSize: 16,
    vocabSize: 100,
    maxPositions: 64,
    dir: '/models/marian-like',
  },
  text: TEXT,
  tokens: [
    { id: 10, text: '▁the', start: 0, end: 3, special: false },
    { id: 11, text: '▁cat', start: 3, end: 7, special: false },
    { id: 12, text: '▁sat', start: 7, end: 11, special: false },
    { id: 0, text: '</s>', start: 11, end: 11, special: true },
  ],
  seq2seq: {
    target: { kind: 'greedy', maxNewTokens: 64, stoppedAtEos: true },
    decoderTokens: [
      { id: 1, text: '<pad>', special: true },
      { id: 20, text: '▁die', special: false },
      { id: 21, text: '▁Katze', special: false },
    ],
    decoderLayers: 1,
    decoderHeads: HEADS,
    decoderAttentions: [causalLayer(T)],
    crossAttentions: [crossLayer()],
  },
  attentions: [causalLayer(S)],
  timings: { tokenizeMs: 1, inferenceMs: 2, totalMs: 3 },
};

const fixture = fixtureOf(result, 7, 'story.txt:1');
const { meta } = fixture;

const settings: HostToWebview = {
  type: 'didChangeSettings',
  settings: { colorMap: 'viridis', topK: 2, defaultView: 'matrix' },
};

async function lastFocus(w: WebviewPage): Promise<FocusMessage> {
  const focus = (await w.posted()).filter((m) => m.type === 'focusToken');
  return focus[focus.length - 1] as FocusMessage;
}

describe('encoder-decoder result (Chromium)', () => {
  let browser: Browser;
  let w: WebviewPage;

  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());
  beforeEach(async () => {
    w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(fixture, settings as HostToWebview & { type: 'didChangeSettings' });
  });
  afterEach(async () => {
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('opens on cross-attention: target rows × source columns, each cell coloured by its weight', async () => {
    assert.equal(await w.page.locator('.seq2seq-bar select').inputValue(), 'cross');
    assert.match(
      (await w.page.locator('.status').textContent()) ?? '',
      /4 source → 3 target tokens/,
    );
    const l = await matrixCellsOf(w);
    assert.deepEqual([l.n, l.cols], [T, S]);
    const lut = colorMapLut('viridis');
    // Scale 0 – max: the head's maximum is 0.85.
    for (const [i, j, v] of [
      [1, 1, 0.85],
      [1, 0, 0.05],
      [2, 3, 0.05],
    ]) {
      const k = lutIndex(v, 0.85) * 3;
      const p = cellCenter(l, i, j);
      const pixel = await w.pixel('.matrix-base', p.x, p.y);
      assert.deepEqual(pixel.slice(0, 3), [lut[k], lut[k + 1], lut[k + 2]], `cell ${i},${j}`);
    }
    await w.page.screenshot({ path: screenshotPath('webview-cross-dark.png') });
  });

  it('a hovered target token sends its cross-attention over the source tokens to the editor', async () => {
    const l = await matrixCellsOf(w);
    const p = cellCenter(l, 2, 0);
    await w.page.mouse.move(l.x + p.x, l.y + p.y);
    const focus = await lastFocus(w);
    assert.equal(focus.attention, 'cross');
    assert.equal(focus.index, 2);
    assert.equal(focus.source, undefined);
    // Top-2 of row 2: `sat` (0.85) and then `the` (first of the 0.05 ties); others 0.
    assert.deepEqual(
      [...(focus.weights as unknown as number[])].map((v) => Number(v.toFixed(2))),
      [0.05, 0, 0.85, 0],
    );
    assert.match((await w.page.locator('.focus-panel').textContent()) ?? '', /Katze.*sat/s);
  });

  it('the head view puts target tokens on the left and source tokens on the right', async () => {
    await w.page.click('#tab-head');
    const left = await w.page.locator('.head-view [id^="q-"] .text').allTextContents();
    const right = await w.page.locator('.head-view [id^="k-"] .text').allTextContents();
    assert.deepEqual(left, ['<pad>', 'die', 'Katze']);
    assert.deepEqual(right, ['the', 'cat', 'sat', '</s>']);
  });

  it('the decoder self-attention is square and draws its causal mask', async () => {
    await w.page.selectOption('.seq2seq-bar select', 'decoder');
    const l = await matrixCellsOf(w);
    assert.deepEqual([l.n, l.cols], [T, T]);
    const lut = colorMapLut('viridis');
    const masked = cellCenter(l, 0, 2);
    const pixel = await w.pixel('.matrix-base', masked.x, masked.y);
    const k = lutIndex(0, 1) * 3;
    assert.notDeepEqual(pixel.slice(0, 3), [lut[k], lut[k + 1], lut[k + 2]], 'masked, not zero');
    assert.equal((await w.state()).attention, 'decoder');
    // The decoder's own tokens have no place in the editor: no focus goes there.
    const p = cellCenter(l, 1, 0);
    await w.page.mouse.move(l.x + p.x, l.y + p.y);
    assert.equal((await lastFocus(w)).index, null);
  });

  it("the summary scores each cross-attention head's alignment", async () => {
    await w.page.click('#tab-summary');
    const header = (await w.page.locator('.summary-table thead').textContent()) ?? '';
    assert.match(header, /Alignment/);
    // Positions of target and source tokens are not comparable: no distance, no previous token.
    assert.doesNotMatch(header, /Mean distance|Previous token|Induction/);
    await w.page.selectOption('.seq2seq-bar select', 'encoder');
    const selfHeader = (await w.page.locator('.summary-table thead').textContent()) ?? '';
    assert.match(selfHeader, /Previous token/);
    assert.doesNotMatch(selfHeader, /Alignment/);
    await w.page.selectOption('.seq2seq-bar select', 'cross');
    const rows = await w.page.locator('.summary-table tbody tr').allTextContents();
    const head0 = crossLayer().subarray(0, T * S);
    const expected = alignmentScore(head0, T, S).toFixed(2);
    assert.match(rows[0], new RegExp(`L0 H0.*${expected.replace('.', '\\.')}.*aligned`));
    assert.match(rows[1], /L0 H1.*0\.00.*first-token|L0 H1.*0\.00/);
    assert.doesNotMatch(rows[1], /aligned/);
  });

  it('the editor cursor on a source token lists the target tokens that attend to it', async () => {
    await w.send({ type: 'didFocusToken', runId: meta.runId, index: 1 });
    const items = await w.page.locator('.attending-targets li').allTextContents();
    assert.equal(items.length, 2);
    assert.match(items[0], /^die 0\.85/);
    assert.match(
      (await w.page.locator('.attended-by').textContent()) ?? '',
      /“cat” is attended by/,
    );
  });

  it('a click on a source (column) label reveals it; a target (row) label has nothing to reveal', async () => {
    const l = await matrixCellsOf(w);
    const reveals = async () => (await w.posted()).filter((m) => m.type === 'revealToken');
    await w.page.mouse.click(l.x + l.left - 10, l.y + cellCenter(l, 2, 0).y);
    assert.deepEqual(await reveals(), [], 'target token 2 is not in the editor');
    await w.page.mouse.click(l.x + cellCenter(l, 0, 1).x, l.y + l.top - 10);
    assert.deepEqual(await reveals(), [{ type: 'revealToken', runId: meta.runId, index: 1 }]);
  });

  it('re-runs with a typed target, or lets the model generate', async () => {
    assert.equal(await w.page.locator('.target-text').inputValue(), 'die Katze');
    assert.equal(
      await w.page.locator('.target-about').textContent(),
      'generated greedily: 2 tokens after the start token, stopped at the end token',
    );
    await w.page.fill('.target-text', 'die Katze saß');
    await w.page.press('.target-text', 'Enter');
    await w.page.click('.seq2seq-bar button:has-text("Generate")');
    const retargets = (await w.posted()).filter((m) => m.type === 'retarget');
    assert.deepEqual(retargets, [
      { type: 'retarget', runId: 7, target: { kind: 'given', text: 'die Katze saß' } },
      { type: 'retarget', runId: 7, target: { kind: 'greedy' } },
    ]);
  });

  it('the model view draws a thumbnail per decoder layer and head for the chosen kind', async () => {
    await w.page.click('#tab-model');
    const thumbs = w.page.locator('.thumb');
    assert.equal(await thumbs.count(), 1 * HEADS);
    assert.equal(await w.page.locator('.thumb.pending').count(), 0);
  });
});
