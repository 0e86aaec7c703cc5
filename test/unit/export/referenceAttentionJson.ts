/**
 * The export writer as it was before it streamed (issue 22), kept only as the reference the
 * streamed export must equal byte for byte: it reads a whole `InspectResult`'s tensors.
 */
import {
  EXPORT_FORMAT,
  type ExportOptions,
  formatWeight,
  resolveSelection,
} from '../../../src/engine/export/attentionJson';
import { stepsJson } from '../../../src/engine/export/stepsJson';
import type { InspectResult } from '../../../src/engine/types';

/** Weights per yielded chunk. */
const CHUNK_NUMBERS = 16384;

/** Yields the export document as consecutive JSON text chunks (a block of rows each). */
export function* attentionJsonChunks(
  result: InspectResult,
  options: ExportOptions = {},
): Generator<string> {
  const { layers, heads } = resolveSelection(result, options);
  const digits = Math.min(9, Math.max(1, Math.round(options.digits ?? 9)));
  const { model } = result;
  const header = {
    format: EXPORT_FORMAT,
    model: {
      id: model.id,
      name: model.name,
      architecture: model.architecture,
      layers: model.layers,
      heads: model.heads,
      hiddenSize: model.hiddenSize,
      vocabSize: model.vocabSize,
      maxPositions: model.maxPositions,
      ...(result.seq2seq
        ? { decoderLayers: result.seq2seq.decoderLayers, decoderHeads: result.seq2seq.decoderHeads }
        : {}),
      ...(model.attention ? { attention: model.attention } : {}),
    },
    ...(model.source ? { source: model.source } : {}),
    text: result.text,
    tokens: result.tokens.map((t) => ({
      id: t.id,
      text: t.text,
      start: t.start,
      end: t.end,
      special: t.special,
      ...(t.partial ? { partial: true } : {}),
    })),
    ...(result.seq2seq
      ? {
          target: result.seq2seq.target,
          decoder_tokens: result.seq2seq.decoderTokens.map((t) => ({
            id: t.id,
            text: t.text,
            special: t.special,
          })),
        }
      : {}),
    truncation: result.truncation ?? null,
    predictions: result.predictions ?? null,
    layers,
    heads,
  };
  // One field per line and one token per line: readable in an editor, still compact.
  const fields = Object.entries(header).map(([key, value]) =>
    Array.isArray(value) && value.length > 0 && typeof value[0] === 'object'
      ? `${JSON.stringify(key)}: [\n${value.map((item) => JSON.stringify(item)).join(',\n')}\n]`
      : `${JSON.stringify(key)}: ${JSON.stringify(value)}`,
  );
  yield `{\n${fields.join(',\n')}`;
  const n = result.tokens.length;
  const t = result.seq2seq?.decoderTokens.length ?? 0;
  const blocks: [string, Float32Array[], number, number][] = result.seq2seq
    ? [
        ['encoder_attentions', result.attentions, n, n],
        ['decoder_attentions', result.seq2seq.decoderAttentions, t, t],
        ['cross_attentions', result.seq2seq.crossAttentions, t, n],
      ]
    : [['attentions', result.attentions, n, n]];
  for (const [name, arrays, rows, cols] of blocks) {
    yield `,\n${JSON.stringify(name)}: [`;
    yield* matrixChunks(arrays, { layers, heads, rows, cols, digits });
    yield ']';
  }
  if (result.steps) yield stepsJson(result.steps, digits, formatWeight);
  yield '\n}\n';
}

/** `[layer][head][row][column]` of the selected layers and heads, in chunks of rows. */
function* matrixChunks(
  arrays: Float32Array[],
  shape: { layers: number[]; heads: number[]; rows: number; cols: number; digits: number },
): Generator<string> {
  const { layers, heads, rows, cols, digits } = shape;
  // Chunks of about CHUNK_NUMBERS weights: formatting 2M numbers of one layer at once would
  // hold a UI thread for a second or more; a chunk takes a few milliseconds.
  let parts: string[] = [];
  let pending = 0;
  for (let li = 0; li < layers.length; li++) {
    const weights = arrays[layers[li]];
    parts.push(li === 0 ? '\n[' : ',\n[');
    for (let hi = 0; hi < heads.length; hi++) {
      parts.push(hi === 0 ? '[' : ',[');
      for (let q = 0; q < rows; q++) {
        const base = (heads[hi] * rows + q) * cols;
        let row = q === 0 ? '[' : ',[';
        for (let k = 0; k < cols; k++)
          row += (k === 0 ? '' : ',') + formatWeight(weights[base + k], digits);
        parts.push(`${row}]`);
        pending += cols;
        if (pending >= CHUNK_NUMBERS) {
          yield parts.join('');
          parts = [];
          pending = 0;
        }
      }
      parts.push(']');
    }
    parts.push(']');
  }
  yield parts.join('');
}

/** The whole export as one string (small results, tests). */
export function serializeAttentionJson(result: InspectResult, options: ExportOptions = {}): string {
  return [...attentionJsonChunks(result, options)].join('');
}
