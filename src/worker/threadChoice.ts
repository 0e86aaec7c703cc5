/**
 * The thread count an engine worker starts with: the setting or flag when it names one,
 * else "auto" (src/engine/inference/threadRule.ts) for the model the worker is started for.
 * Decided before the worker starts because onnxruntime-web fixes it for the worker's life;
 * the host restarts the worker when a newly selected model wants another count.
 */
import { readdirSync, statSync } from 'node:fs';
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
    busyCores: Math.floor(loadavg()[0]),
    parameters: modelParameters(request.modelDir, request.variant) ?? 0,
    tokens: request.tokens ?? TYPICAL_TOKENS,
    surface: request.surface,
  });
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
