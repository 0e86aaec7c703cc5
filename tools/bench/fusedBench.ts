/**
 * Fused vs unfused benchmark, figures not assertions: the SmolLM2-135M-shaped model as ONNX
 * Runtime's model builder writes it (GroupQueryAttention, opened up by us; fp32, q4, q4f16)
 * against the same shape exported unfused by torch. Each case is a fresh Node process:
 * load (read, un-fuse, expose, session), then one attention run (runIds) per length, and
 * the peak resident memory over the process's baseline.
 *
 *   /usr/bin/python3 tools/bench/make_gqa_large.py         # .cache/bench/, not committed
 *   npx tsx tools/bench/fusedBench.ts [--tokens 128,512] [--cases unfused,fp32,q4,q4f16]
 */
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Engine } from '../../src/engine/engine';
import type { GraphVariant } from '../../src/engine/folder/onnxGraphFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';

const ROOT = resolve(__dirname, '..', '..');
const BENCH = join(ROOT, '.cache', 'bench');
const MiB = 1024 ** 2;
const CASES: Record<string, { dir: string; variant?: GraphVariant; what: string }> = {
  unfused: { dir: 'smollm-unfused', what: 'torch export, MatMul/Softmax (fp32)' },
  fp32: {
    dir: 'smollm-gqa',
    variant: 'fp32',
    what: 'model builder, GroupQueryAttention opened up (fp32)',
  },
  q4: {
    dir: 'smollm-gqa',
    variant: 'q4',
    what: 'model builder, opened up, 4-bit MatMulNBits (q4)',
  },
  q4f16: {
    dir: 'smollm-gqa',
    variant: 'q4f16',
    what: 'model builder, opened up, q4 with float16 activations (q4f16)',
  },
};
const { values } = parseArgs({
  options: {
    tokens: { type: 'string' },
    cases: { type: 'string' },
    child: { type: 'string' },
  },
});
const lengths = (values.tokens ?? '128,512').split(',').map(Number);

interface Sample {
  loadMs: number;
  runMs: number[];
  peakMiB: number;
}

async function measure(name: string): Promise<Sample> {
  const spec = CASES[name];
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const baseline = process.memoryUsage().rss / MiB;
  let started = performance.now();
  const model = await engine.loadModel(join(BENCH, spec.dir), spec.variant);
  const loadMs = performance.now() - started;
  const runMs: number[] = [];
  for (const n of lengths) {
    started = performance.now();
    await model.runIds(Array.from({ length: n }, (_, i) => (i * 37) % 450));
    runMs.push(performance.now() - started);
  }
  return { loadMs, runMs, peakMiB: process.resourceUsage().maxRSS / 1024 - baseline };
}

function main(): void {
  if (values.child) {
    void measure(values.child).then((s) => process.stdout.write(`${JSON.stringify(s)}\n`));
    return;
  }
  const names = (values.cases ?? Object.keys(CASES).join(',')).split(',');
  console.log(
    `| graph | load | ${lengths.map((n) => `run, ${n} tokens`).join(' | ')} | peak RSS over baseline |`,
  );
  console.log(`| --- | --- | ${lengths.map(() => '---').join(' | ')} | --- |`);
  for (const name of names) {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', __filename, '--child', name, '--tokens', lengths.join(',')],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      },
    );
    const s = JSON.parse(out.trim().split('\n').at(-1) as string) as Sample;
    const runs = s.runMs.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(' | ');
    console.log(
      `| ${CASES[name].what} | ${(s.loadMs / 1000).toFixed(1)} s | ${runs} | ${s.peakMiB.toFixed(0)} MiB |`,
    );
  }
}

main();
