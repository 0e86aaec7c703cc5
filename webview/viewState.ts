/**
 * The webview's persisted choices: a small versioned object kept with `setState`, so a
 * reload or a hidden panel comes back as the user left it. Never holds tensors.
 */
import {
  ATTENTION_KINDS,
  type AttentionKind,
  COLOR_MAP_NAMES,
  type ColorMapName,
  VIEW_KINDS,
  type ViewKind,
} from '../src/protocol/webview';
import type { SliceWeights } from '../src/engine/types';

/** Which matrix of a layer a view shows: one head or an aggregate. */
export type HeadChoice = number | 'mean' | 'max' | 'rollout';

/** How colours are scaled: to the matrix's maximum, the full 0–1 range, or each row's maximum. */
export type ScaleMode = 'max' | 'unit' | 'row';

/** Version 1 of the persisted state. */
export interface ViewState {
  v: 1;
  /** null until the user picks one: the `defaultView` setting applies. */
  view: ViewKind | null;
  layer: number;
  head: HeadChoice;
  wordLevel: boolean;
  hideSpecial: boolean;
  /** Matrix view zoom factor (1 = fit). */
  zoom: number;
  /** null: the `colorMap` setting applies. */
  colorMap: ColorMapName | null;
  scale: ScaleMode;
  /** null: the `topK` setting applies. */
  topK: number | null;
  /** Heads the head view draws; empty = all. */
  heads: number[];
  /** Encoder-decoder results: which attention the views show (others: always `encoder`). */
  attention: AttentionKind;
  /** What the matrix and head views show: attention weights or value-weighted (issue 24). */
  weights: SliceWeights;
}

/** The state of a fresh panel. */
export const DEFAULT_STATE: ViewState = {
  v: 1,
  view: null,
  layer: 0,
  head: 0,
  wordLevel: false,
  hideSpecial: false,
  zoom: 1,
  colorMap: null,
  scale: 'max',
  topK: null,
  heads: [],
  // Cross-attention is what an encoder-decoder result is inspected for.
  attention: 'cross',
  weights: 'attention',
};

/** Reads whatever `getState()` returned, keeping only well-formed fields. */
export function migrateState(saved: unknown): ViewState {
  if (typeof saved !== 'object' || saved === null || (saved as { v?: unknown }).v !== 1) {
    return { ...DEFAULT_STATE };
  }
  const s = saved as Record<string, unknown>;
  const pick = <T>(value: unknown, ok: (x: unknown) => boolean, fallback: T): T =>
    ok(value) ? (value as T) : fallback;
  const isIndex = (x: unknown) => Number.isInteger(x) && (x as number) >= 0;
  return {
    v: 1,
    view: pick(s.view, (x) => VIEW_KINDS.includes(x as ViewKind), null),
    layer: pick(s.layer, isIndex, 0),
    head: pick(s.head, (x) => isIndex(x) || x === 'mean' || x === 'max' || x === 'rollout', 0),
    wordLevel: s.wordLevel === true,
    hideSpecial: s.hideSpecial === true,
    zoom: pick(s.zoom, (x) => typeof x === 'number' && x >= 1 && x <= 64, 1),
    colorMap: pick(s.colorMap, (x) => COLOR_MAP_NAMES.includes(x as ColorMapName), null),
    scale: s.scale === 'unit' || s.scale === 'row' ? s.scale : 'max',
    topK: pick(
      s.topK,
      (x) => Number.isInteger(x) && (x as number) >= 1 && (x as number) <= 50,
      null,
    ),
    heads: pick(s.heads, (x) => Array.isArray(x) && x.every(isIndex), []),
    attention: pick(s.attention, (x) => ATTENTION_KINDS.includes(x as AttentionKind), 'cross'),
    weights: s.weights === 'value-weighted' ? 'value-weighted' : 'attention',
  };
}
