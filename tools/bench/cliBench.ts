/**
 * One inspection as a whole process: `node dist/cli.js` (onnxruntime-web WASM, tokenizer,
 * predictions, JSON export) next to Node processes that only create a session for the same
 * model.onnx and run the same token ids once: onnxruntime-node (native CPU, the target's
 * reference) and onnxruntime-web (the same WASM runtime the CLI ships: the floor of any CLI
 * built on it). Figures, not assertions; median of N runs each, alternating.
 *
 *   npx tsx tools/bench/cliBench.ts [--tokens 184] [--repeats 5]
 * Needs `node esbuild.mjs` first (it runs dist/cli.js).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WASM_TIERING_BUDGET } from '../../src/worker/wasmTiering';
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

/** Loads `runtime`, configured by `setup`, creates the session, runs once, exits. */
function sessionOnly(runtime: string, setup: string, options: string): string {
  return `
const ort = require(${JSON.stringify(join(ROOT, 'node_modules', runtime))});
const fs = require('node:fs');
${setup}
(async () => {
  const ids = JSON.parse(fs.readFileSync(process.argv[1], 'utf8'));
  const model = fs.readFileSync(${JSON.stringify(join(MODEL, 'model.onnx'))});
  const session = await ort.InferenceSession.create(model, ${options});
  const input = new ort.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
  await session.run({ [session.inputNames[0]]: input });
})();`;
}
const NATIVE = sessionOnly('onnxruntime-node', '', '{ intraOpNumThreads: 1 }');
/** As the CLI configures it (src/engine/inference/ortRuntime.ts, src/worker/wasmTiering.ts). */
const WEB = sessionOnly(
  'onnxruntime-web',
  `ort.env.wasm.wasmPaths = ${JSON.stringify(`${pathToFileURL(join(ROOT, 'dist', 'ort')).href}/`)};
ort.env.wasm.numThreads = 1;
require('node:v8').setFlagsFromString('--wasm-tiering-budget=${WASM_TIERING_BUDGET}');`,
  "{ executionProviders: ['wasm'], graphOptimizationLevel: 'all' }",
);

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
  const cliOneHead: number[] = [];
  const native: number[] = [];
  const web: number[] = [];
  const cliArgs = [
    join(ROOT, 'dist', 'cli.js'),
    '--text-file',
    textFile,
    '--out',
    join(dir, 'out.json'),
  ];
  for (let r = 0; r < Number(values.repeats); r++) {
    cli.push(timed('node', cliArgs));
    // The same run writing one head's weights: what the export of all of them costs.
    cliOneHead.push(timed('node', [...cliArgs, '--layers', '0', '--heads', '0']));
    native.push(timed('node', ['-e', NATIVE, idsFile]));
    web.push(timed('node', ['-e', WEB, idsFile]));
  }
  rmSync(dir, { recursive: true, force: true });
  const [c, c1, n, w] = [median(cli), median(cliOneHead), median(native), median(web)];
  console.log(
    '| tokens | dist/cli.js | dist/cli.js, one head exported | onnxruntime-node: session + 1 run | onnxruntime-web: session + 1 run | CLI / node | CLI one head / node | web / node |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  console.log(
    `| ${result.tokens.length} | ${ms(c)} | ${ms(c1)} | ${ms(n)} | ${ms(w)} | ${ratio(c, n)} | ${ratio(c1, n)} | ${ratio(w, n)} |`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
