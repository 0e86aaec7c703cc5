/**
 * What makes onnxruntime-web's load and forward pass slower than onnxruntime-node's on a big
 * model, one setting at a time: session options (graph optimization level, memory arena and
 * pattern, config entries), the engine's edited graph (q/k and checked rows exposed per
 * layer) vs the file as it is, another onnxruntime-web release, and the thread count, each
 * next to onnxruntime-node at the same thread count. One fresh Node process per sample, the
 * configurations alternating so all meet the same load on a shared machine; wall and CPU
 * time (user + system) of the session creation and of each run. Figures, not assertions.
 *
 *   npx tsx tools/bench/ortSessionBench.ts [--model DIR] [--tokens 512] [--repeats 2]
 *     [--threads 1] [--only NAME,NAME] [--ort-web DIR]   (DIR of another onnxruntime-web package)
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FeedSpec } from '../../src/engine/folder/feedPlan';
import { loadModelFolder } from '../../src/engine/folder/loadModelFolder';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { recomputeFetches } from '../../src/engine/graph/recomputeFetches';
import { INSPECTION_LOAD } from '../../src/engine/inference/loadAnyModel';

const ROOT = resolve(__dirname, '..', '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: '/work/bench-cache/smollm-like' },
    tokens: { type: 'string', default: '512' },
    repeats: { type: 'string', default: '2' },
    runs: { type: 'string', default: '2' },
    threads: { type: 'string', default: '1' },
    only: { type: 'string' },
    'ort-web': { type: 'string' },
    child: { type: 'string' },
  },
});

/** One configuration: which runtime, which graph, which options. */
interface Config {
  name: string;
  runtime: 'web' | 'node';
  graph: 'edited' | 'plain';
  level?: 'all' | 'extended' | 'basic' | 'disabled';
  options?: Record<string, unknown>;
  /** Another onnxruntime-web package folder (for comparing releases). */
  ortWeb?: string;
}

type TensorCtor = new (type: string, data: unknown, dims: readonly number[]) => unknown;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function feedsOf(specs: readonly FeedSpec[], n: number, Tensor: TensorCtor) {
  const ints = (f: (i: number) => number) =>
    new Tensor(
      'int64',
      BigInt64Array.from({ length: n }, (_, i) => BigInt(f(i))),
      [1, n],
    );
  const feeds: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.kind === 'inputIds') feeds[spec.name] = ints((i) => (i * 7919) % 3000);
    else if (spec.kind === 'attentionMask') feeds[spec.name] = ints(() => 1);
    else if (spec.kind === 'positionIds') feeds[spec.name] = ints((i) => i);
    else if (spec.kind === 'tokenTypeIds') feeds[spec.name] = ints(() => 0);
    else if (spec.kind === 'emptyPast')
      feeds[spec.name] = new Tensor(spec.type, new Float32Array(0), spec.dims);
    else throw new Error(`feed ${spec.kind} not handled by this bench`);
  }
  return feeds;
}

async function child(config: Config): Promise<Record<string, number>> {
  const threads = Number(values.threads);
  const n = Number(values.tokens);
  const out: Record<string, number> = {};
  let [started, cpu] = [performance.now(), cpuMs()];
  const files = nodeModelFiles(resolve(values.model));
  const folder = await loadModelFolder(files, {
    ...INSPECTION_LOAD,
    ...(config.graph === 'plain' ? { recompute: false, expose: [] } : {}),
  });
  out.prepareMs = performance.now() - started;
  out.prepareCpuMs = cpuMs() - cpu;
  const edited = config.graph === 'edited' && folder.recomputeOutputs;
  const fetches = edited ? recomputeFetches(folder.recomputeOutputs ?? []) : [];
  const top = edited ? folder.predictionOutputs : undefined;
  if (top) fetches.push(top.probs, top.ids);
  const graphPath = join(resolve(values.model), folder.graphFile);
  let session: { run(f: unknown, o?: unknown): Promise<unknown>; release(): Promise<void> };
  let Tensor: TensorCtor;
  const level = config.level ?? 'all';
  if (config.runtime === 'node') {
    const ortNode = await import('onnxruntime-node');
    Tensor = ortNode.Tensor as unknown as TensorCtor;
    // Fetching the plain graph's logits, the edited one's outputs as the engine does.
    if (!edited) fetches.push(folder.logitsOutput as string);
    // The edited graph names its own file as external data, resolved from the working folder.
    process.chdir(join(graphPath, '..'));
    [started, cpu] = [performance.now(), cpuMs()];
    const options = {
      graphOptimizationLevel: level,
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      ...config.options,
    };
    session = (await (config.graph === 'plain'
      ? ortNode.InferenceSession.create(graphPath, options)
      : ortNode.InferenceSession.create(folder.onnxBytes, options))) as never;
  } else {
    const dir = config.ortWeb ?? join(ROOT, 'node_modules', 'onnxruntime-web');
    const ort = (await import(pathToFileURL(join(dir, 'dist', 'ort.node.min.mjs')).href)) as {
      env: { wasm: Record<string, unknown>; logLevel: string };
      Tensor: TensorCtor;
      InferenceSession: { create(b: Uint8Array, o: unknown): Promise<typeof session> };
    };
    ort.env.wasm.wasmPaths = `${pathToFileURL(join(dir, 'dist')).href}/`;
    ort.env.wasm.numThreads = threads;
    ort.env.wasm.simd = true;
    ort.env.logLevel = 'error';
    Tensor = ort.Tensor;
    if (!edited) fetches.push(folder.logitsOutput as string);
    [started, cpu] = [performance.now(), cpuMs()];
    session = await ort.InferenceSession.create(folder.onnxBytes, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: level,
      ...(folder.externalData.length > 0 ? { externalData: folder.externalData } : {}),
      ...config.options,
    });
  }
  out.sessionMs = performance.now() - started;
  out.sessionCpuMs = cpuMs() - cpu;
  const feeds = feedsOf(folder.feeds, n, Tensor);
  if (top?.k) feeds[top.k] = new Tensor('int64', BigInt64Array.of(5n), [1]);
  for (let r = 0; r < Number(values.runs); r++) {
    [started, cpu] = [performance.now(), cpuMs()];
    await session.run(feeds, fetches);
    out[`run${r}Ms`] = performance.now() - started;
    out[`run${r}CpuMs`] = cpuMs() - cpu;
  }
  out.peakMiB = process.resourceUsage().maxRSS / 1024;
  await session.release();
  return out;
}

const WEB = (name: string, extra: Partial<Config> = {}): Config => ({
  name,
  runtime: 'web',
  graph: 'edited',
  ...extra,
});

const CONFIGS: Config[] = [
  { name: 'node-plain', runtime: 'node', graph: 'plain' },
  { name: 'node-edited', runtime: 'node', graph: 'edited' },
  WEB('web-edited-all'),
  WEB('web-plain-all', { graph: 'plain' }),
  WEB('web-edited-extended', { level: 'extended' }),
  WEB('web-edited-basic', { level: 'basic' }),
  WEB('web-edited-disabled', { level: 'disabled' }),
  // onnxruntime-web passes `!!enableCpuMemArena` and `!!enableMemPattern`: both off unless set.
  WEB('web-edited-arena', { options: { enableCpuMemArena: true } }),
  WEB('web-edited-pattern', { options: { enableMemPattern: true } }),
  WEB('web-edited-arena-pattern', { options: { enableCpuMemArena: true, enableMemPattern: true } }),
  // Session config entries (`extra` is flattened to `session.…` keys).
  WEB('web-edited-noprepack', { options: { extra: { session: { disable_prepacking: '1' } } } }),
  WEB('web-edited-nospin', {
    options: { extra: { session: { intra_op: { allow_spinning: '0' } } } },
  }),

  ...(values['ort-web']
    ? [WEB('web-edited-all-other', { ortWeb: resolve(values['ort-web']) })]
    : []),
];

function main(): void {
  if (values.child) {
    const config = JSON.parse(values.child) as Config;
    void child(config).then((out) => process.stdout.write(`${JSON.stringify(out)}\n`));
    return;
  }
  const only = values.only?.split(',');
  const picked = CONFIGS.filter((c) => !only || only.includes(c.name));
  for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
    for (const config of picked) {
      const load = loadavg()[0];
      const args = ['--import', 'tsx', __filename, ...process.argv.slice(2)];
      let result: string;
      try {
        result = execFileSync(process.execPath, [...args, '--child', JSON.stringify(config)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
          maxBuffer: 1 << 20,
        }).trim();
      } catch (error) {
        result = JSON.stringify({ error: String(error).slice(0, 200) });
      }
      const rounded = JSON.parse(result.split('\n').pop() ?? '{}') as Record<string, number>;
      for (const key of Object.keys(rounded))
        if (typeof rounded[key] === 'number') rounded[key] = Math.round(rounded[key]);
      console.log(
        JSON.stringify({ config: config.name, threads: values.threads, load, ...rounded }),
      );
    }
  }
}

main();
