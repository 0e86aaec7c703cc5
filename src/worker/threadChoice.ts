/**
 * The thread count an engine worker starts with: the setting or flag when it names one,
 * else "auto" (src/engine/inference/threadRule.ts) for the model the worker is started for.
 * Decided before the worker starts because onnxruntime-web fixes it for the worker's life;
 * the host restarts the worker when a newly selected model wants another count.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  GRAPH_DIRECTORIES,
  type GraphFile,
  type GraphVariant,
  isExternalDataOf,
  rankGraphFiles,
  SEQ2SEQ_DECODER_ROLES,
} from '../engine/folder/onnxGraphFiles';
import { autoThreads } from '../engine/inference/threadRule';
import type { Surface } from '../engine/surface';

/** Tokens assumed when nothing says how long runs will be (the usual selection). */
export const TYPICAL_TOKENS = 512;

/** Bytes one weight takes in a graph of each variant (4-bit formats pack two per byte). */
const BYTES_PER_PARAMETER: Record<GraphVariant, number> = {
  fp32: 4,
  fp16: 2,
  quantized: 1,
  int8: 1,
  uint8: 1,
  q4: 0.5,
  q4f16: 0.5,
  bnb4: 0.5,
};

export interface ThreadRequest {
  /** The setting or flag: a count, or 0 for "auto". */
  setting: number;
  modelDir: string;
  variant?: GraphVariant;
  /** Tokens of the coming runs when known (the CLI's text, a token limit). */
  tokens?: number;
  surface: Surface;
}

export function threadsFor(request: ThreadRequest): number {
  if (request.setting > 0) return request.setting;
  return autoThreads({
    cores: availableParallelism(),
    busyCores: busyCoresFrom(loadavg()[0], runnableOthers()),
    parameters: modelParameters(request.modelDir, request.variant) ?? 0,
    tokens: request.tokens ?? TYPICAL_TOKENS,
    surface: request.surface,
  });
}

/**
 * Cores other processes keep busy: the one-minute load average, rounded down, but no more
 * than the tasks runnable right now. The average lags by a minute: just after a build or a
 * test run it still says a core is busy when nothing runs, and a CLI started then would take
 * one thread where two were free (2,048 tokens of the 30-layer model: 59 s instead of 35 s).
 */
export function busyCoresFrom(loadAverage: number, runnableNow: number | undefined): number {
  const average = Math.max(0, Math.floor(loadAverage));
  return runnableNow === undefined ? average : Math.min(average, runnableNow);
}

/** Tasks runnable now other than this one (Linux's /proc/loadavg), else undefined. */
function runnableOthers(): number | undefined {
  try {
    const tasks = readFileSync('/proc/loadavg', 'utf8').split(' ')[3] ?? '';
    const runnable = Number(tasks.split('/')[0]);
    return Number.isInteger(runnable) ? Math.max(0, runnable - 1) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The weights of the graph(s) the engine would load from `modelDir`, estimated from their
 * size on disk (graph and external data are almost all initializers); undefined when the
 * folder cannot be read (the load itself will say why).
 */
export function modelParameters(modelDir: string, variant?: GraphVariant): number | undefined {
  try {
    const paths = GRAPH_DIRECTORIES.flatMap((dir) => listed(join(modelDir, dir), dir));
    const single = pick(rankGraphFiles(paths), variant);
    const graphs = single
      ? [single]
      : [
          pick(rankGraphFiles(paths, ['encoder']), variant),
          pick(rankGraphFiles(paths, SEQ2SEQ_DECODER_ROLES), variant),
        ].filter((file): file is GraphFile => file !== undefined);
    if (graphs.length === 0) return undefined;
    return graphs.reduce((sum, graph) => {
      const bytes = paths
        .filter((path) => path === graph.path || isExternalDataOf(graph.path, path))
        .reduce((total, path) => total + statSync(join(modelDir, path)).size, 0);
      return sum + bytes / BYTES_PER_PARAMETER[graph.variant];
    }, 0);
  } catch {
    return undefined;
  }
}

/** The asked variant when the folder has it, else the best. */
function pick(ranked: GraphFile[], variant: GraphVariant | undefined): GraphFile | undefined {
  return ranked.find((file) => file.variant === variant) ?? ranked[0];
}

function listed(dir: string, prefix: string): string[] {
  try {
    return readdirSync(dir).map((name) => `${prefix}${name}`);
  } catch {
    return [];
  }
}
