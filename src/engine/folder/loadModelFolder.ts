import type { onnx } from 'onnx-proto';
import { readExportFolder, type FolderSource } from './exportFolder';
import { checkVocabulary } from './checkVocabulary';
import type { ExternalDataFile } from '../graph/externalDataFile';
import { readExternalData } from './externalData';
import type { GraphFile, GraphVariant } from './onnxGraphFiles';
import { planFeeds, type FeedSpec } from './feedPlan';
import { checkGraph } from './checkGraph';
import type { GraphFacts } from '../graph/prepareGraph';
import { exposeAttentionSteps } from '../graph/exposeAttentionSteps';
import { exposeStepTensors, type ExposedStepTensors } from '../graph/exposeStepTensors';
import type { RecomputeOutputs } from '../graph/exposeRecompute';
import type { HeadNormOutputs } from '../graph/exposeHeadNorms';
import type { LogitLensOutputs } from '../graph/logitLensGraph';
import type { TopPredictionOutputs } from '../graph/topPredictionsInGraph';
import { recomputeExposure } from './recomputeExposure';
import { sessionGraph } from '../graph/sessionGraph';
import type { AttentionStep } from '../graph/findAttention';
import { GraphIndex } from '../graph/graphIndex';
import { factSays, type ModelManifest } from './manifest';
import { readManifestFolder } from './manifestFolder';
import { inlineNoCacheBranch } from '../graph/inlineNoCacheBranch';
import { normsPlannable } from '../graph/normsPlannable';
import { refuseLossyEdit } from './lossyEdit';
import type { ModelFiles } from './modelFiles';
import type { TokenizerJson } from './tokenizerVocabulary';
import type { HeldValuesPlan } from '../graph/exposeHeldValues';

/** A validated model folder, ready for an onnxruntime `InferenceSession`. */
export interface LoadedModelFolder {
  /** Where it came from (`ModelFiles.label`). */
  label: string;
  /** Read from manifest.json, or derived from a Hugging Face export's config.json. */
  manifest: ModelManifest;
  /** The graph file the bytes come from, relative to the folder. */
  graphFile: string;
  /** Runnable graph files of an export folder, best first (variants); empty with a manifest. */
  graphFiles: GraphFile[];
  /** The model bytes to create the session from: edited when attention had to be exposed. */
  onnxBytes: Uint8Array;
  /**
   * External weights the graph names, for the session's `externalData`; when the graph was
   * edited, also the graph file itself, which keeps its inline weights (graph/sessionGraph.ts).
   */
  externalData: ExternalDataFile[];
  /** True when the graph was edited (outputs added), false when `onnx` is the file as read. */
  edited: boolean;
  /** How each graph input is fed. */
  feeds: FeedSpec[];
  /** Graph outputs holding each layer's attention probabilities, in layer order. */
  attentionOutputs: string[];
  /** Graph output holding the logits, when the model has one. */
  logitsOutput?: string;
  /** Graph outputs of the extra steps asked for in `LoadOptions.expose`, one per layer. */
  stepOutputs: Partial<Record<AttentionStep, string[]>>;
  /** With `LoadOptions.recompute`, where the graph allows it: per layer, what attention is recomputed from. */
  recomputeOutputs?: RecomputeOutputs[];
  /** With `recomputeOutputs` and logits: the next-token predictions the graph computes instead. */
  predictionOutputs?: TopPredictionOutputs;
  /** Instead of `predictionOutputs` where the final norm could be copied: predictions per asked row (issue 22). */
  predictionRowOutputs?: LogitLensOutputs;
  /** With `recomputeOutputs`, where the graph allows it: per layer the head norms (issue 24). */
  normOutputs?: HeadNormOutputs[] | string;
  /** With `LoadOptions.heldValues`: what the run keeps for the norms, or why it cannot (issue 24). */
  heldValues?: HeldValuesPlan | string;
  /** Whether every layer's output projection was found (norms can be computed; kept whole: by the norms session's graph). */
  normsFound?: boolean;
  /** With `recomputeOutputs`, for a decoder: the logit lens in the graph (issue 24), or why there is none. */
  lensOutputs?: LogitLensOutputs | string;
  /** With `LoadOptions.headSteps`: per layer, the outputs the head steps are read from. */
  headStepOutputs?: ExposedStepTensors[];
  tokenizerJson: TokenizerJson;
  /** `tokenizer_config.json` when the folder has one. */
  tokenizerConfig?: Record<string, unknown>;
  /** What was chosen or assumed while loading (graph variant, facts not in config.json). */
  notes: string[];
  /** What preparing the graph found and rewrote (prepareGraph.ts); the session runs the rewrite. */
  facts: GraphFacts;
}

/** Options of `loadModelFolder`. */
export interface LoadOptions {
  /**
   * Per-layer tensors to expose besides the probabilities (e.g. `rawScores` for Q·Kᵀ);
   * the load fails if a layer does not compute one of them as a separate tensor.
   */
  expose?: readonly AttentionStep[];
  /** The graph variant to run when an export folder has several (default: fp32 first). */
  variant?: GraphVariant;
  /** Expose every layer's q, kᵀ, q·kᵀ, softmax input, v and weights·v (the Steps view). */
  headSteps?: boolean;
  /** Where the graph allows it, keep what attention is recomputed from, not the probabilities. */
  recompute?: boolean;
  /** With `recompute` and no `whatMoves`: keep each layer's value and W_O for the norms (issue 24). */
  heldValues?: boolean;
  /** With `recompute`: value norms and the logit lens too (default true). */
  whatMoves?: boolean;
  /** A merged decoder's `If` replaced by its no-cache branch first (graph/inlineNoCacheBranch.ts). */
  noCacheBranch?: boolean;
}

/**
 * Reads and validates a model folder (docs/model-format.md, "What loading checks"): one
 * with our manifest.json, or a Hugging Face export whose manifest facts are derived. With
 * `"attentions": "softmax"` it edits the graph so every layer's attention is an output.
 * Every failure is a `ModelError` (code `badModel`) naming the file and the problem.
 */
export async function loadModelFolder(
  files: ModelFiles,
  options: LoadOptions = {},
): Promise<LoadedModelFolder> {
  const manifestBytes = await files.read('manifest.json');
  const source = manifestBytes
    ? await readManifestFolder(files, manifestBytes)
    : await readExportFolder(files, options.variant);
  return prepareFolder(files, source, manifestBytes !== undefined, options);
}

/**
 * The checks and edits after a folder's files are read: vocabulary, external data, feeds,
 * graph inputs, and attention exposed as outputs. Encoder-decoder folders run it on their
 * encoder graph (seq2seqFolder.ts).
 */
export async function prepareFolder(
  files: ModelFiles,
  source: FolderSource,
  hasManifest: boolean,
  options: LoadOptions = {},
): Promise<LoadedModelFolder> {
  const { label } = files;
  const { manifest, graphPath, model } = source;
  checkVocabulary(source, label);
  const graph = model.graph as onnx.IGraphProto;
  const externalData = await readExternalData(files, graph, graphPath);
  // A manifest must describe every input; an export folder's are filled by convention.
  if (hasManifest) checkGraph(graph, manifest, label, graphPath);
  const feeds = planFeeds(
    graph,
    new GraphIndex(graph).feedInputs,
    manifest.inputs,
    source.past,
    label,
    graphPath,
  );
  if (!hasManifest) {
    const filled = feeds
      .filter((f) => !Object.values(manifest.inputs).includes(f.name))
      .map((f) => f.name);
    checkGraph(graph, manifest, label, graphPath, filled);
  }

  const { attentions } = manifest.outputs;
  if (options.noCacheBranch) inlineNoCacheBranch(model, `${label}: ${graphPath}`);
  const recompute =
    options.recompute && !options.headSteps && !options.expose?.length
      ? recomputeExposure(
          model,
          manifest,
          source.onnxBytes,
          options.whatMoves ?? true,
          options.heldValues ? { external: externalData } : undefined,
          externalData,
        )
      : undefined;
  const recomputeOutputs = recompute?.layers;
  // Kept whole: the norms session edits the graph as loaded (issue 24), so plan it before any edit.
  const normsFound = recompute ? recompute.normsFound : normsPlannable(model);
  const wanted = new Set<AttentionStep>(options.expose);
  if (attentions === 'softmax' && !recomputeOutputs) wanted.add('probabilities');
  const facts = source.facts ?? { unfused: [], attention: {}, precision: 'float32' };
  const unfused = facts.unfused;
  if (wanted.size > 0 || options.headSteps || unfused.length > 0)
    refuseLossyEdit(source.onnxBytes, label, graphPath);
  const headStepOutputs = options.headSteps
    ? exposeStepTensors(model, manifest.layers, label, graphPath)
    : undefined;
  const exposed =
    wanted.size > 0
      ? exposeAttentionSteps(
          model,
          { layers: manifest.layers, says: factSays(manifest, 'layers') },
          [...wanted],
          label,
          graphPath,
        )
      : { outputs: {} };
  const stepOutputs = exposed.outputs;
  const notes = [...source.notes];
  if (exposed.inIf) {
    notes.push(
      `${graphPath} is a merged decoder: attention is read from both branches of its If "${exposed.inIf}" (the no-cache branch runs).`,
    );
  }
  const attentionOutputs = recomputeOutputs
    ? []
    : attentions === 'softmax'
      ? (stepOutputs.probabilities as string[])
      : attentions;
  const edited =
    wanted.size > 0 ||
    headStepOutputs !== undefined ||
    recomputeOutputs !== undefined ||
    unfused.length > 0;
  // An edited graph is encoded around its weights, which stay in the file's buffer.
  const forSession = edited
    ? sessionGraph(model, source.onnxBytes, graphPath)
    : { onnxBytes: source.onnxBytes, externalData: [] };
  return {
    label,
    manifest,
    graphFile: graphPath,
    graphFiles: source.graphFiles,
    onnxBytes: forSession.onnxBytes,
    externalData: [...externalData, ...forSession.externalData],
    edited,
    feeds,
    attentionOutputs,
    ...(manifest.outputs.logits === undefined ? {} : { logitsOutput: manifest.outputs.logits }),
    stepOutputs,
    ...(headStepOutputs ? { headStepOutputs } : {}),
    ...(recomputeOutputs ? { recomputeOutputs } : {}),
    ...(recompute?.predictions ? { predictionOutputs: recompute.predictions } : {}),
    ...(recompute?.predictionRows ? { predictionRowOutputs: recompute.predictionRows } : {}),
    ...(recompute?.norms ? { normOutputs: recompute.norms } : {}),
    normsFound,
    ...(recompute?.heldValues === undefined ? {} : { heldValues: recompute.heldValues }),
    ...(recompute?.lens === undefined ? {} : { lensOutputs: recompute.lens }),
    tokenizerJson: source.tokenizerJson,
    ...(source.tokenizerConfig === undefined ? {} : { tokenizerConfig: source.tokenizerConfig }),
    notes,
    facts,
  };
}
