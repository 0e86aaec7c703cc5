/**
 * What a small result's metadata frame costs on its way to a remote window's browser (issue
 * 22, first view; docs/performance.md "First view"): the bundled model's real result and
 * overviews at ~200 and ~400 tokens, the message as the host posts it with the thumbnails as
 * float32 and as the 16-bit codes, rows cut at their last nonzero cell, that travel now
 * (src/protocol/overviewWire.ts): bytes, and
 * the CPU time to deflate them as a WebSocket's permessage-deflate does (one raw deflate
 * stream, zlib's defaults) and to inflate them again, plus packing and unpacking. CPU time
 * (`process.cpuUsage`) of this process, medians of 15, so a loaded machine blurs it less than
 * wall time. Run alone:   npx tsx tools/bench/overviewWireBench.ts
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import type { LayerOverview } from '../../src/engine/types';
import { type PackedOverview, packOverview, unpackOverview } from '../../src/protocol/overviewWire';
import { benchTexts, engineSource } from './scaleText';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, 'models', 'mini-code-gpt');
const REPEATS = 15;

function cpuMs(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

function medianCpu(work: () => void): number {
  const costs = Array.from({ length: REPEATS }, () => cpuMs(work)).sort((a, b) => a - b);
  return costs[REPEATS >> 1];
}

/** The message's bytes: its JSON without the arrays, then each array's bytes (as VS Code sends them). */
function wireBytes(meta: object, arrays: ArrayBufferView[]): Buffer {
  const json = JSON.stringify(meta, (_key, value) => (ArrayBuffer.isView(value) ? null : value));
  return Buffer.concat([
    Buffer.from(json),
    ...arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)),
  ]);
}

async function main(): Promise<void> {
  const loadStart = loadavg()[0];
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  await engine.loadModel(MODEL);
  const texts = benchTexts(MODEL, engineSource(ROOT).text, [200, 400]);
  console.log(
    '| tokens | thumbnails | message | deflated | deflate CPU | inflate CPU | pack + unpack CPU |',
  );
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: |');
  for (const { text, tokens } of texts) {
    const held = await engine.inspectHeld(MODEL, text, { maxTokens: tokens });
    const layers = held.stacks[0].layers;
    const overviews: LayerOverview[] = [];
    for (let layer = 0; layer < layers; layer++) {
      overviews.push(await engine.overview(held.resultId, 'encoder', layer));
    }
    const forms = [
      // Without its stack an overview travels as weights (16-bit codes), as exact ones do.
      ['16-bit codes, rows cut', []],
      ['painted levels, 8-bit (block thumbnails)', held.stacks],
    ] as const;
    const rows: [string, readonly (LayerOverview | PackedOverview)[], number][] = [
      ['float32', overviews, 0],
    ];
    for (const [what, stacks] of forms) {
      let packed = overviews.map((o) => packOverview(o, stacks));
      const codec = medianCpu(() => {
        packed = overviews.map((o) => packOverview(o, stacks));
      });
      const unpack = medianCpu(() => packed.map(unpackOverview));
      rows.push([what, packed, codec + unpack]);
    }
    for (const [what, sent, cost] of rows) {
      const bytes = wireBytes(
        { ...held, overviews: sent },
        sent.flatMap((o): ArrayBufferView[] =>
          'levels' in o
            ? [o.levels, o.rowLengths]
            : 'rowLengths' in o
              ? [o.thumbnails, o.rowLengths]
              : [o.thumbnails],
        ),
      );
      const deflated = deflateRawSync(bytes);
      const deflate = medianCpu(() => deflateRawSync(bytes));
      const inflate = medianCpu(() => inflateRawSync(deflated));
      const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;
      console.log(
        `| ${tokens} | ${what} | ${kb(bytes.length)} | ${kb(deflated.length)} | ${deflate.toFixed(1)} ms | ${inflate.toFixed(1)} ms | ${cost.toFixed(1)} ms |`,
      );
    }
  }
  console.log(`load average ${loadStart.toFixed(1)} → ${loadavg()[0].toFixed(1)} on 2 cores`);
}

void main();
