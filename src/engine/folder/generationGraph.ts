/**
 * The graph that writes a folder's continuations (issue 23): the manifest's
 * `generationGraph` — the same model with past inputs and present outputs, so each new token
 * is one step over that token (docs/model-format.md) — or else the folder's own graph as
 * exported. The inspection never runs it: what it shows comes from the folder's graph.
 */
import type { onnx } from 'onnx-proto';
import type { ExternalDataFile } from '../graph/externalDataFile';
import { decodeOnnx } from '../graph/decodeOnnx';
import { GraphIndex } from '../graph/graphIndex';
import { modelError } from '../modelError';
import { readExternalData } from './externalData';
import { type FeedSpec, planFeeds } from './feedPlan';
import type { LoadedModelFolder } from './loadModelFolder';
import type { ModelFiles } from './modelFiles';

/** The folder facts choosing and checking the generation graph needs. */
export type GenerationGraphFolder = Pick<
  LoadedModelFolder,
  'label' | 'graphFile' | 'feeds' | 'logitsOutput' | 'manifest'
>;

/** A graph file's bytes, external weights and how each of its inputs is fed. */
export interface GenerationGraph {
  graphFile: string;
  bytes: Uint8Array;
  externalData: ExternalDataFile[];
  feeds: FeedSpec[];
}

/** Reads the generation graph (with its external data) and plans its feeds. */
export async function readGenerationGraph(
  files: ModelFiles,
  folder: GenerationGraphFolder,
): Promise<GenerationGraph> {
  const declared = folder.manifest.generationGraph;
  const graphFile = declared ?? folder.graphFile;
  const bytes = await files.read(graphFile);
  if (!bytes) {
    throw modelError(
      'missingFile',
      folder.label,
      graphFile,
      declared ? 'is missing (manifest.json names it as "generationGraph")' : 'is missing',
      declared ? 'Copy the whole model folder, or remove "generationGraph".' : '',
      declared ? 'generationGraph' : undefined,
    );
  }
  const graph = decodeOnnx(bytes, folder.label, graphFile).graph as onnx.IGraphProto;
  const externalData = await readExternalData(files, graph, graphFile);
  if (!declared) return { graphFile, bytes, externalData, feeds: folder.feeds };
  const index = new GraphIndex(graph);
  const { inputIds } = folder.manifest.inputs;
  const feeds = planFeeds(graph, index.feedInputs, { inputIds }, {}, folder.label, graphFile);
  checkCacheGraph(index, feeds, folder, graphFile);
  return { graphFile, bytes, externalData, feeds };
}

/** A declared generation graph must take the ids and a past, and give logits and presents. */
function checkCacheGraph(
  index: GraphIndex,
  feeds: readonly FeedSpec[],
  folder: GenerationGraphFolder,
  graphFile: string,
): void {
  const outputs = new Set(index.outputs);
  const past = feeds.filter((spec) => spec.kind === 'emptyPast').map((spec) => spec.name);
  const lacking = [
    ...(feeds.some((spec) => spec.kind === 'inputIds') ? [] : [folder.manifest.inputs.inputIds]),
    ...(past.length > 0 ? [] : ['past_key_values.*']),
    ...[folder.logitsOutput ?? 'logits'].filter((name) => !outputs.has(name)),
    ...past
      .map((name) => name.replace(/^past_key_values/, 'present'))
      .filter((name) => !outputs.has(name)),
  ];
  if (lacking.length > 0) {
    throw modelError(
      'missingGraphName',
      folder.label,
      graphFile,
      `is the manifest's "generationGraph" but lacks ${lacking.map((name) => `"${name}"`).join(', ')}`,
      'Export it with past inputs and present outputs (tools/train/export_with_past.py).',
      'generationGraph',
    );
  }
}
