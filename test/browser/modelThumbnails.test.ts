/**
 * The model view is readable at 512 tokens: a previous-token head's diagonal shows in its
 * thumbnail even though a first-token sink takes most of its attention. The heads are made
 * in the page (the shapes trained decoders show), since the bundled model is being retrained.
 */
import assert from 'node:assert/strict';
import type { InspectResult } from '../../src/engine/types';
import { colorMapLut } from '../../webview/heatmap/colorMaps';
import { fixtureOf } from './fixtureResult';
import { syntheticResult, syntheticTokens } from './longResult';
import { webviewPagesForSuite } from './suiteChromium';
import type { WebviewPage } from './webviewPage';

const N = 512;

/** A result of `N` tokens whose one layer is `weights` (`[2, N, N]`). */
function result(weights: Float32Array): InspectResult {
  const tokens = syntheticTokens(N).map((t, i) => ({ ...t, id: i }));
  return syntheticResult(weights, tokens, { id: 'synthetic', name: 'Synthetic heads' });
}

/** Nearest colour-map level (0–1) of each RGB pixel. */
function levelsOf(rgb: number[], lut: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 0; p < rgb.length; p += 3) {
    let best = 0;
    let bestDist = Infinity;
    for (let k = 0; k < 256; k++) {
      let d = 0;
      for (let c = 0; c < 3; c++) d += (rgb[p + c] - lut[k * 3 + c]) ** 2;
      if (d < bestDist) [best, bestDist] = [k, d];
    }
    out.push(best / 255);
  }
  return out;
}

describe('model view thumbnails at 512 tokens (Chromium)', () => {
  let w: WebviewPage;
  const openPage = webviewPagesForSuite();

  it('show a previous-token diagonal under a first-token sink, and state their scale', async () => {
    w = await openPage({ theme: 'dark', width: 1100, height: 720 });
    // Head 0: 55% on the first token (the sink), 30% on the previous token, 15% spread.
    // Head 1: 70% on the sink, 30% spread: no diagonal at all.
    const n = N;
    const weights = new Float32Array(2 * n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        weights[i * n + j] = 0.15 / (i + 1);
        weights[n * n + i * n + j] = 0.3 / (i + 1);
      }
      weights[i * n] += 0.55;
      weights[i * n + Math.max(0, i - 1)] += 0.3;
      weights[n * n + i * n] += 0.7;
    }
    await w.sendResult(fixtureOf(result(weights), 1, 'long.py:1–200'), {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'model' },
    });
    assert.equal(await w.page.locator('.thumb.pending').count(), 0);
    assert.deepEqual(w.host.callsOf('slice'), [], 'thumbnails are the engine’s block means');
    const thumbs = await w.page.$$eval('.thumb canvas', (canvases) =>
      canvases.map((c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const rgb: number[] = [];
        for (let p = 0; p < data.length; p += 4) rgb.push(data[p], data[p + 1], data[p + 2]);
        return { size: canvas.width, rgb };
      }),
    );
    const lut = colorMapLut('viridis');
    const [prev, diffuse] = thumbs.map(({ size, rgb }) => {
      const levels = levelsOf(rgb, lut);
      const at = (y: number, x: number) => levels[y * size + x];
      const rows = Array.from({ length: size - 16 }, (_, k) => k + 16);
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      return {
        size,
        diagonal: mean(rows.map((y) => Math.max(at(y, y), at(y, y - 1)))),
        below: mean(rows.map((y) => at(y, Math.floor(y / 2)))),
      };
    });
    assert.equal(prev.size, 128, 'a 512-token head shrinks to a 128-pixel thumbnail');
    assert.ok(prev.diagonal > 0.9, `the diagonal is bright: level ${prev.diagonal.toFixed(2)}`);
    assert.ok(prev.below < 0.35, `attention spread thin stays dark: ${prev.below.toFixed(2)}`);
    assert.ok(
      prev.diagonal - prev.below > 0.6,
      `diagonal stands out: ${prev.diagonal.toFixed(2)} vs ${prev.below.toFixed(2)}`,
    );
    const [d, b] = [diffuse.diagonal.toFixed(2), diffuse.below.toFixed(2)];
    assert.ok(
      Math.abs(diffuse.diagonal - diffuse.below) < 0.1,
      `no diagonal, none shown: ${d} vs ${b}`,
    );
    const note = (await w.page.textContent('.model-scale')) ?? '';
    assert.match(note, /each row scaled to its own largest weight/);
    assert.match(note, /sink column/);
    assert.equal(await w.page.locator('label.field:has(> span:text-is("Scale"))').isHidden(), true);
    assert.deepEqual(await w.cspViolations(), []);
    await w.close();
  });
});
