/** A small result and a feed wired to a recording webview, for the WebviewFeed tests. */
import type { InspectResult } from '../../../src/engine/types';
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

/** A feed whose webview receives structured clones, as a real webview does. */
export function setup() {
  const sent: HostToWebview[] = [];
  const feed = new WebviewFeed((message) => sent.push(structuredClone(message)), settings);
  /** Layers sent and not yet confirmed, as a webview counts them. */
  let told = 0;
  /** The webview confirms every layer it was sent (it drew them), until the feed stops. */
  const drawAll = (): void => {
    for (let guard = 0; guard < 1000; guard++) {
      const layers = sent.filter((m) => m.type === 'didProduceLayer');
      if (layers.length === told) return;
      const last = layers.at(-1);
      const count = layers.length - told;
      told = layers.length;
      if (last?.type === 'didProduceLayer') feed.onLayersTaken(last.runId, count);
    }
  };
  const clear = (): void => {
    sent.length = 0;
    told = 0;
  };
  return { feed, sent, types: () => sent.map((m) => m.type), drawAll, clear };
}

/** `runId/layer` of each layer message, `start runId`/`finish runId`/`run runId` for the others. */
export function trail(sent: HostToWebview[]): string[] {
  return sent.flatMap((m) => {
    if (m.type === 'didProduceLayer') return [`${m.runId}/${m.layer}`];
    if (m.type === 'didStartResult') return [`start ${m.meta.runId}`];
    if (m.type === 'didFinishResult') return [`finish ${m.runId}`];
    if (m.type === 'didStartRun') return [`run ${m.runId}`];
    return [];
  });
}

/** What a ready webview receives for a two-layer result: settings, then the result. */
export const SNAPSHOT = [
  'didChangeSettings',
  'didStartResult',
  'didProduceLayer',
  'didProduceLayer',
  'didFinishResult',
];
