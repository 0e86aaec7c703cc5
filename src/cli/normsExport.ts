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
        headWrites: (kind, layer) => engine.askHeld('headWrites', { resultId, kind, layer }),
        logitLens: (position, k) => engine.askHeld('logitLens', { resultId, position, k }),
      },
    },
  };
}

/**
 * Asks for the first layer's writes and the first position's lens before any JSON is
 * written, so a model without them fails with its one line and nothing on stdout (the
 * export reads them lazily, after the attention has streamed).
 */
export async function probeNorms(
  engine: EngineClient,
  resultId: number,
  args: Pick<CliArgs, 'norms' | 'logitLens'>,
): Promise<void> {
  if (args.norms) await engine.askHeld('headWrites', { resultId, kind: 'encoder', layer: 0 });
  if (args.logitLens !== undefined)
    await engine.askHeld('logitLens', { resultId, position: 0, k: args.logitLens });
}
