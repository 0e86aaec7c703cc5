/**
 * Model-view thumbnails of a result longer than a thumbnail follow word level and hidden
 * special tokens (issue 22): the view asks the engine for the layer as it groups the tokens
 * (`overview` with `units`) and draws exactly the block means of the projected heads.
 */
import assert from 'node:assert/strict';
import { thumbnailsOf } from '../../src/engine/attention/thumbnails';
import type { InspectResult, Token } from '../../src/engine/types';
import { displayUnits, projectMatrix, type UnitOptions } from '../../src/shared/displayUnits';
import { headMatrix } from '../../src/shared/squareMatrix';
import { colorMapLut } from '../../webview/heatmap/colorMaps';
import { thumbnailLevels } from '../../src/shared/thumbnailLevels';
import { fixtureOf } from './fixtureResult';
import { syntheticResult } from './longResult';
import { webviewPagesForSuite } from './suiteChromium';

const WORDS = 300;

/** A special token, then `WORDS` words of two tokens each ("w" + a number), causal weights. */
function wordResult(): InspectResult {
  const tokens: Token[] = [{ id: 1, text: '<s>', start: 0, end: 0, special: true }];
  let text = '';
  for (let k = 0; k < WORDS; k++) {
    const at = text.length;
    text += `w${k} `;
    tokens.push({ id: 2, text: 'w', start: at, end: at + 1, special: false });
    tokens.push({
      id: 3 + k,
      text: `${k}`,
      start: at + 1,
      end: at + 1 + `${k}`.length,
      special: false,
    });
  }
  const n = tokens.length;
  const weights = new Float32Array(2 * n * n);
  // Deterministic uneven rows, so a wrong grouping shows: a sink, a diagonal, a ripple.
  for (let h = 0; h < 2; h++) {
    for (let i = 0; i < n; i++) {
      const row = (h * n + i) * n;
      let sum = 0;
      for (let j = 0; j <= i; j++) {
        const w =
          (j === 0 ? 4 : 0) + (j === i - 1 - h ? 6 : 0) + 1 + Math.sin(i * 0.37 + j * (h + 1));
        weights[row + j] = w;
        sum += w;
      }
      for (let j = 0; j <= i; j++) weights[row + j] /= sum;
    }
  }
  return syntheticResult(weights, tokens, { id: 'synthetic-words', name: 'Synthetic words', text });
}

/** Expected thumbnail levels of each head: block means of the projection, as the view draws them. */
function expectedLevels(result: InspectResult, options: UnitOptions): Float32Array[] {
  const n = result.tokens.length;
  const display = displayUnits(result.tokens, result.text, options);
  const count = display.units.length;
  const projected = new Float32Array(2 * count * count);
  for (let h = 0; h < 2; h++) {
    projected.set(
      projectMatrix(headMatrix(result.attentions[0], n, h), display).data,
      h * count * count,
    );
  }
  const { thumbnails, side } = thumbnailsOf(projected, 2, count, count);
  return [0, 1].map((h) =>
    thumbnailLevels(
      { n: side, data: thumbnails.subarray(h * side * side, (h + 1) * side * side) },
      side,
      true,
    ),
  );
}

describe('model view thumbnails by word and without specials (Chromium)', () => {
  const openPage = webviewPagesForSuite();

  it('ask the engine for the grouped layer and draw its block means', async () => {
    const result = wordResult();
    const w = await openPage({ width: 1100, height: 720 });
    await w.sendResult(fixtureOf(result, 3, 'words.txt:1–1'), {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'model' },
    });
    const lut = colorMapLut('viridis');
    const canvasLevels = () =>
      w.page.$$eval('.thumb canvas', (canvases) =>
        canvases.map((c) => {
          const canvas = c as HTMLCanvasElement;
          const data = canvas
            .getContext('2d')!
            .getImageData(0, 0, canvas.width, canvas.height).data;
          return { size: canvas.width, rgba: Array.from(data) };
        }),
      );
    const tokenLevel = await canvasLevels();
    for (const [label, options] of [
      ['Word level (sub-words merged)', { wordLevel: true, hideSpecial: false }],
      ['Hide special tokens (rows renormalised)', { wordLevel: true, hideSpecial: true }],
    ] as const) {
      await w.page.getByLabel(label).check();
      await w.settle();
      const asked = w.host.callsOf('overview').at(-1) as { units?: { unitOfToken: number[] } };
      const display = displayUnits(result.tokens, result.text, options);
      assert.deepEqual(asked.units?.unitOfToken, Array.from(display.unitOfToken));
      assert.equal(await w.page.locator('.thumb.pending').count(), 0);
      const drawn = await canvasLevels();
      const expected = expectedLevels(result, options);
      drawn.forEach(({ size, rgba }, h) => {
        assert.equal(size, Math.ceil(display.units.length / 3), 'one pixel per block of 3 units');
        let worst = 0;
        expected[h].forEach((level, p) => {
          if (level < 0) return;
          const k = Math.round(level * 255) * 3;
          const rgb = [lut[k], lut[k + 1], lut[k + 2]];
          worst = Math.max(worst, ...rgb.map((v, c) => Math.abs(v - rgba[p * 4 + c])));
        });
        assert.ok(worst <= 6, `${label}, head ${h}: a colour differs by ${worst}`);
      });
      assert.notDeepEqual(drawn[0].rgba, tokenLevel[0].rgba, 'grouping changed the thumbnail');
    }
    assert.deepEqual(w.host.callsOf('slice'), [], 'no attention slice was asked for');
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });
});
