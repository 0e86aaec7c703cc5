/**
 * What the FIRST value-weighted view, head writes and overview of a result cost (issue 24,
 * item 5; docs/performance.md "What attention moves: the first view"), engine in process, one
 * thread: wall and CPU time (user + sys of this process, which runs onnxruntime's one thread)
 * of each first request against the attention row it is compared with. Uses only the engine's
 * public requests, so the same file measures a checkout from before the held values. Run alone:
 *   npx tsx tools/bench/firstNormsBench.ts [--model DIR] [--tokens 2048] [--background]
 * With --background, the engine is served as the worker serves it and computes the value
 * norms in the background after the inspection (backgroundNorms.ts); without, nothing runs
 * in the background (the engine's own requests, as before).
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { benchTexts, engineSource } from './scaleText';
import { backgroundRows, type Cost, median, timed } from './backgroundNorms';

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const model = flag('--model') ?? '/work/bench-cache/smollm-like';
const tokens = Number(flag('--tokens') ?? 2048);
const f = (x: number) =>
  Number.isNaN(x) ? '' : x.toLocaleString('en', { maximumFractionDigits: x < 10 ? 2 : 0 });
const line = (what: string, c: Cost) => `| ${what} | ${f(c.wall)} | ${f(c.cpu)} |`;
const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');

async function main(): Promise<void> {
  const loadStart = loadavg();
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  if (args.includes('--background')) {
    const [{ text, tokens: n }] = benchTexts(model, engineSource(ROOT).text, [tokens]);
    const rows = await backgroundRows(engine, model, text, n);
    console.log(
      [
        `Model ${model.split('/').pop()}, ${n} tokens, 1 thread, value norms in the background; load average ${loads(loadStart)} at start, ${loads(loadavg())} at end; ${new Date().toISOString().slice(0, 16)}.`,
        '',
        '| what | wall ms | CPU ms |',
        '| --- | ---: | ---: |',
        ...rows.map(([what, cost]) => line(what, cost)),
      ].join('\n'),
    );
    return;
  }
  const load = await timed(() => engine.loadModel(model));
  const [{ text, tokens: n }] = benchTexts(model, engineSource(ROOT).text, [tokens]);
  let held: Awaited<ReturnType<Engine['inspectHeld']>> | undefined;
  const inspect = await timed(async () => {
    held = await engine.inspectHeld(model, text, { maxTokens: n });
  });
  if (!held) throw new Error('no result');
  const inspectedRss = process.resourceUsage().maxRSS / 1024;
  const { resultId } = held;
  const [{ layers, heads }] = held.stacks;
  // Three layers no request has touched yet: 7, 15 and 22 of 30.
  const at = Math.floor(layers / 4);
  const other = Math.floor(layers / 2);
  const third = Math.floor((3 * layers) / 4);
  const request = { kind: 'encoder' as const, layer: at, heads: [heads - 1], rows: [n - 1] };
  await engine.slice(resultId, { ...request, layer: 0 }); // kernels warm, as after a first view
  const rowTimes: Cost[] = [];
  for (let i = 0; i < 10; i++) {
    const some = { ...request, heads: [i % heads], rows: [n - 2 - i * 7] };
    rowTimes.push(await timed(() => engine.slice(resultId, some)));
  }
  const row = median(rowTimes);
  const head = await timed(() => engine.slice(resultId, { ...request, rows: undefined }));
  const firstRow = await timed(() =>
    engine.slice(resultId, { ...request, weights: 'value-weighted' }),
  );
  const otherHeads: Cost[] = [];
  for (let h = 0; h < heads - 1; h++) {
    const some = {
      ...request,
      heads: [h],
      rows: [n - 1 - h * 7],
      weights: 'value-weighted' as const,
    };
    otherHeads.push(await timed(() => engine.slice(resultId, some)));
  }
  const later: Cost[] = [];
  for (let i = 0; i < 10; i++) {
    const some = { ...request, heads: [i % heads], rows: [n - 2 - i * 7] };
    later.push(await timed(() => engine.slice(resultId, { ...some, weights: 'value-weighted' })));
  }
  const firstHead = await timed(() =>
    engine.slice(resultId, {
      ...request,
      layer: other,
      rows: undefined,
      weights: 'value-weighted',
    }),
  );
  const writes = await timed(() => engine.headWrites(resultId, 'encoder', at));
  const plainOverview = await timed(() => engine.overview(resultId, 'encoder', third));
  const weightedOverview = await timed(() =>
    engine.overview(resultId, 'encoder', third, undefined, 'value-weighted'),
  );
  const everyWrites = await timed(async () => {
    for (let layer = 0; layer < layers; layer++)
      await engine.headWrites(resultId, 'encoder', layer);
  });
  console.log(
    [
      `Model ${model.split('/').pop()}, ${n} tokens, 1 thread; ${cpus().length} cores, load average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at start, ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} at end; ${new Date().toISOString().slice(0, 16)}.`,
      '',
      '| what | wall ms | CPU ms |',
      '| --- | ---: | ---: |',
      line('loading the model', load),
      line('the inspection (inspectHeld)', inspect),
      line(`one head's attention row (layer ${at}, median of 10)`, row),
      line(`one head's attention, all ${n} rows`, head),
      line('**the first value-weighted row**', firstRow),
      line(
        `the first value-weighted row of each other head of the layer (median of ${heads - 1})`,
        median(otherHeads),
      ),
      line('a value-weighted row once its head is there (median of 10)', median(later)),
      line(`the first value-weighted head of another layer (${other}), all rows`, firstHead),
      line(`the first head writes of layer ${at} (the summary's Writes column)`, writes),
      line(`layer ${third}'s attention overview`, plainOverview),
      line(`layer ${third}'s value-weighted overview, asked after it`, weightedOverview),
      line(`every layer's head writes (${layers} layers)`, everyWrites),
      '',
      `Held bytes of the result: ${f(engine.heldBytes / 2 ** 20)} MiB; peak RSS ${f(inspectedRss)} MB after the inspection, ${f(process.resourceUsage().maxRSS / 1024)} MB at the end.`,
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
