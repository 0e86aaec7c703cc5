/** Human-readable names of what a view shows, used in labels, exports and announcements. */
import type { AttentionKind } from '../src/protocol/webview';
import type { HeadChoice, ViewState } from './viewState';

/** How an encoder-decoder's attention kinds are named in labels. */
export const KIND_NAMES: Record<AttentionKind, string> = {
  encoder: 'encoder',
  decoder: 'decoder',
  cross: 'cross-attention',
};

/**
 * "layer 2 · head 3", "layer 2 · mean of 12 heads", "rollout through layers 0–2"; with
 * `kind` (encoder-decoder results) prefixed by the attention's name ("cross-attention · …").
 */
export function choiceLabel(
  layer: number,
  head: HeadChoice,
  heads: number,
  kind?: AttentionKind,
): string {
  const prefix = kind ? `${KIND_NAMES[kind]} · ` : '';
  if (typeof head === 'number') return `${prefix}layer ${layer} · head ${head}`;
  if (head === 'mean') return `${prefix}layer ${layer} · mean of ${heads} heads`;
  if (head === 'max') return `${prefix}layer ${layer} · max over heads`;
  return `${prefix}rollout through layers 0–${layer}`;
}

/** How value-weighted rows are named (webview/valueWeighted.ts says what they hold). */
export const VALUE_WEIGHTED_LABEL = 'value-weighted (share of ‖α·f(x)‖)';

/** The toggles in force, said the way the UI labels them. */
export function modeLabels(state: ViewState): string[] {
  const modes: string[] = [];
  if (state.wordLevel) modes.push('word level (sub-words merged)');
  if (state.hideSpecial) modes.push('special tokens hidden (rows renormalised)');
  if (state.weights === 'value-weighted') modes.push(VALUE_WEIGHTED_LABEL);
  return modes;
}
