/** The host query behind the Weights switch's probe and the summary's Writes column (issue 24). */
import type { AttentionKind } from '../src/engine/types';
import { callHost } from './vscodeApi';

/** One layer's head writes (layer 0: whether the result has norms), or the engine's refusal. */
export const askHeadWrites = (runId: number, kind: AttentionKind, layer = 0) =>
  callHost('headWrites', { runId, kind, layer });
