/**
 * The export format `attention-inspector/1` (docs/attention-json.md): one JSON object
 * whose `attentions` has shape (layers, heads, N, N) like Hugging Face's
 * `output_attentions`. Streamed (issue 22): the attention is asked for a layer (or, for
 * long texts, a few heads) at a time through an `AttentionSlicer`, and the text leaves in
 * chunks of rows, so a 562 MB export is never one string, nor all its tensors at once.
 */
import type { AttentionKind, HeldResult, InspectResult } from '../types';
import { type PredictionReader, withPredictions } from './predictionsJson';
import { generationFields } from './generationJson';
import { stepsJson } from './stepsJson';
import { type NormsExport, type NormsReader, normsJsonChunks, type Stacks } from './normsJson';

export const EXPORT_FORMAT = 'attention-inspector/1';

/** Weights per emitted chunk. */
const CHUNK_NUMBERS = 16384;

/**
 * Weights per slice asked for: a whole layer while it is at most this (9 heads × 512² is
 * 2.4M), fewer heads per slice beyond (one head of 2,048² is 4.2M, 17 MB).
 */
export const SLICE_NUMBERS = 1 << 22;

export interface ExportOptions {
  /** Layers to include, in this order; empty or absent = all. */
  layers?: number[];
  /** Heads to include, in this order; empty or absent = all. */
  heads?: number[];
  /** Significant digits per weight (1–9); absent = 9, enough to round-trip float32. */
  digits?: number;
  /** Issue 24's value-weighted attention, head writes and logit lens (normsJson.ts). */
  norms?: NormsExport & { reader: NormsReader };
  /**
   * A held result's next-token predictions (`HeldResult.nextTokens`): what `EngineApi.predictions`
   * answers. Absent, such a result is exported with `"predictions": null`.
   */
  predictions?: PredictionReader;
}

/**
 * What the export writes besides the attention: a held result (the engine keeps its
 * tensors) or a whole `InspectResult` (its tensors are ignored; `sliceTensors` reads them).
 */
export type ExportedResult = Omit<HeldResult, 'resultId' | 'stacks' | 'timings'>;

/**
 * `[heads.length, rows, cols]` of layer `layer` of the `kind` stack, row-major: what
 * `EngineApi.slice({ resultId, kind, layer, heads })` answers for a held result.
 */
export type AttentionSlicer = (
  kind: AttentionKind,
  layer: number,
  heads: number[],
) => Promise<Float32Array>;

/** Where the chunks go; awaited before the next chunk is made (backpressure). */
export type ChunkSink = (chunk: string) => Promise<void> | void;

/**
 * Validates the selection against the model; throws a message naming the bad index. An
 * encoder-decoder's selection applies to both stacks, so it must exist in each.
 */
export function resolveSelection(
  result: Pick<ExportedResult, 'model' | 'seq2seq'>,
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

/** Writes the whole export document to `sink`, chunk by chunk. */
export async function streamAttentionJson(
  result: ExportedResult,
  slice: AttentionSlicer,
  sink: ChunkSink,
  options: ExportOptions = {},
): Promise<void> {
  for await (const chunk of attentionJsonChunks(result, slice, options)) await sink(chunk);
}

/**
 * The export document as consecutive JSON text chunks (a block of rows each). Only the
 * selected layers and heads are asked of `slice`, one slice at a time, each at most
 * `sliceNumbers` weights unless one head is more.
 */
export async function* attentionJsonChunks(
  result: ExportedResult,
  slice: AttentionSlicer,
  options: ExportOptions = {},
  sliceNumbers = SLICE_NUMBERS,
): AsyncGenerator<string> {
  const { layers, heads } = resolveSelection(result, options);
  const digits = Math.min(9, Math.max(1, Math.round(options.digits ?? 9)));
  yield headerJson(await withPredictions(result, options.predictions), layers, heads);
  const n = result.tokens.length;
  const t = result.seq2seq?.decoderTokens.length ?? 0;
  const blocks: [string, AttentionKind, number, number][] = result.seq2seq
    ? [
        ['encoder_attentions', 'encoder', n, n],
        ['decoder_attentions', 'decoder', t, t],
        ['cross_attentions', 'cross', t, n],
      ]
    : [['attentions', 'encoder', n, n]];
  for (const [name, kind, rows, cols] of blocks) {
    yield `,\n${JSON.stringify(name)}: [`;
    yield* matrixChunks(slice, kind, { layers, heads, rows, cols, digits }, sliceNumbers);
    yield ']';
  }
  if (result.steps) yield stepsJson(result.steps, digits, formatWeight);
  if (options.norms) {
    const stacks = blocks.map(([name, kind, r, c]) => [name.replace('attentions', ''), kind, r, c]);
    const selection = { layers, heads, digits };
    // An encoder-decoder's lens is its decoder's, over the decoder tokens.
    const lens = result.seq2seq ? { field: 'decoder_logit_lens', positions: t } : undefined;
    yield* normsJsonChunks(
      options.norms.reader,
      stacks as Stacks,
      selection,
      options.norms,
      n,
      lens,
    );
  }
  yield '\n}\n';
}

/** `{` and every field before the attention, one field per line. */
function headerJson(result: ExportedResult, layers: number[], heads: number[]): string {
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
    ...generationFields(result.generation),
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
  return `{\n${fields.join(',\n')}`;
}

/** `[layer][head][row][column]` of the selected layers and heads, in chunks of rows. */
export async function* matrixChunks(
  slice: AttentionSlicer,
  kind: AttentionKind,
  shape: { layers: number[]; heads: number[]; rows: number; cols: number; digits: number },
  sliceNumbers: number,
): AsyncGenerator<string> {
  const { layers, heads, rows, cols, digits } = shape;
  const headsPerSlice = Math.max(1, Math.floor(sliceNumbers / Math.max(1, rows * cols)));
  // Chunks of about CHUNK_NUMBERS weights: formatting 2M numbers of one layer at once would
  // hold a UI thread for a second or more; a chunk takes a few milliseconds.
  let parts: string[] = [];
  let pending = 0;
  for (let li = 0; li < layers.length; li++) {
    parts.push(li === 0 ? '\n[' : ',\n[');
    for (let first = 0; first < heads.length; first += headsPerSlice) {
      const group = heads.slice(first, first + headsPerSlice);
      const weights = await slice(kind, layers[li], group);
      if (weights.length !== group.length * rows * cols) {
        throw new Error(
          `The ${kind} attention of layer ${layers[li]} came as ${weights.length} weights, not ${group.length} heads × ${rows} × ${cols}.`,
        );
      }
      for (let g = 0; g < group.length; g++) {
        parts.push(first + g === 0 ? '[' : ',[');
        for (let q = 0; q < rows; q++) {
          const base = (g * rows + q) * cols;
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
    }
    parts.push(']');
  }
  yield parts.join('');
}

/**
 * The slicer of a result that carries its tensors (`attentions`, an encoder-decoder's
 * decoder and cross stacks, each layer `[heads, rows, cols]`).
 */
export function sliceTensors(result: InspectResult): AttentionSlicer {
  const n = result.tokens.length;
  const t = result.seq2seq?.decoderTokens.length ?? 0;
  const stacks: Record<AttentionKind, [Float32Array[], number, number]> = {
    encoder: [result.attentions, n, n],
    decoder: [result.seq2seq?.decoderAttentions ?? [], t, t],
    cross: [result.seq2seq?.crossAttentions ?? [], t, n],
  };
  return async (kind, layer, heads) => {
    const [arrays, rows, cols] = stacks[kind];
    const weights = arrays[layer];
    const size = rows * cols;
    const out = new Float32Array(heads.length * size);
    heads.forEach((head, i) => {
      out.set(weights.subarray(head * size, (head + 1) * size), i * size);
    });
    return out;
  };
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
