/** A small result and a feed wired to a recording webview, for the WebviewFeed tests. */
import { HeldResults } from '../../../src/engine/attention/heldResults';
import { holdInspection } from '../../../src/engine/attention/holdInspection';
import type { HeldResult, InspectResult } from '../../../src/engine/types';
import { WebviewFeed } from '../../../src/panel/webviewFeed';
import type { HostToWebview, ViewSettings } from '../../../src/protocol/webview';

export const settings: ViewSettings = { colorMap: 'viridis', topK: 5, defaultView: 'model' };

/** A `layers`-layer, 2-head result over 3 tokens, rows summing to 1. */
export function result(layers = 2): InspectResult {
  const layer = () =>
    Float32Array.from(
      { length: 2 * 3 * 3 },
      (_, i) => [1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5][i % 9],
    );
  return {
    model: {
      id: 'm',
      name: 'M',
      architecture: 'decoder',
      layers,
      heads: 2,
      hiddenSize: 8,
      vocabSize: 10,
      maxPositions: 16,
      dir: '/m',
    },
    text: 'a b',
    tokens: [
      { id: 0, text: '<s>', start: 0, end: 0, special: true },
      { id: 1, text: 'a', start: 0, end: 1, special: false },
      { id: 2, text: 'Ġb', start: 1, end: 3, special: false },
    ],
    attentions: Array.from({ length: layers }, layer),
    timings: { tokenizeMs: 1, inferenceMs: 2, totalMs: 3 },
  };
}

/** `inspected` held by the engine's own `HeldResults`, as the host receives it: no tensors. */
export function held(inspected: InspectResult = result()): HeldResult {
  return holdInspection(new HeldResults(), inspected);
}

/** A feed whose webview receives structured clones, as a real webview does. */
export function setup() {
  const sent: HostToWebview[] = [];
  const feed = new WebviewFeed((message) => sent.push(structuredClone(message)), settings);
  return { feed, sent, types: () => sent.map((m) => m.type) };
}

/** Every typed array reachable from `value` (how the tests tell that no tensor is kept). */
export function typedArraysIn(value: unknown, seen = new Set<unknown>()): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) return [value];
  if (value === null || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  const children = value instanceof Map ? [...value.values()] : Object.values(value);
  return children.flatMap((child) => typedArraysIn(child, seen));
}

/** What a ready webview receives for a result: settings, then the result's metadata. */
export const SNAPSHOT = ['didChangeSettings', 'didStartResult'];
