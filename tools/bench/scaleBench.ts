/**
 * Issue 22's benchmark, one run of each process, figures checked against the issue's targets:
 *  1. the CLI as a whole process (one head exported) at 512 / 1,024 / 2,048 tokens of real
 *     source on a SmolLM2-135M-shaped model, wall time and peak RSS of its process tree, next
 *     to onnxruntime-node loading the same graph and running the same ids in its own process;
 *  2. memory over 50 inspections after a warm-up of 30 (memoryReport.ts) of the bundled model (and a few of the big model) through the
 *     engine in its worker, as the extension runs it (memoryFlatBench.ts).
 * Writes the section between `<!-- scale:start -->` and `<!-- scale:end -->` of
 * docs/performance.md (unless --no-write; the parts not in --parts keep their last tables:
 * scaleBlock.ts) and prints it. Run it on an idle machine.
 *
 *   npm run bench:scale [-- --sizes 512,1024,2048] [--model DIR] [--cli-threads N]
 *     [--native-threads N] [--parts cli,memory] [--big-inspections 10] [--timeout 900]
 *     [--no-write]
 * The model: --model, else $SCALE_BENCH_MODEL, else /work/bench-cache/smollm-like when it
 * exists, else .cache/bench/smollm-like (written by make_smollm_like.py when absent).
 * On the idle 2-core machine the whole run takes ~4 minutes (most of it the CLI runs and the
 * big model's inspections); under load, several times that.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MemoryPoint } from './memoryFlatBench';
import { runTree, type TreeRun } from './processTreeRun';
import type { MemorySeries } from './memoryReport';
import { partsOf, readDoc, writeSection } from './scaleBlock';
import { type CliRow, scaleSection } from './scaleReport';
import { nativeScript } from './scaleNative';
import { benchTexts, engineSource } from './scaleText';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    sizes: { type: 'string', default: '512,1024,2048' },
    'cli-threads': { type: 'string' },
    'native-threads': { type: 'string', default: String(availableParallelism()) },
    parts: { type: 'string', default: 'cli,memory' },
    // 30 of warm-up (memoryReport.ts WARM_UP), then the 50 the target speaks of.
    inspections: { type: 'string', default: '80' },
    'big-inspections': { type: 'string', default: '10' },
    'big-tokens': { type: 'string', default: '512' },
    timeout: { type: 'string', default: '900' },
    'no-write': { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(values.timeout) * 1000;
const parts = new Set(values.parts.split(','));

function benchModel(): string {
  const chosen =
    values.model ??
    process.env.SCALE_BENCH_MODEL ??
    ['/work/bench-cache/smollm-like', join(ROOT, '.cache', 'bench', 'smollm-like')].find((dir) =>
      existsSync(join(dir, 'onnx', 'model.onnx')),
    );
  if (chosen) return resolve(chosen);
  const dir = join(ROOT, '.cache', 'bench', 'smollm-like');
  console.error(`writing the benchmark model to ${dir} (~30 s)…`);
  execFileSync('/usr/bin/python3', [join(ROOT, 'tools', 'bench', 'make_smollm_like.py'), dir], {
    stdio: 'inherit',
  });
  return dir;
}

/** Reads the graph file once, so that no measured process pays for the disk. */
function warmPageCache(file: string): void {
  const chunk = Buffer.allocUnsafe(16 * 2 ** 20);
  const fd = openSync(file, 'r');
  try {
    while (readSync(fd, chunk, 0, chunk.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

function describeModel(dir: string, onnx: string): string {
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
  const mib = (statSync(onnx).size / 2 ** 20).toFixed(0);
  return `${dir} (${config.model_type}, ${config.num_hidden_layers} layers, ${config.num_attention_heads} heads over ${config.num_key_value_heads ?? config.num_attention_heads} key/value heads, d ${config.hidden_size}; ${relative(dir, onnx)} ${mib} MiB)`;
}

/** The CLI's export: how many tokens it ran and whether they are the ids given to native. */
function readExport(file: string, ids: number[]): { cliTokens?: number; idsMatch?: boolean } {
  if (!existsSync(file)) return {};
  const tokens = (JSON.parse(readFileSync(file, 'utf8')) as { tokens: { id: number }[] }).tokens;
  return {
    cliTokens: tokens.length,
    idsMatch: tokens.length === ids.length && tokens.every((t, i) => t.id === ids[i]),
  };
}

function nativeFigures(run: TreeRun) {
  if (run.exitCode !== 0) return undefined;
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string);
}

async function cliRows(modelDir: string, onnx: string, dir: string): Promise<CliRow[]> {
  const sizes = values.sizes.split(',').map(Number);
  const source = engineSource(ROOT).text;
  const rows: CliRow[] = [];
  for (const { tokens, text, ids } of benchTexts(modelDir, source, sizes)) {
    const textFile = join(dir, `text-${tokens}.ts`);
    const idsFile = join(dir, `ids-${tokens}.json`);
    const outFile = join(dir, `out-${tokens}.json`);
    writeFileSync(textFile, text);
    writeFileSync(idsFile, JSON.stringify(ids));
    console.error(`${tokens} tokens: onnxruntime-node…`);
    const native = await runTree(
      'node',
      [
        '-e',
        nativeScript(ROOT),
        onnx,
        join(modelDir, 'config.json'),
        idsFile,
        values['native-threads'],
      ],
      { timeoutMs },
    );
    console.error(`${tokens} tokens: dist/cli.js…`);
    const cliArgs = [join(ROOT, 'dist', 'cli.js'), '--model', modelDir, '--text-file', textFile];
    cliArgs.push('--max-tokens', String(tokens), '--layers', '0', '--heads', '0', '--out', outFile);
    if (values['cli-threads'] !== undefined) cliArgs.push('--threads', values['cli-threads']);
    const cli = await runTree('node', cliArgs, { timeoutMs });
    rows.push({
      tokens,
      cli,
      native,
      nativeFigures: nativeFigures(native),
      ...readExport(outFile, ids),
    });
    rmSync(outFile, { force: true });
    const r = rows.at(-1) as CliRow;
    console.error(
      `  native ${r.nativeFigures ? `load ${r.nativeFigures.loadMs.toFixed(0)} + run ${r.nativeFigures.runMs.toFixed(0)} ms` : 'failed'}, ${(native.peakRss / 1e9).toFixed(2)} GB; ` +
        `CLI exit ${cli.exitCode} ${cli.wallMs.toFixed(0)} ms ${(cli.peakRss / 1e9).toFixed(2)} GB, ${r.cliTokens ?? '?'} tokens; load ${loadavg()[0].toFixed(2)}`,
    );
  }
  return rows;
}

async function memorySeries(label: string, args: string[]): Promise<MemorySeries> {
  console.error(`memory: ${label}…`);
  const script = join(ROOT, 'tools', 'bench', 'memoryFlatBench.ts');
  const run = await runTree('node', ['--expose-gc', '--import', 'tsx', script, ...args], {
    timeoutMs,
  });
  const points = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as MemoryPoint);
  return { label, points, run };
}

async function main(): Promise<void> {
  const loadStart = loadavg();
  const date = new Date();
  const modelDir = benchModel();
  const onnx = join(modelDir, 'onnx', 'model.onnx');
  warmPageCache(onnx);
  const dir = mkdtempSync(join(tmpdir(), 'ai-scalebench-'));
  const rows = parts.has('cli') ? await cliRows(modelDir, onnx, dir) : [];
  const memory: MemorySeries[] = [];
  if (parts.has('memory')) {
    const n = values.inspections;
    memory.push(
      await memorySeries(`bundled model, ~200 tokens, ${n} inspections`, ['--inspections', n]),
    );
    const big = Number(values['big-inspections']);
    if (big > 0) {
      const tokens = values['big-tokens'];
      memory.push(
        await memorySeries(`this model, ${tokens} tokens, ${big} inspections`, [
          ...['--model', modelDir, '--tokens', tokens],
          ...['--inspections', String(big), '--every', String(Math.max(1, Math.floor(big / 5)))],
        ]),
      );
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const argv = process.argv.slice(2);
  const dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  const doc = join(ROOT, 'docs', 'performance.md');
  const section = scaleSection(
    {
      date,
      commit: `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes)' : ''}`,
      machine: `${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      cores: availableParallelism(),
      loadStart,
      loadEnd: loadavg(),
      model: describeModel(modelDir, onnx),
      text: engineSource(ROOT).origin,
      cliThreads: values['cli-threads'] ?? "the CLI's default",
      nativeThreads: Number(values['native-threads']),
      command: ['npm run bench:scale', ...(argv.length ? ['--', ...argv] : [])].join(' '),
    },
    rows,
    memory,
    partsOf(readDoc(doc)),
  );
  console.log(section);
  if (!values['no-write']) writeSection(doc, section);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
