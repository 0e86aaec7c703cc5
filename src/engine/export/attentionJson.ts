/**
 * The export format `attention-inspector/1` (docs/attention-json.md): one JSON object
 * whose `attentions` has shape (layers, heads, N, N) like Hugging Face's
 * `output_attentions`. Written in chunks so a 12.5M-number export never builds one giant
 * string and a caller on a UI thread can yield between chunks.
 */
import type { InspectResult } from '../types';
import { stepsJson } from './stepsJson';

export const EXPORT_FORMAT = 'attention-inspector/1';

/** Weights per yielded chunk. */
const CHUNK_NUMBERS = 16384;

export interface ExportOptions {
  /** Layers to include, in this order; empty or absent = all. */
  layers?: number[];
  /** Heads to include, in this order; empty or absent = all. */
  heads?: number[];
  /** Significant digits per weight (1–9); absent = 9, enough to round-trip float32. */
  digits?: number;
}

/**
 * Validates the selection against the model; throws a message naming the bad index. An
 * encoder-decoder's selection applies to both stacks, so it must exist in each.
 */
export function resolveSelection(
  result: InspectResult,
  options: ExportOptions,
): { layers: number[]; heads: number[] } {
  const pick = (chosen: number[] | undefined, count: number, what: string): number[] => {
    if (!chosen || chosen.length === 0) return Array.from({ length: count }, (_, i) => i);
    for (const index of chosen) {
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`There is no ${what} ${index}: the model has ${what}s 0–${count - 1}.`);
      }
    }
    return chosen;
  };
  const decoder = result.seq2seq;
  return {
    layers: pick(
      options.layers,
      Math.min(result.model.layers, decoder?.decoderLayers ?? Infinity),
      'layer',
    ),
    heads: pick(
      options.heads,
      Math.min(result.model.heads, decoder?.decoderHeads ?? Infinity),
      'head',
    ),
  };
}

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

/** `digits` significant digits, trailing zeros dropped; 9 round-trips any float32. */
export function formatWeight(value: number, digits: number): string {
  if (value === 0) return '0';
  let text = value.toPrecision(digits);
  const exponentAt = text.indexOf('e');
  let mantissa = exponentAt < 0 ? text : text.slice(0, exponentAt);
  if (mantissa.includes('.')) {
    let end = mantissa.length;
    while (mantissa.charCodeAt(end - 1) === 48) end--; // '0'
    if (mantissa.charCodeAt(end - 1) === 46) end--; // '.'
    mantissa = mantissa.slice(0, end);
  }
  text = exponentAt < 0 ? mantissa : mantissa + text.slice(exponentAt).replace('+', '');
  return text;
}
