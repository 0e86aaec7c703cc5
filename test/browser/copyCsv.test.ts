/**
 * Copy CSV copies what each view shows (the text the host puts on the clipboard): the
 * summary view its table, in the table's order; the model view a layers × heads grid of each
 * head score; the matrix view its matrix (stateAndExport.test.ts, matrixTiles.test.ts).
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import type { HeadSummary } from '../../src/engine/types';
import { launchChromium } from '../chromium';
import { type FixtureResult, runFixture } from './fixtureResult';
import { WebviewPage } from './webviewPage';

/** The summary table's columns for self-attention, as the view formats them. */
const COLUMNS: [string, (s: HeadSummary) => string][] = [
  ['Entropy (bits)', (s) => s.entropy.toFixed(2)],
  ['Mean distance', (s) => s.meanDistance?.toFixed(1) ?? '—'],
  ['Previous token', (s) => s.previousTokenShare?.toFixed(2) ?? '—'],
  ['First token', (s) => s.firstTokenShare.toFixed(2)],
  ['Induction', (s) => s.inductionShare?.toFixed(2) ?? '—'],
  ['Role', (s) => s.labels.join(', ')],
];

/** A CSV line's fields (RFC 4180 quoting). */
function fields(line: string): string[] {
  const out = [''];
  let quoted = false;
  for (let k = 0; k < line.length; k++) {
    const c = line[k];
    if (quoted && c === '"' && line[k + 1] === '"') {
      out[out.length - 1] += '"';
      k++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) out.push('');
    else out[out.length - 1] += c;
  }
  return out;
}

describe('Copy CSV in the model and summary views (Chromium)', () => {
  let browser: Browser;
  let result: FixtureResult;
  let summaries: HeadSummary[];

  before(async () => {
    [browser, result] = await Promise.all([launchChromium(), runFixture()]);
    const held = new HeldResults();
    const { resultId } = holdInspection(held, result.result);
    summaries = [];
    for (let layer = 0; layer < result.result.model.layers; layer++) {
      summaries.push(...(await held.overview(resultId, 'encoder', layer)).summaries);
    }
  });
  after(() => browser?.close());

  async function copied(view: 'model' | 'summary', prepare?: (w: WebviewPage) => Promise<void>) {
    const w = await WebviewPage.open(browser);
    await w.sendResult(result, {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: view },
    });
    await prepare?.(w);
    await w.page.click('text=Copy CSV');
    const copies = (await w.posted()).filter((m) => m.type === 'copyText');
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
    assert.equal(copies.length, 1);
    return copies[0] as { text: string; what: string };
  }

  it('the summary view copies its table, in the order it is sorted', async () => {
    const copy = await copied('summary', (w) => w.page.click('th button:has-text("Entropy")'));
    assert.equal(copy.what, 'head summaries as CSV');
    const lines = copy.text.trimEnd().split('\r\n');
    assert.deepEqual(fields(lines[0]), ['Head', ...COLUMNS.map(([title]) => title)]);
    // Entropy sorts descending on its first click.
    const sorted = [...summaries].sort((a, b) => b.entropy - a.entropy);
    assert.equal(lines.length, sorted.length + 1);
    sorted.forEach((s, k) => {
      const expected = [`L${s.layer} H${s.head}`, ...COLUMNS.map(([, format]) => format(s))];
      assert.deepEqual(fields(lines[k + 1]), expected, `row ${k + 1}`);
    });
  });

  it('the model view copies a layers × heads grid of each head score', async () => {
    const copy = await copied('model');
    const { layers, heads } = result.result.model;
    assert.match(copy.what, /layers × heads/);
    const lines = copy.text.trimEnd().split('\r\n');
    const headNames = Array.from({ length: heads }, (_, h) => `H${h}`);
    assert.deepEqual(fields(lines[0]), ['statistic', 'layer', ...headNames]);
    assert.equal(lines.length, 1 + COLUMNS.length * layers);
    COLUMNS.forEach(([title, format], c) => {
      for (let l = 0; l < layers; l++) {
        const expected = headNames.map((_, h) => {
          const s = summaries.find((x) => x.layer === l && x.head === h) as HeadSummary;
          return format(s);
        });
        assert.deepEqual(fields(lines[1 + c * layers + l]), [title, `L${l}`, ...expected]);
      }
    });
  });
});
