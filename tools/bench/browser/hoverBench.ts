/**
 * Hover and redraw timings of the built webview at 512 tokens in headless Chromium.
 * Prints figures; asserts nothing.   npx tsx tools/bench/browser/hoverBench.ts
 *
 * The input is 512 tokens of this repository's own source (split into sub-word-like
 * pieces with real offsets) and 4 layers × 8 heads of causal attention with the shapes
 * trained models show (previous-token, first-token sink, local and broad heads), made in
 * the page so 32 MB of weights need not cross the Playwright bridge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Token } from '../../../src/engine/types';
import type { ResultMeta } from '../../../src/protocol/webview';
import { launchChromium } from '../../../test/chromium';
import { WebviewPage } from '../../../test/browser/webviewPage';

const N = 512;
const LAYERS = 4;
const HEADS = 8;

function tokens(): { text: string; tokens: Token[] } {
  const text = readFileSync(join(__dirname, '../../src/protocol/rpc.ts'), 'utf8');
  const out: Token[] = [{ id: 0, text: '<|endoftext|>', start: 0, end: 0, special: true }];
  for (const m of text.matchAll(/\s*[A-Za-z0-9_]{1,4}|\s*[^\sA-Za-z0-9_]|\s+/g)) {
    if (out.length === N) break;
    out.push({
      id: out.length,
      text: m[0],
      start: m.index!,
      end: m.index! + m[0].length,
      special: false,
    });
  }
  return { text, tokens: out };
}

async function main(): Promise<void> {
  const { text, tokens: toks } = tokens();
  const meta: ResultMeta = {
    runId: 1,
    source: { label: 'rpc.ts' },
    model: {
      id: 'bench',
      name: 'Benchmark shapes',
      architecture: 'decoder',
      layers: LAYERS,
      heads: HEADS,
      hiddenSize: 256,
      vocabSize: 8192,
      maxPositions: 512,
      dir: '/bench',
    },
    text,
    tokens: toks,
    timings: { tokenizeMs: 0, inferenceMs: 0, totalMs: 0 },
  };
  const browser = await launchChromium();
  const w = await WebviewPage.open(browser, { theme: 'dark', width: 1400, height: 900 });
  await w.send([
    {
      type: 'didChangeSettings',
      settings: { colorMap: 'viridis', topK: 5, defaultView: 'matrix' },
    },
    { type: 'didStartResult', meta },
  ]);
  // tsx compiles with esbuild's keepNames, which wraps named functions in a `__name` helper
  // that exists in Node but not in the page the function is sent to.
  await w.page.evaluate('window.__name = (f) => f');
  const figures = await w.page.evaluate(
    async ({ n, layers, heads }) => {
      // Deterministic attention shapes (mulberry32 noise), rows normalised, causal.
      let seed = 7;
      const rand = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const timeIt = (f: () => void) => {
        const t0 = performance.now();
        f();
        document.body.getBoundingClientRect(); // include style and layout
        return performance.now() - t0;
      };
      const stats = (xs: number[]) => {
        const s = [...xs].sort((a, b) => a - b);
        const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
        return { median: q(0.5), p95: q(0.95), max: s[s.length - 1], count: s.length };
      };
      const deliver = (event: unknown) =>
        window.dispatchEvent(new MessageEvent('message', { data: { kind: 'event', event } }));
      const out: Record<string, unknown> = {};
      const produce: number[] = [];
      for (let l = 0; l < layers; l++) {
        const w = new Float32Array(heads * n * n);
        for (let h = 0; h < heads; h++) {
          const kind = (h + l) % 4;
          for (let i = 0; i < n; i++) {
            const row = (h * n + i) * n;
            let sum = 0;
            for (let j = 0; j <= i; j++) {
              let v = rand() * 0.2;
              if (kind === 0 && j === i - 1) v += 20;
              if (kind === 1 && j === 0) v += 30;
              if (kind === 2 && i - j < 8) v += 2;
              if (kind === 3) v += 0.5;
              w[row + j] = v;
              sum += v;
            }
            for (let j = 0; j <= i; j++) w[row + j] /= sum;
          }
        }
        produce.push(
          // Packed as the host packs them (src/shared/weightWire.ts); unpacking is timed too.
          timeIt(() =>
            deliver({
              type: 'didProduceLayer',
              runId: 1,
              layer: l,
              weights: Uint16Array.from(w, (x) => Math.round(x * 65535)),
            }),
          ),
        );
      }
      await new Promise((r) => requestAnimationFrame(r));
      out['receive one layer (store only)'] = stats(produce);
      const colour = document.querySelectorAll<HTMLSelectElement>('.field select')[2];
      const full: number[] = [];
      for (let k = 0; k < 8; k++) {
        colour.value = k % 2 ? 'viridis' : 'magma';
        full.push(timeIt(() => colour.dispatchEvent(new Event('change'))));
      }
      out['matrix: full redraw (512×512 into ImageData + paint)'] = stats(full);
      const base = document.querySelector<HTMLCanvasElement>('.matrix-base')!;
      const layout = JSON.parse(base.dataset.layout!);
      const rect = base.getBoundingClientRect();
      const hover: number[] = [];
      for (let k = 0; k < 300; k++) {
        const i = (k * 37) % n;
        const j = (k * 11) % (i + 1);
        const x = rect.left + layout.left + layout.panX + (j + 0.5) * layout.cell;
        const y = rect.top + layout.top + layout.panY + (i + 0.5) * layout.cell;
        hover.push(
          timeIt(() =>
            base.dispatchEvent(
              new PointerEvent('pointermove', { clientX: x, clientY: y, bubbles: true }),
            ),
          ),
        );
      }
      out['matrix: hover a new row (overlay, tooltip, panel, focusToken)'] = stats(hover);
      const pan: number[] = [];
      for (let k = 0; k < 40; k++) {
        const e = new WheelEvent('wheel', {
          deltaY: k % 2 ? -120 : 120,
          ctrlKey: true,
          clientX: rect.left + 400,
          clientY: rect.top + 400,
          cancelable: true,
        });
        pan.push(timeIt(() => base.dispatchEvent(e)));
      }
      out['matrix: zoom step (repaint from cached image)'] = stats(pan);
      const tab = (id: string) => document.getElementById(id)!;
      out['head view: open (lines for 8 heads × 512 tokens)'] = stats([
        timeIt(() => tab('tab-head').click()),
      ]);
      const queries = document.querySelectorAll<HTMLElement>('.queries .token');
      const headHover: number[] = [];
      for (let k = 0; k < 100; k++) {
        const el = queries[(k * 53) % n];
        headHover.push(
          timeIt(() => el.dispatchEvent(new PointerEvent('pointerover', { bubbles: true }))),
        );
      }
      out['head view: hover a token'] = stats(headHover);
      out['model view: open (32 thumbnails at 512 tokens)'] = stats([
        timeIt(() => tab('tab-model').click()),
      ]);
      out['summary view: open (32 head summaries)'] = stats([
        timeIt(() => tab('tab-summary').click()),
      ]);
      tab('tab-matrix').click();
      const [layer, head] = document.querySelectorAll<HTMLSelectElement>('.field select');
      layer.value = String(layers - 1);
      layer.dispatchEvent(new Event('change'));
      head.value = 'rollout';
      out['rollout through 4 layers (first time)'] = stats([
        timeIt(() => head.dispatchEvent(new Event('change'))),
      ]);
      return out;
    },
    { n: N, layers: LAYERS, heads: HEADS },
  );
  if (process.env.BENCH_SCREENSHOT) await w.page.screenshot({ path: process.env.BENCH_SCREENSHOT });
  const version = browser.version();
  console.log(
    `Webview timings at ${N} tokens, ${LAYERS} layers × ${HEADS} heads, headless Chromium ${version}, 1 frame = 16.7 ms`,
  );
  console.log('| what | median ms | p95 ms | max ms | runs |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const [what, s] of Object.entries(figures) as [
    string,
    { median: number; p95: number; max: number; count: number },
  ][]) {
    console.log(
      `| ${what} | ${s.median.toFixed(2)} | ${s.p95.toFixed(2)} | ${s.max.toFixed(2)} | ${s.count} |`,
    );
  }
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
