/**
 * Sliding-window attention drawn as such (issue 21): the Mistral-shaped fixture (config.json
 * `sliding_window` 4, applied by its exported mask) run through the real engine shows the
 * keys further back than the window hatched in the matrix view, grey in the thumbnails,
 * named in the hover and the legend, and masked in the SVG export; a model without a window
 * shows none of it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { WebviewToHost } from '../../src/protocol/webview';
import { colorMapLut, lutIndex } from '../../webview/heatmap/colorMaps';
import { launchChromium } from '../chromium';
import { ROOT, sharedEngine } from '../unit/engine/fixtures';
import { type FixtureResult, fixtureOf, runFixture } from './fixtureResult';
import { cellCenter, matrixCellsOf } from './matrixCells';
import { WebviewPage } from './webviewPage';

const TEXT = 'the cat sat on the mat and the dog ran';
const WINDOW = 4;

async function savedSvg(w: WebviewPage): Promise<string> {
  await w.page.click('button:text-is("SVG")');
  const saved = (await w.posted()).filter((m) => m.type === 'saveImage');
  assert.ok(saved.length, 'a saveImage message was posted');
  return (saved[saved.length - 1] as WebviewToHost & { type: 'saveImage' }).data;
}

const settings = (defaultView: 'matrix' | 'model') => ({
  type: 'didChangeSettings' as const,
  settings: { colorMap: 'viridis' as const, topK: 3, defaultView },
});

describe('sliding-window attention drawn (Chromium)', () => {
  let browser: Browser;
  let windowed: FixtureResult;
  let plain: FixtureResult;

  before(async () => {
    const mistral = join(ROOT, 'test', 'fixtures', 'hf', 'mistral');
    // One engine runs one inspection at a time.
    windowed = fixtureOf(await sharedEngine().inspect(mistral, TEXT));
    plain = await runFixture(TEXT);
    browser = await launchChromium();
  });
  after(() => browser?.close());

  it('the engine reports the window each layer applied, and none for a model without one', () => {
    assert.deepEqual(windowed.meta.stacks[0].windows, [WINDOW, WINDOW]);
    assert.equal(plain.meta.stacks[0].windows, undefined);
  });

  it('matrix view: keys outside the window hatched grey, named in the hover and legend', async () => {
    const w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(windowed, settings('matrix'));
    const n = windowed.meta.tokens.length;
    assert.ok(n > WINDOW + 4, `the text is longer than the window (${n} tokens)`);
    const l = await matrixCellsOf(w);
    const lut = colorMapLut('viridis');
    const outside = cellCenter(l, n - 1, 1);
    const [r, g, b] = await w.pixel('.matrix-base', outside.x, outside.y);
    assert.ok(r === g && g === b, `a key outside the window is neutral grey, got ${[r, g, b]}`);
    const head = windowed.layers[0].subarray(0, n * n);
    const max = Math.max(...head);
    const inside = cellCenter(l, n - 1, n - 2);
    const k = lutIndex(head[(n - 1) * n + n - 2], max) * 3;
    assert.deepEqual(
      (await w.pixel('.matrix-base', inside.x, inside.y)).slice(0, 3),
      [lut[k], lut[k + 1], lut[k + 2]],
      'a key inside the window keeps its colour',
    );
    await w.page.mouse.move(l.x + outside.x, l.y + outside.y);
    await w.frame();
    assert.match(
      (await w.page.textContent('.tooltip')) ?? '',
      /outside the window \(a token sees only the last 4 tokens, itself included\)/,
    );
    assert.match((await w.page.textContent('.legend')) ?? '', /outside the window \(4 tokens\)/);
    const svg = await savedSvg(w);
    assert.match(svg, /<path class="outside-window" fill="url\(#mask\)"/);
    assert.match(svg, /outside the window \(4 tokens\)/);
    const cells = svg.match(/<rect [^>]*fill="#[0-9a-f]{6}"><title>/g) ?? [];
    let visible = 0;
    for (let i = 0; i < n; i++) visible += Math.min(i + 1, WINDOW);
    assert.equal(cells.length, visible, 'one rect per cell inside the window and not causal');
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });

  it('model view: thumbnails grey where every key is outside the window', async () => {
    const w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(windowed, settings('model'));
    const n = windowed.meta.tokens.length;
    const pixel = await w.page.$eval(
      '.thumb canvas',
      (c, at) => {
        const canvas = c as HTMLCanvasElement;
        const zoom = canvas.width / at.n;
        const x = Math.floor((at.col + 0.5) * zoom);
        const y = Math.floor((at.row + 0.5) * zoom);
        return [...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3)];
      },
      { n, row: n - 1, col: 1 },
    );
    const [r, g, b] = pixel;
    assert.ok(r === g && g === b, `thumbnail outside the window is the mask grey, got ${pixel}`);
    await w.close();
  });

  it('a model without a window: no hatching beside the causal mask, no window named', async () => {
    const w = await WebviewPage.open(browser, { theme: 'dark' });
    await w.sendResult(plain, settings('matrix'));
    const n = plain.meta.tokens.length;
    const l = await matrixCellsOf(w);
    const lower = cellCenter(l, n - 1, 1);
    const [r, g, b] = await w.pixel('.matrix-base', lower.x, lower.y);
    assert.ok(!(r === g && g === b), `a far-back key keeps its colour, got ${[r, g, b]}`);
    assert.doesNotMatch((await w.page.textContent('.legend')) ?? '', /outside the window/);
    const svg = await savedSvg(w);
    assert.doesNotMatch(svg, /outside-window|outside the window/);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });
});
