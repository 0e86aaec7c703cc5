/**
 * What attention moves, in the panel (issue 24): the bundled model inspected through the
 * engine's own held result (value norms and the logit lens kept with it), shown in the
 * page. The Weights switch redraws the matrix and head views with value-weighted shares,
 * the summary gains its Writes column, and the focused token's logit lens lists k
 * predictions per layer whose last layer is the model's own (an encoder-decoder's at the
 * decoder token clicked). A result held without norms disables the switch with the engine's
 * reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { HeldResult } from '../../src/engine/types';
import { toFeedResult } from '../../src/panel/webviewFeed';
import type { FocusMessage, WebviewToHost } from '../../src/protocol/webview';
import { LENS_K } from '../../webview/controls/logitLensTable';
import { visibleText } from '../../webview/format';
import { launchChromium } from '../chromium';
import { sharedEngine } from '../unit/engine/fixtures';
import { seq2seqDir, seq2seqReference } from '../unit/seq2seq/seq2seqFixtures';
import { runFixture } from './fixtureResult';
import { WebviewPage } from './webviewPage';

const ROOT = join(__dirname, '../..');
const BUNDLED = join(ROOT, 'models/mini-code-gpt');
const SINK_TEXT = readFileSync(join(ROOT, 'test/fixtures/norms/sink-code.py'), 'utf8');

/** Mean over query rows 1… of column 0 (the first token) of a copied matrix CSV. */
function firstTokenShare(csv: string): number {
  const rows = csv.trim().split('\r\n').slice(2);
  const firsts = rows.map((line) => Number(line.slice(line.lastIndexOf('"') + 1).split(',')[1]));
  return firsts.reduce((a, b) => a + b, 0) / firsts.length;
}

async function lastOf<T extends WebviewToHost['type']>(w: WebviewPage, type: T) {
  const posted = (await w.posted()).filter((m) => m.type === type);
  return posted.at(-1) as Extract<WebviewToHost, { type: T }>;
}

async function copyCsv(w: WebviewPage): Promise<string> {
  await w.page.click('button.action:has-text("Copy CSV")');
  await w.frame();
  return (await lastOf(w, 'copyText')).text;
}

describe('what attention moves in the panel (issue 24, Chromium)', () => {
  let browser: Browser;
  let held: HeldResult;
  before(async () => {
    browser = await launchChromium();
    held = await sharedEngine().inspectHeld(BUNDLED, SINK_TEXT);
  });
  after(() => browser?.close());

  /** The held result on show; `perRow`: its predictions asked per row (issue 22's `nextTokens`). */
  async function openHeld(view: 'matrix' | 'summary', perRow = false): Promise<WebviewPage> {
    const w = await WebviewPage.open(browser, { state: { v: 1, view, layer: 1, head: 1 } });
    w.host.holdInEngine(1, sharedEngine(), held);
    const full = toFeedResult(held, 1, 'sink-code.py').meta;
    const { predictions, ...rest } = full;
    const k = predictions?.[0]?.length ?? full.nextTokens?.k ?? 0;
    const meta = perRow ? { ...rest, nextTokens: { k } } : full;
    await w.send({ type: 'didStartResult', meta });
    await w.settle();
    return w;
  }

  it('the Weights switch redraws the matrix and head views with value-weighted shares', async () => {
    const w = await openHeld('matrix');
    const select = '.weights-switch select';
    assert.equal(await w.page.isDisabled(select), false);
    assert.match((await w.page.textContent('.legend')) ?? '', /^weight/);
    const raw = await copyCsv(w);
    await w.page.selectOption(select, 'value-weighted');
    await w.settle();
    const asked = w.host.callsOf('slice').filter((c) => c.weights === 'value-weighted');
    assert.ok(asked.length > 0, 'no value-weighted slice was asked for');
    assert.match((await w.page.textContent('.legend')) ?? '', /value-weighted share/);
    const weighted = await copyCsv(w);
    assert.notEqual(weighted, raw);
    // The sink head as the engine measures it (test/unit/attention/headNorms.test.ts and
    // the model card): 0.244 of its weight on the first token, 0.161 of what it moves.
    const rawShare = firstTokenShare(raw);
    const weightedShare = firstTokenShare(weighted);
    assert.ok(Math.abs(rawShare - 0.244) < 0.005, `raw first-token share ${rawShare}`);
    assert.ok(Math.abs(weightedShare - 0.161) < 0.005, `value-weighted ${weightedShare}`);
    assert.equal((await w.state()).weights, 'value-weighted');

    await w.page.click('#tab-head');
    await w.settle();
    assert.match((await w.page.textContent('.head-chips span')) ?? '', /\(value-weighted\)/);
    await w.page.click('#q-20');
    const shares = (await lastOf(w, 'focusToken')) as FocusMessage;
    assert.match(shares.label, /value-weighted/);
    // The host reads the same value-weighted shares for hovers on other tokens (rowShares).
    assert.deepEqual(shares.source, { layer: 1, head: null });
    assert.equal(shares.shownWeights, 'value-weighted');
    await w.page.selectOption(select, 'attention');
    await w.settle();
    assert.equal(await w.page.textContent('.head-chips span'), 'Layer 1 heads:');
    const weights = (await lastOf(w, 'focusToken')) as FocusMessage;
    assert.equal(weights.index, shares.index);
    assert.doesNotMatch(weights.label, /value-weighted/);
    assert.equal(weights.shownWeights, undefined);
    assert.notDeepEqual(weights.weights, shares.weights);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('the summary view shows each head’s mean write', async () => {
    const w = await openHeld('summary');
    const titles = await w.page.$$eval('.summary-table thead th', (ths) =>
      ths.map((th) => th.textContent ?? ''),
    );
    const column = titles.findIndex((t) => t.startsWith('Writes'));
    assert.ok(column >= 0, `no Writes column in ${titles.join(' | ')}`);
    const writes = await w.page.$$eval(
      `.summary-table tbody td:nth-child(${column + 1}) .value`,
      (cells) => cells.map((c) => Number(c.textContent)),
    );
    assert.equal(writes.length, held.model.layers * held.model.heads);
    assert.ok(
      writes.every((x) => Number.isFinite(x) && x >= 0),
      writes.join(','),
    );
    assert.ok(new Set(writes).size > 1, 'every head writes the same');
    await w.close();
  });

  for (const perRow of [false, true]) {
    it(`the logit lens lists k predictions per layer for the focused token, the last the model’s own${perRow ? ' (predictions asked per row)' : ''}`, async () => {
      const w = await openHeld('matrix', perRow);
      const index = 20;
      await w.send({ type: 'didFocusToken', runId: 1, index });
      await w.settle();
      assert.deepEqual(w.host.callsOf('logitLens'), [], 'a focus alone reads no lens');
      await w.page.click('.logit-lens button.read-lens');
      await w.settle();
      const rows = await w.page.$$eval('.logit-lens tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td code')].map((c) => c.textContent ?? '')),
      );
      assert.equal(rows.length, held.model.layers);
      for (const row of rows) assert.equal(row.length, LENS_K);
      const own = await w.page.$$eval('ol.predictions code', (cs) => cs.map((c) => c.textContent));
      assert.deepEqual(rows.at(-1)?.slice(0, own.length), own.slice(0, LENS_K));
      assert.ok(own.length > 0, 'the model’s own predictions are listed');
      assert.deepEqual(
        w.host.callsOf('logitLens').map((c) => [c.position, c.k]),
        [[index, LENS_K]],
      );
      if (perRow)
        assert.deepEqual(
          w.host.callsOf('predictions').map((c) => c.rows),
          [[index]],
        );
      await w.close();
    });
  }

  it('an encoder-decoder: the lens of the focused decoder token, one row per decoder layer', async () => {
    const name = 'opus-mt-tiny';
    const source = seq2seqReference(name);
    const result = await sharedEngine().inspectHeld(seq2seqDir(name), source.source_text, {
      target: { kind: 'given', text: source.given.target_text },
    });
    const w = await WebviewPage.open(browser, {
      state: { v: 1, view: 'matrix', attention: 'decoder' },
    });
    w.host.holdInEngine(1, sharedEngine(), result);
    await w.send({ type: 'didStartResult', meta: toFeedResult(result, 1, 'source.txt').meta });
    await w.settle();
    // The decoder's tokens have no place in the editor: the row is clicked in the matrix.
    const index = 2;
    const box = await w.page.locator('.matrix-base').boundingBox();
    const layout = JSON.parse((await w.page.getAttribute('.matrix-base', 'data-layout')) ?? '{}');
    assert.ok(box);
    await w.page.mouse.click(
      box.x + layout.left + layout.panX + 0.5 * layout.cell,
      box.y + layout.top + layout.panY + (index + 0.5) * layout.cell,
    );
    await w.settle();
    await w.page.click('.logit-lens button.read-lens');
    await w.settle();
    const rows = await w.page.$$eval('.logit-lens tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td code')].map((c) => c.textContent ?? '')),
    );
    assert.equal(rows.length, result.seq2seq?.decoderLayers);
    const want = await sharedEngine().logitLens(result.resultId, index, LENS_K);
    assert.deepEqual(
      rows,
      want.map((layer) => layer.predictions.map((p) => visibleText(p.text))),
      'each decoder layer, read at decoder token 2',
    );
    assert.deepEqual(
      w.host.callsOf('logitLens').map((c) => [c.position, c.k]),
      [[index, LENS_K]],
    );
    await w.close();
  });

  it('a result without norms: the switch is disabled with the engine’s reason, the lens says why', async () => {
    const w = await WebviewPage.open(browser, { state: { v: 1, view: 'matrix' } });
    await w.sendResult(await runFixture());
    assert.equal(await w.page.isDisabled('.weights-switch select'), true);
    const reason = (await w.page.getAttribute('.weights-switch', 'title')) ?? '';
    assert.match(reason, /not available/i);
    await w.send({ type: 'didFocusToken', runId: 1, index: 3 });
    await w.settle();
    await w.page.click('.logit-lens button.read-lens');
    await w.settle();
    assert.match((await w.page.textContent('.lens-refused')) ?? '', /^Not available: /);
    await w.close();
  });
});
