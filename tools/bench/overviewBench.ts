/**
 * CPU time of a held result's per-layer overviews (thumbnails + head summaries), the work the
 * model view waits for after the forward pass, with the stages apart: the forward pass (and
 * the recomputation check), the first overview, all of them. CPU time (user + sys) is what
 * to compare on a shared machine; run under `node --cpu-prof` to see where it goes:
 *   npx tsx tools/bench/overviewBench.ts [--model DIR] [--sizes 200,512] [--repeat 3]
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Engine } from '../../src/engine/engine';
import { nodeModelFiles } from '../../src/engine/folder/nodeModelFiles';
import { configureOrt } from '../../src/engine/inference/ortRuntime';
import { benchTexts, engineSource } from './scaleText';

const ROOT = join(__dirname, '..', '..');
const args = process.argv.slice(2);
const flag = (name: string) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const model = flag('--model') ?? join(ROOT, 'models', 'mini-code-gpt');
const sizes = (flag('--sizes') ?? '200,512').split(',').map(Number);
const repeat = Number(flag('--repeat') ?? 3);

/** Wall and CPU milliseconds of `work`. */
async function measured<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await work();
  const used = process.cpuUsage(cpu);
  return [value, performance.now() - wall, (used.user + used.system) / 1000];
}

const ms = (x: number) => `${Math.round(x)}`;

async function main(): Promise<void> {
  console.log(
    `${cpus().length} cores, load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}`,
  );
  configureOrt(pathToFileURL(join(ROOT, 'node_modules', 'onnxruntime-web', 'dist')).href, 1);
  const engine = new Engine(nodeModelFiles);
  const [, loadWall, loadCpu] = await measured(() => engine.loadModel(model));
  console.log(`load ${ms(loadWall)} ms wall, ${ms(loadCpu)} ms CPU`);
  console.log('| tokens | run wall/CPU | first overview wall/CPU | all overviews wall/CPU |');
  for (const { tokens, text } of benchTexts(model, engineSource(ROOT).text, sizes)) {
    for (let i = 0; i < repeat; i++) {
      const [held, runWall, runCpu] = await measured(() =>
        engine.inspectHeld(model, text, { maxTokens: tokens }),
      );
      const { resultId } = held;
      const [{ layers }] = held.stacks;
      const [, firstWall, firstCpu] = await measured(() => engine.overview(resultId, 'encoder', 0));
      const [, restWall, restCpu] = await measured(async () => {
        for (let l = 1; l < layers; l++) await engine.overview(resultId, 'encoder', l);
      });
      console.log(
        `| ${held.stacks[0].rows} | ${ms(runWall)}/${ms(runCpu)} | ${ms(firstWall)}/${ms(firstCpu)} | ${ms(firstWall + restWall)}/${ms(firstCpu + restCpu)} |`,
      );
      engine.release(resultId);
    }
  }
  console.log(
    `load ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} at end`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
