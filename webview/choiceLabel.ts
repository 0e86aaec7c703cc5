/** Human-readable names of what a view shows, used in labels, exports and announcements. */
import type { HeadChoice, ViewState } from './viewState';

/** "layer 2 · head 3", "layer 2 · mean of 12 heads", "rollout through layers 0–2". */
export function choiceLabel(layer: number, head: HeadChoice, heads: number): string {
  if (typeof head === 'number') return `layer ${layer} · head ${head}`;
  if (head === 'mean') return `layer ${layer} · mean of ${heads} heads`;
  if (head === 'max') return `layer ${layer} · max over heads`;
  return `rollout through layers 0–${layer}`;
}

/** The toggles in force, said the way the UI labels them. */
export function modeLabels(state: ViewState): string[] {
  const modes: string[] = [];
  if (state.wordLevel) modes.push('word level (sub-words merged)');
  if (state.hideSpecial) modes.push('special tokens hidden (rows renormalised)');
  return modes;
}
