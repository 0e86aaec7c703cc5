/** The export's issue 24 fields asked of the worker's engine (`--norms`, `--logit-lens K`). */
import type { ExportOptions } from '../engine/export/attentionJson';
import type { EngineClient } from '../worker/engineClient';
import type { CliArgs } from './cliArgs';

export function normsExport(
  engine: EngineClient,
  resultId: number,
  args: Pick<CliArgs, 'norms' | 'logitLens'>,
): Pick<ExportOptions, 'norms'> {
  if (!args.norms && args.logitLens === undefined) return {};
  return {
    norms: {
      ...(args.norms ? { norms: true } : {}),
      ...(args.logitLens === undefined ? {} : { logitLens: args.logitLens }),
      reader: {
        valueWeighted: (kind, layer, heads) =>
          engine.slice(resultId, { kind, layer, heads, weights: 'value-weighted' }),
        headWrites: (kind, layer) => engine.whatMoves('headWrites', { resultId, kind, layer }),
        logitLens: (position, k) => engine.whatMoves('logitLens', { resultId, position, k }),
      },
    },
  };
}
