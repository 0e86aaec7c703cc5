import type { RecomputeOutputs } from './exposeRecompute';

/** The graph outputs one run must fetch. */
export function recomputeFetches(layers: readonly RecomputeOutputs[]): string[] {
  return layers.flatMap((l) => [
    l.query,
    l.keyTransposed,
    l.checkedRows,
    ...l.scales.map((s) => s.operand),
    ...(l.softcap ? [l.softcap] : []),
  ]);
}
