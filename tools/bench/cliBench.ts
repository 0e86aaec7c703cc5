/**
 * One inspection as a whole process: `node dist/cli.js` (onnxruntime-web WASM, tokenizer,
 * predictions, JSON export) next to a Node process that only creates an onnxruntime-node
 * (native CPU) session for the same model.onnx and runs the same token ids once. Figures,
 * not assertions; median of N runs each, alternating.
 *
 *   npx tsx tools/bench/cliBench.ts [--tokens 184] [--repeats 5]
 * Needs `node esbuild.mjs` first (it runs dist/cli.js).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { longSource } from '../../test/e2e/harness/longSource';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    tokens: { type: 'string', default: '184' },
    repeats: { type: 'string', default: '5' },
  },
});
const MODEL = join(ROOT, 'models', 'mini-code-gpt');

/** The native reference: load onnxruntime-node, create the session, run once, exit. */
const NATIVE = `
const ort = require(${JSON.stringify(join(ROOT, 'node_modules', 'onnxruntime-node'))});
const fs = require('node:fs');
(async () => {
  const ids = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
  const session = await ort.InferenceSession.create(${JSON.stringify(join(MODEL, 'model.onnx'))}, { intraOpNumThreads: 1 });
  const input = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  await session.run({ [session.inputNames[0]]: input });
})();`;

function timed(command: string, args: string[]): number {
  const start = performance.now();
  execFileSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - start;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

async function main(): Promise<void> {
  const tokens = Number(values.tokens);
  const model = await new Engine(nodeModelFiles).loadModel(MODEL);
  const source = longSource();
  const pieces = model.tokenizer.tokenize(source).slice(0, tokens - 1);
  const text = source.slice(0, pieces.at(-1)!.end);
  const dir = mkdtempSync(join(tmpdir(), 'ai-clibench-'));
  const textFile = join(dir, 'text.py');
  const idsFile = join(dir, 'ids.json');
  writeFileSync(textFile, text);
  // The same ids the CLI runs: its special-token policy applied by the engine itself.
  const result = await new Engine(nodeModelFiles).inspect(MODEL, text, { topK: 0 });
  writeFileSync(idsFile, JSON.stringify(result.tokens.map((t) => t.id)));
  const cli: number[] = [];
  const native: number[] = [];
  for (let r = 0; r < Number(values.repeats); r++) {
    cli.push(
      timed('node', [
        join(ROOT, 'dist', 'cli.js'),
        '--text-file',
        textFile,
        '--out',
        join(dir, 'out.json'),
      ]),
    );
    native.push(timed('node', ['-e', NATIVE, idsFile]));
  }
  rmSync(dir, { recursive: true, force: true });
  const [c, n] = [median(cli), median(native)];
  console.log(`| tokens | dist/cli.js, whole process | onnxruntime-node, whole process | ratio |`);
  console.log(`| ---: | ---: | ---: | ---: |`);
  console.log(
    `| ${result.tokens.length} | ${c.toFixed(0)} ms | ${n.toFixed(0)} ms | ${(c / n).toFixed(1)}× |`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
