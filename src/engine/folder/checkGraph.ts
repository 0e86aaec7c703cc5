import type { onnx } from 'onnx-proto';
import { GraphIndex, int64 } from '../graph/graphIndex';
import type { ModelManifest } from './manifest';
import { modelError } from '../modelError';

const ADVICE = "Make manifest.json name the graph's inputs and outputs (see docs/model-format.md).";

/**
 * Checks the graph against the manifest: every input the manifest names exists and every
 * input the graph needs is named; the named outputs exist; the token embedding has
 * `vocabSize` rows.
 */
export function checkGraph(
  graph: onnx.IGraphProto,
  manifest: ModelManifest,
  label: string,
  file = 'model.onnx',
  /** Inputs the engine fills itself (cache inputs of Hugging Face exports). */
  filled: readonly string[] = [],
): void {
  const index = new GraphIndex(graph);
  const feeds = index.feedInputs;
  const missing = (kind: string, name: string, have: string[]) =>
    modelError(
      'missingGraphName',
      label,
      file,
      `has no graph ${kind} "${name}" (manifest.json names it; the graph has ${list(have)})`,
      ADVICE,
    );
  const named = Object.values(manifest.inputs) as string[];
  for (const name of named) if (!feeds.includes(name)) throw missing('input', name, feeds);
  const unnamed = feeds.find((f) => !named.includes(f) && !filled.includes(f));
  if (unnamed !== undefined) {
    throw modelError(
      'missingGraphName',
      label,
      file,
      `needs the input "${unnamed}", which manifest.json does not describe`,
      'Add it to "inputs" in manifest.json (inputIds, attentionMask, tokenTypeIds or positionIds).',
    );
  }
  const outputs = index.outputs;
  const { logits, attentions } = manifest.outputs;
  if (logits !== undefined && !outputs.includes(logits)) throw missing('output', logits, outputs);
  if (attentions !== 'softmax') {
    for (const name of attentions)
      if (!outputs.includes(name)) throw missing('output', name, outputs);
    if (attentions.length !== manifest.layers) {
      throw modelError(
        'badManifest',
        label,
        'manifest.json',
        `"outputs.attentions" lists ${attentions.length} outputs but "layers" is ${manifest.layers}`,
        'List one attention output per layer, in layer order.',
        'outputs.attentions',
      );
    }
  }
  checkEmbedding(index, manifest, label, file);
  checkPositions(index, manifest, label, file);
  if (logits !== undefined) checkLogits(graph, logits, manifest.vocabSize, label, file);
}

function checkEmbedding(
  index: GraphIndex,
  manifest: ModelManifest,
  label: string,
  file: string,
): void {
  const gathers = index.consumers(manifest.inputs.inputIds).filter((n) => n.opType === 'Gather');
  const rows = gathers.map((g) => index.constantDims(g.input?.[0] ?? '')?.[0]);
  const found = rows.filter((r) => r !== undefined);
  // A derived manifest took vocabSize from config.json when the table is out of reach
  // (inside a merged decoder's If, or quantized behind DequantizeLinear).
  if (found.length === 0 && manifest.factsFrom !== undefined) return;
  if (found.length === 0) {
    throw modelError(
      'vocabMismatch',
      label,
      file,
      `has no token embedding: no Gather reads "${manifest.inputs.inputIds}" from a constant table`,
      'Export the model with float32 weights and the embedding as an initializer.',
    );
  }
  const wrong = found.find((r) => r !== manifest.vocabSize);
  if (wrong !== undefined) {
    throw modelError(
      'vocabMismatch',
      label,
      file,
      `has a token embedding with ${wrong} rows, but manifest.json says "vocabSize": ${manifest.vocabSize}`,
      `Set "vocabSize" to ${wrong} if this is the right model.`,
    );
  }
}

/**
 * `maxPositions` may not exceed the rows of the graph's position table: a longer input ends
 * in a raw broadcast error inside onnxruntime. The table is a constant gathered by the
 * `positionIds` input, or a hidden-wide constant gathered by computed indices (a Range of
 * positions); of the latter the largest, so a token-type table is never taken for it.
 * Models with computed positions (RoPE, sinusoids) have no table and are not limited here.
 */
function checkPositions(
  index: GraphIndex,
  manifest: ModelManifest,
  label: string,
  file: string,
): void {
  const { inputIds, tokenTypeIds, positionIds } = manifest.inputs;
  const fed: (string | undefined)[] = [inputIds, tokenTypeIds];
  let fromInput = Infinity;
  let computed = 0;
  for (const node of index.nodes) {
    if (node.opType !== 'Gather' || (node.domain ?? '') !== '') continue;
    const [table, indices] = node.input ?? [];
    const dims = index.constantDims(table ?? '');
    if (dims?.length !== 2 || fed.includes(indices)) continue;
    if (indices === positionIds) fromInput = Math.min(fromInput, dims[0]);
    else if (
      !index.feedInputs.includes(indices ?? '') &&
      !index.isConstant(indices ?? '') &&
      dims[1] === manifest.hiddenSize
    ) {
      computed = Math.max(computed, dims[0]);
    }
  }
  const rows = Math.min(fromInput, computed || Infinity);
  if (rows < manifest.maxPositions) {
    // A Hugging Face folder's facts come from config.json: name its field, not the manifest's.
    const field = manifest.factFields?.maxPositions ?? 'maxPositions';
    throw modelError(
      'badManifest',
      label,
      manifest.factsFrom ?? 'manifest.json',
      `field "${field}" is ${manifest.maxPositions}, but ${file} has ${rows} positions (its position embedding has ${rows} rows)`,
      `Set "${field}" to ${rows} or less.`,
      'maxPositions',
    );
  }
}

function checkLogits(
  graph: onnx.IGraphProto,
  logits: string,
  vocabSize: number,
  label: string,
  file: string,
): void {
  const dims = graph.output?.find((o) => o.name === logits)?.type?.tensorType?.shape?.dim ?? [];
  const last = dims.at(-1);
  const size = last?.dimValue === undefined || last.dimValue === null ? 0 : int64(last.dimValue);
  if (size > 0 && size !== vocabSize) {
    throw modelError(
      'vocabMismatch',
      label,
      file,
      `has logits over ${size} tokens, but manifest.json says "vocabSize": ${vocabSize}`,
      'Check "vocabSize" and "outputs.logits" in manifest.json.',
    );
  }
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.map((n) => `"${n}"`).join(', ');
}
