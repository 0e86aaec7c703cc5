/**
 * How long the built webview takes to handle each message of a warm run at 512 tokens
 * (4 layers × 4 heads, like the bundled model), per view, in headless Chromium: whether the
 * panel's own queue delays a result. Prints figures; asserts nothing.
 *
 *   npx tsx tools/bench/browser/messageBench.ts      (after `node esbuild.mjs`)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Token } from '../../../src/engine/types';
import type { ResultMeta, ViewKind } from '../../../src/protocol/webview';
import { launchChromium } from '../../../test/chromium';
import { WebviewPage } from '../../../test/browser/webviewPage';

const N = 512;
const LAYERS = 4;
const HEADS = 4;

/** 512 sub-word-like tokens of this repository's source, with five predictions each. */
function meta(runId: number): ResultMeta {
  const text = readFileSync(join(__dirname, '../../src/protocol/rpc.ts'), 'utf8').repeat(3);
  const tokens: Token[] = [{ id: 0, text: '<|endoftext|>', start: 0, end: 0, special: true }];
  for (const m of text.matchAll(/\s*[A-Za-z0-9_]{1,4}|\s*[^\sA-Za-z0-9_]|\s+/g)) {
    if (tokens.length === N) break;
    const start = m.index ?? 0;
    tokens.push({ id: tokens.length, text: m[0], start, end: start + m[0].length, special: false });
  }
  const predictions = tokens.map(() =>
    Array.from({ length: 5 }, (_, id) => ({ id, text: `t${id}`, prob: 0.1 })),
  );
  const model = {
    ...{ id: 'bench', name: 'Benchmark', architecture: 'decoder' as const, dir: '/bench' },
    ...{ layers: LAYERS, heads: HEADS, hiddenSize: 128, vocabSize: 8192, maxPositions: 512 },
  };
  const timings = { tokenizeMs: 0, inferenceMs: 0, totalMs: 0 };
  return { runId, source: { label: 'rpc.ts' }, model, text, tokens, predictions, timings };
}

async function main(): Promise<void> {
  const browser = await launchChromium();
  console.log(`Webview message handling at ${N} tokens, ${LAYERS} layers × ${HEADS} heads (ms)`);
  console.log(
    '| view | run | didStartRun | didStartResult | 4 × didProduceLayer | next frame | didFinishResult | 10 × didFocusToken |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const view of ['model', 'matrix', 'head', 'summary'] as ViewKind[]) {
    const w = await WebviewPage.open(browser, { theme: 'dark', width: 1400, height: 900 });
    const settings = { colorMap: 'viridis' as const, topK: 5, defaultView: view };
    await w.send({ type: 'didChangeSettings', settings });
    // tsx's keepNames wraps functions in `__name`, which the page lacks.
    await w.page.evaluate('window.__name = (f) => f');
    const rows = await w.page.evaluate(
      async ({ n, layers, heads, metas }) => {
        const deliver = (event: unknown): void => {
          window.dispatchEvent(new MessageEvent('message', { data: { kind: 'event', event } }));
        };
        const timeIt = (f: () => void): number => {
          const start = performance.now();
          f();
          document.body.getBoundingClientRect();
          return performance.now() - start;
        };
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        // Uniform causal rows, packed as the host packs them (src/shared/weightWire.ts).
        const layer = (): Uint16Array => {
          const packed = new Uint16Array(heads * n * n);
          for (let h = 0; h < heads; h++) {
            for (let i = 0; i < n; i++) {
              for (let j = 0; j <= i; j++)
                packed[(h * n + i) * n + j] = Math.round(65535 / (i + 1));
            }
          }
          return packed;
        };
        const out: number[][] = [];
        for (const meta of metas) {
          const runId = meta.runId;
          const startRun = timeIt(() => deliver({ type: 'didStartRun', runId, label: 'x' }));
          const startResult = timeIt(() => deliver({ type: 'didStartResult', meta }));
          let layersMs = 0;
          for (let l = 0; l < layers; l++) {
            const weights = layer();
            layersMs += timeIt(() =>
              deliver({ type: 'didProduceLayer', runId, layer: l, weights }),
            );
          }
          const before = performance.now();
          await frame();
          const drawn = performance.now() - before;
          const finish = timeIt(() => deliver({ type: 'didFinishResult', runId }));
          let focus = 0;
          for (let k = 0; k < 10; k++) {
            const index = (k * 37) % n;
            focus += timeIt(() => deliver({ type: 'didFocusToken', runId, index }));
          }
          out.push([startRun, startResult, layersMs, drawn, finish, focus]);
          await frame();
        }
        return out;
      },
      { n: N, layers: LAYERS, heads: HEADS, metas: [meta(1), meta(2), meta(3)] },
    );
    rows.forEach((cells, run) => {
      console.log(`| ${view} | ${run + 1} | ${cells.map((ms) => ms.toFixed(0)).join(' | ')} |`);
    });
    await w.close();
  }
  await browser.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
