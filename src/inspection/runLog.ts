/**
 * The log lines of an inspection, as plain text: what ran (model, graph, variant) and where the
 * time went, so "what did it load and where did the time go" has an answer in the output
 * channel. Pure: the runner and the panel write these to the `Logger`.
 */
import type { ResultInfo } from '../shared/resultInfo';
import type { DrawnRecord } from '../protocol/webview';

const ms = (value: number | undefined): string => `${Math.round(value ?? 0)} ms`;

/** One line per model the first time a run used it, then its notes (what was derived or chosen). */
export function modelLoadLines(result: ResultInfo): string[] {
  const { model, timings } = result;
  const graphs = model.decoderGraphFile
    ? `${model.graphFile ?? '?'} + ${model.decoderGraphFile}`
    : (model.graphFile ?? 'model.onnx');
  const shape = `${model.architecture}, ${model.layers} layers × ${model.heads} heads, d ${model.hiddenSize}, vocabulary ${model.vocabSize}, context ${model.maxPositions}`;
  const lines = [
    `model loaded: ${model.id} from ${model.dir} (graph ${graphs}; ${shape}) in ${ms(timings.loadMs)}`,
  ];
  if (model.otherGraphFiles?.length) {
    lines.push(`  other variants in the folder: ${model.otherGraphFiles.join(', ')}`);
  }
  for (const note of model.notes ?? []) lines.push(`  ${note}`);
  return lines;
}

/** One line per finished inspection: tokens and the engine's stages. */
export function inspectionLine(label: string, result: ResultInfo, cached: boolean): string {
  const { timings } = result;
  const decoder = result.seq2seq ? ` + ${result.seq2seq.decoderTokens.length} target` : '';
  const stages = [
    (timings.loadMs ?? 0) >= 1 ? `load ${ms(timings.loadMs)}` : '',
    `tokenize ${ms(timings.tokenizeMs)}`,
    `forward ${ms(timings.inferenceMs)}`,
  ].filter(Boolean);
  const where = cached ? 'from the cache of recent results' : `engine ${ms(timings.totalMs)}`;
  const truncated = result.truncation ? ` (${result.truncation.reason})` : '';
  return `inspected ${label}: ${result.tokens.length} tokens${decoder} with ${result.model.id}, ${where}: ${stages.join(', ')}${truncated}`;
}

/** The panel's side of a run: transfer to the webview and drawing, once the view was on screen. */
export function drawnLine(label: string, record: DrawnRecord): string {
  const posted = record.trace?.postedAt;
  const transfer = posted !== undefined ? `transfer ${ms(record.lastLayerAt - posted)}, ` : '';
  const command = record.trace?.commandAt;
  const total = command !== undefined ? `; keypress → view ${ms(record.drawnAt - command)}` : '';
  return `drawn ${label} (run ${record.runId}, ${record.tokens} tokens): ${transfer}draw ${ms(record.drawnAt - record.lastLayerAt)}${total}`;
}
