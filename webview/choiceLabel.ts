/** Human-readable names of what a view shows, used in labels, exports and announcements. */
import type { AttentionKind, ViewKind } from '../src/protocol/webview';
import type { ViewContext } from './views/view';
import type { HeadChoice, ViewState } from './viewState';

/** How an encoder-decoder's attention kinds are named in labels. */
const KIND_NAMES: Record<AttentionKind, string> = {
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

/** What the focused row's weights are: the chosen matrix, or the head view's heads. */
export function focusLabel(ctx: ViewContext, view: ViewKind): string {
  if (view !== 'head') return ctx.choiceLabel;
  const { layer, heads } = ctx.state;
  const kind = ctx.store.meta?.seq2seq ? `${KIND_NAMES[ctx.store.kind]} · ` : '';
  if (heads.length === 1) return `${kind}layer ${layer} · head ${heads[0]}`;
  return `${kind}layer ${layer} · mean of ${heads.length ? `heads ${heads.join(', ')}` : 'all heads'}`;
}

/** The toggles in force, said the way the UI labels them. */
export function modeLabels(state: ViewState): string[] {
  const modes: string[] = [];
  if (state.wordLevel) modes.push('word level (sub-words merged)');
  if (state.hideSpecial) modes.push('special tokens hidden (rows renormalised)');
  return modes;
}
