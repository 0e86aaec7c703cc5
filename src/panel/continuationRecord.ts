/**
 * What a restored panel needs to show the continuation it showed (issue 23): the generation
 * settings and the shown branch's generated ids, saved with its `RestoreInfo`. On revive the
 * run is the same request with all those ids forced, so the same tokens come back whatever the
 * sampling. Versioned and small (ids, not text or tensors); a record this code does not know
 * reads as none, and the panel then comes back as a plain inspection. Pure, no `vscode`.
 */
import type { GenerationInfo, GenerationRequest } from '../engine/generationTypes';
import type { BranchSummary } from '../protocol/continuationBranches';

/** Saved with a continuation's `RestoreInfo` (`continuation`). */
export interface ContinuationRecord {
  version: 1;
  /** The bound the run used (already clamped to the context). */
  maxNewTokens: number;
  temperature?: number;
  topP?: number;
  seed?: number;
  stopAtNewline?: boolean;
  /** The shown branch's generated ids, in order (its end token included). */
  ids: number[];
  /** The shown branch, as its list named it (a fork's step and first token). */
  branch?: BranchSummary;
}

/** Continuations longer than this are not recorded (the context bounds them far below). */
const MAX_RECORDED_IDS = 8192;

/** The record of a continuation shown with `request`, which wrote `generation`. */
export function continuationRecordOf(
  request: GenerationRequest,
  generation: GenerationInfo,
  branch?: BranchSummary,
): ContinuationRecord | undefined {
  const ids = generation.generated.map((token) => token.id);
  if (ids.length > MAX_RECORDED_IDS) return undefined;
  const sampled = generation.kind === 'sample';
  return {
    version: 1,
    maxNewTokens: generation.maxNewTokens,
    ...(sampled && generation.temperature !== undefined
      ? { temperature: generation.temperature }
      : {}),
    ...(sampled && generation.topP !== undefined ? { topP: generation.topP } : {}),
    ...(sampled && generation.seed !== undefined ? { seed: generation.seed } : {}),
    ...(request.stopAtNewline ? { stopAtNewline: true } : {}),
    ids,
    ...(branch ? { branch: { forkedAt: branch.forkedAt, token: branch.token } } : {}),
  };
}

/**
 * The request that writes the recorded continuation again: its settings, every id forced.
 * Undefined for a record of another version or a malformed one (saved state is untrusted).
 */
export function revivedRequestOf(record: unknown): GenerationRequest | undefined {
  if (!isRecord(record)) return undefined;
  const { maxNewTokens, temperature, topP, seed, stopAtNewline, ids } = record;
  return {
    // Forced ids past the bound are refused: the bound covers them all.
    maxNewTokens: Math.max(maxNewTokens, ids.length),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(stopAtNewline ? { stopAtNewline: true } : {}),
    forced: [...ids],
  };
}

/** The branch a record names, for the revived panel's branch list. */
export function recordedBranch(record: unknown): BranchSummary {
  if (!isRecord(record) || !record.branch) return { forkedAt: null, token: null };
  const { forkedAt, token } = record.branch;
  return {
    forkedAt: isCount(forkedAt) ? forkedAt : null,
    token: typeof token === 'string' ? token : null,
  };
}

function isRecord(value: unknown): value is ContinuationRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<Record<keyof ContinuationRecord, unknown>>;
  return (
    r.version === 1 &&
    isCount(r.maxNewTokens) &&
    Array.isArray(r.ids) &&
    r.ids.length > 0 &&
    r.ids.length <= MAX_RECORDED_IDS &&
    r.ids.every((id) => Number.isInteger(id) && (id as number) >= 0) &&
    optionalNumber(r.temperature) &&
    optionalNumber(r.topP) &&
    (r.seed === undefined || Number.isInteger(r.seed)) &&
    (r.stopAtNewline === undefined || typeof r.stopAtNewline === 'boolean')
  );
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1;
}

function optionalNumber(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value));
}
