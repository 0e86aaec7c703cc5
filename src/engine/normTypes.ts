/**
 * What attention moves (issue 24), as the engine answers it: value-weighted attention
 * (Kobayashi et al., EMNLP 2020) and each head's write. Part of `types.ts` (which re-exports
 * it), kept apart only for size.
 */
import type { AttentionKind, Prediction } from './types';

/**
 * What a slice holds: the attention weights α_ij (rows sum to 1), or value-weighted
 * ‖α_ij f_h(x_j)‖ with f_h(x_j) = v_j^h W_O^h (W_O's bias left out), in the units of the
 * residual stream (rows do not sum to 1).
 */
export type SliceWeights = 'attention' | 'value-weighted';

/** One layer's norms of one stack: what `Engine.headWrites` answers. */
export interface HeadWrites {
  kind: AttentionKind;
  layer: number;
  /** `[heads, cols]`: ‖v_j^h W_O^h‖ per head and key token. */
  values: Float32Array;
  /** `[heads, rows]`: ‖Σ_j α_ij v_j^h W_O^h‖ per head and query token. */
  writes: Float32Array;
  /** `[heads, rows]`: `writes` over the norm of the residual stream the attention output joins. */
  relativeWrites?: Float32Array;
}

/**
 * The logit lens at one position (issue 24; nostalgebraist, "interpreting GPT: the logit
 * lens", 2020): the top next-token predictions read from the residual stream after layer
 * `layer` through the model's final norm and unembedding. The last layer's are the model's own.
 */
export interface LogitLensLayer {
  layer: number;
  predictions: Prediction[];
}
