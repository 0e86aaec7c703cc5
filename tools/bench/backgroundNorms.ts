/**
 * `firstNormsBench.ts --background`: the value norms the engine service computes in the
 * background after an inspection is held (issue 24, item 5; src/worker/backgroundFill.ts).
 * The engine is served in this process over a MessageChannel, as the worker serves it, so
 * requests take their turns with the background's tasks. Measures the first value-weighted
 * row asked as soon as the inspection answers, attention rows asked while the background
 * runs (against the same rows once it is done), how long the background takes, and the
 * first value-weighted row of a head once the background has reached it.
 */
import { MessageChannel } from 'node:worker_threads';
import type { Engine } from '../../src/engine/engine';
import type { AttentionSliceRequest } from '../../src/engine/types';
import type { EngineApi, EngineEvent } from '../../src/protocol/engine';
import { Rpc } from '../../src/protocol/rpc';
import { serveEngine } from '../../src/worker/engineService';
import { nodePortEndpoint } from '../../src/worker/nodePortEndpoint';

export interface Cost {
  wall: number;
  cpu: number;
}

export async function timed(work: () => Promise<unknown>): Promise<Cost> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - start, cpu: (used.user + used.system) / 1000 };
}

export const median = (costs: Cost[]): Cost => {
  const by = (key: keyof Cost) =>
    [...costs].map((c) => c[key]).sort((a, b) => a - b)[costs.length >> 1];
  return { wall: by('wall'), cpu: by('cpu') };
};

const largest = (costs: Cost[]): Cost => ({
  wall: Math.max(...costs.map((c) => c.wall)),
  cpu: Math.max(...costs.map((c) => c.cpu)),
});

const percentile = (costs: Cost[], p: number): Cost => {
  const at = Math.min(costs.length - 1, Math.floor(p * costs.length));
  const by = (key: keyof Cost) => [...costs].map((c) => c[key]).sort((a, b) => a - b)[at];
  return { wall: by('wall'), cpu: by('cpu') };
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rows of the table `firstNormsBench.ts` prints: what, cost. */
export async function backgroundRows(
  engine: Engine,
  model: string,
  text: string,
  n: number,
): Promise<[string, Cost][]> {
  const { port1, port2 } = new MessageChannel();
  serveEngine(nodePortEndpoint(port1), engine, 1);
  const client = new Rpc<EngineApi, Record<string, never>, EngineEvent>(
    nodePortEndpoint(port2),
    {},
    { transfer: true },
  );
  const rows: [string, Cost][] = [];
  // Each background task timed as it runs (the longest a request can wait behind one).
  const tasks: Cost[] = [];
  const next = engine.backgroundTask;
  Object.assign(engine, {
    backgroundTask: (id: number) => {
      const task = next(id);
      return task && (() => timed(task).then((cost) => void tasks.push(cost)));
    },
  });
  try {
    rows.push([
      'loading the model',
      await timed(() => client.call('loadModel', { modelDir: model })),
    ]);
    let resultId = 0;
    let layers = 0;
    let heads = 0;
    const inspect = await timed(async () => {
      const held = await client.call('inspectHeld', {
        runId: 1,
        modelDir: model,
        text,
        maxTokens: n,
      });
      ({ resultId } = held);
      ({ layers, heads } = held.stacks[0]);
    });
    const backgroundStart = process.cpuUsage();
    const startedAt = performance.now();
    const at = Math.floor(layers / 4);
    const other = Math.floor(layers / 2);
    const slice = (request: Omit<AttentionSliceRequest, 'kind'>) =>
      timed(() => client.call('slice', { resultId, kind: 'encoder', ...request }));
    const vw = 'value-weighted' as const;
    rows.push(['the inspection (inspectHeld)', inspect]);
    // The attention kernel made, as the panel's first view does before anything is weighted.
    rows.push([
      'an attention row asked as the inspection answers (its kernel made)',
      await slice({ layer: 0, heads: [0], rows: [n - 1] }),
    ]);
    rows.push([
      `**the first value-weighted row, asked right after it** (layer ${at})`,
      await slice({ layer: at, heads: [heads - 1], rows: [n - 1], weights: vw }),
    ]);
    // The last layer's first attention row, so that the rows below time the waiting only.
    await slice({ layer: layers - 1, heads: [0], rows: [0] });
    const during: Cost[] = [];
    let asked = 0;
    while (engine.backgroundTask(resultId)) {
      // Rows of a layer the background reaches last, each a little after the last answer.
      const row = { layer: layers - 1, heads: [asked % heads], rows: [n - 2 - (asked % 50) * 7] };
      during.push(await slice(row));
      asked++;
      await pause(20);
    }
    const wall = performance.now() - startedAt;
    const used = process.cpuUsage(backgroundStart);
    const rowsWall = during.reduce((sum, c) => sum + c.wall, 0);
    rows.push([
      `the background, every layer's value norms (wall from the inspection's answer, with ${asked} rows asked and 20 ms pauses; CPU of the process)`,
      { wall, cpu: (used.user + used.system) / 1000 },
    ]);
    rows.push([`of which the rows asked meanwhile (wall, sum)`, { wall: rowsWall, cpu: NaN }]);
    rows.push([
      `an attention row asked during the background (median of ${asked})`,
      median(during),
    ]);
    rows.push([`the slowest of them`, largest(during)]);
    rows.push([`the 90th percentile of them`, percentile(during, 0.9)]);
    rows.push([`a background task (median of ${tasks.length})`, median(tasks)]);
    rows.push([`the longest background task`, largest(tasks)]);
    const after: Cost[] = [];
    for (let i = 0; i < 10; i++) {
      after.push(await slice({ layer: layers - 1, heads: [i % heads], rows: [n - 2 - i * 7] }));
    }
    rows.push(['the same attention rows after the background (median of 10)', median(after)]);
    const firstAfter: Cost[] = [];
    for (let h = 0; h < heads; h++) {
      firstAfter.push(
        await slice({ layer: other, heads: [h], rows: [n - 1 - h * 7], weights: vw }),
      );
    }
    rows.push([
      `**the first value-weighted row of each head of layer ${other}, after the background** (median of ${heads})`,
      median(firstAfter),
    ]);
    rows.push(['the slowest of them', largest(firstAfter)]);
  } finally {
    client.dispose();
    port1.close();
    port2.close();
  }
  return rows;
}
