/** One run's head norm outputs (graph/exposeHeadNorms.ts) read into `HeadNorms` (issue 24). */
import { asFloat32, type OutputTensor } from '../attention/extractAttention';
import { HeadNorms } from '../attention/headNorms';
import type { HeadNormOutputs } from '../graph/exposeHeadNorms';
import type { AttentionStack } from '../types';

/** The graph outputs a run fetches for the norms. */
export function normFetches(layers: readonly HeadNormOutputs[]): string[] {
  return layers.flatMap((l) => [l.values, l.writes, ...(l.residual ? [l.residual] : [])]);
}

/** The norms, or why they cannot be used (said where value-weighted attention is asked for). */
export function readHeadNorms(
  outputs: Record<string, OutputTensor>,
  layers: readonly HeadNormOutputs[],
  stack: AttentionStack,
): HeadNorms | string {
  const read = (name: string) => {
    const tensor = outputs[name];
    return tensor ? asFloat32(tensor) : undefined;
  };
  const found = layers.map((l) => ({
    values: read(l.values),
    writes: read(l.writes),
    residual: l.residual ? read(l.residual) : undefined,
  }));
  if (found.some((l) => !l.values || !l.writes)) return 'the graph did not return its head norms';
  return HeadNorms.of(
    stack,
    found.map((l) => ({
      values: l.values as Float32Array,
      writes: l.writes as Float32Array,
      ...(l.residual ? { residual: l.residual } : {}),
    })),
  );
}
