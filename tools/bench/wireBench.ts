/**
 * What a result costs on its way to the webview in a remote window (code-server, Remote-SSH,
 * Codespaces), where VS Code's server deflates every WebSocket frame (permessage-deflate,
 * zlib's default level) before the browser inflates it: bytes and deflate time of one
 * result's attention as float32 and as the packed Uint16 the host sends
 * (src/shared/weightWire.ts), plus packing and unpacking. Figures, not assertions.
 *
 *   npx tsx tools/bench/wireBench.ts [--repeats 3]
 * Needs `node esbuild.mjs` first (dist/ort holds the runtime's WASM).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateRawSync } from 'node:zlib';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { packWeights, unpackWeights } from '../../src/shared/weightWire';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({ options: { repeats: { type: 'string', default: '3' } } });

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Median milliseconds of `f` over the repeats, and its last result. */
function timed<T>(f: () => T): { ms: number; value: T } {
  const times: number[] = [];
  let value = f();
  for (let r = 0; r < Number(values.repeats); r++) {
    const start = performance.now();
    value = f();
    times.push(performance.now() - start);
  }
  return { ms: median(times), value };
}

function deflated(layers: (Float32Array | Uint16Array)[]): number {
  return layers.reduce((sum, layer) => sum + deflateRawSync(layer).length, 0);
}

async function main(): Promise<void> {
  configureOrt(pathToFileURL(join(ROOT, 'dist', 'ort')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const source = readFileSync(join(ROOT, 'tools', 'train', 'train.py'), 'utf8');
  const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
  console.log(
    '| tokens | float32: MB → deflated MB, deflate ms | packed Uint16: MB → deflated MB, deflate ms | pack ms (host) | unpack ms (webview) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const maxTokens of [200, 512]) {
    const result = await engine.inspect(join(ROOT, 'models', 'mini-code-gpt'), source, {
      maxTokens,
      topK: 0,
    });
    const float = result.attentions;
    const pack = timed(() => float.map(packWeights));
    const unpack = timed(() => pack.value.map(unpackWeights));
    const floatDeflate = timed(() => deflated(float));
    const packedDeflate = timed(() => deflated(pack.value));
    const bytes = (layers: (Float32Array | Uint16Array)[]): number =>
      layers.reduce((s, l) => s + l.byteLength, 0);
    console.log(
      `| ${result.tokens.length} | ${mb(bytes(float))} → ${mb(floatDeflate.value)}, ${floatDeflate.ms.toFixed(0)} ms | ` +
        `${mb(bytes(pack.value))} → ${mb(packedDeflate.value)}, ${packedDeflate.ms.toFixed(0)} ms | ` +
        `${pack.ms.toFixed(0)} | ${unpack.ms.toFixed(0)} |`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
