/**
 * Whether a folder's graph can hold recompute tensors instead of every layer's
 * probabilities (graph/exposeRecompute.ts), and the edit when it can: the recompute tensors,
 * a decoder's next-token predictions (read per row through a copy of the final norm and
 * unembedding, or computed in the graph: graph/topPredictionsInGraph.ts), and no other output
 * or node (present key/values, the LM head over every position), so that onnxruntime neither
 * computes nor keeps anything else.
 * A graph that the editor would re-encode lossily, or whose attention is not plain ops,
 * keeps its probabilities as outputs (and stays bounded by what fits in memory).
 */
import type { onnx } from 'onnx-proto';
import { droppedExecutionFields } from '../graph/droppedFields';
import { exposeRecompute, type RecomputeOutputs } from '../graph/exposeRecompute';
import { recomputeFetches } from '../graph/recomputeFetches';
import {
  exposeHeadNorms,
  type HeadNormOutputs,
  type HeadNormPlan,
  planHeadNorms,
} from '../graph/exposeHeadNorms';
import { addLogitLens, addPredictionRows, type LogitLensOutputs } from '../graph/logitLensGraph';
import { pruneToOutputs } from '../graph/pruneGraph';
import { findStepTensors } from '../graph/findStepTensors';
import type { ExternalDataFile } from '../graph/externalDataFile';
import { exposeHeldValues, type HeldValuesPlan } from '../graph/exposeHeldValues';
import { type TopPredictionOutputs, topPredictionsInGraph } from '../graph/topPredictionsInGraph';
import type { ModelManifest } from './manifest';

export interface RecomputeExposure {
  layers: RecomputeOutputs[];
  /**
   * A decoder's next-token predictions read per asked row (issue 22): the run fetches the
   * last residual stream (`streams[0]`), a read feeds rows of it to the copied final norm and
   * unembedding. The LM head is then not part of the forward pass.
   */
  predictionRows?: LogitLensOutputs;
  /** Where the final norm and unembedding cannot be copied: the top k of every position, computed by the run. */
  predictions?: TopPredictionOutputs;
  /** Per layer the value, write and residual norms (issue 24), where the graph allows them; or why not loaded. */
  norms?: HeadNormOutputs[] | string;
  /** A decoder's logit lens (issue 24), or why it has none. */
  lens?: LogitLensOutputs | string;
  /** Whether every layer's output projection was found: the norms can be computed (issue 24). */
  normsFound: boolean;
  /** With `heldValues`: what the run keeps for the norms, or why it cannot (issue 24). */
  heldValues?: HeldValuesPlan | string;
}

export function recomputeExposure(
  model: onnx.IModelProto,
  manifest: ModelManifest,
  bytes: Uint8Array,
  whatMoves = true,
  /** Hold each layer's value and W_O for the norms (the graph's external data to read W_O from). */
  heldValues?: { external: readonly ExternalDataFile[] },
  /** The graph's external data (a quantised W_O is dequantized from it). */
  external: readonly ExternalDataFile[] = [],
): RecomputeExposure | undefined {
  if (droppedExecutionFields(bytes).length > 0) return undefined;
  const { attentions } = manifest.outputs;
  // Planned before exposeRecompute renames each P·V output (a read-only walk: planned even
  // when nothing is added, so the inspection knows whether norms can be asked for).
  const normPlan = planHeadNorms(
    model.graph as onnx.IGraphProto,
    findStepTensors(model.graph as onnx.IGraphProto),
  );
  const layers = exposeRecompute(
    model,
    manifest.layers,
    attentions === 'softmax' ? [] : attentions,
  );
  if (!layers) return undefined;
  const next = whatMoves ? undefined : nextTokensOf(model, manifest);
  const kept = new Set(recomputeFetches(layers));
  if (next?.rows) kept.add(next.rows.probs).add(next.rows.ids).add(next.rows.streams[0]);
  if (next?.all) kept.add(next.all.probs).add(next.all.ids);
  const norms = whatMoves && normPlan ? exposeHeadNorms(model, normPlan, external) : undefined;
  const lens = whatMoves ? lensOf(model, manifest, normPlan) : NOT_LOADED;
  const held =
    heldValues && !norms
      ? normPlan
        ? exposeHeldValues(model, normPlan, heldValues.external)
        : undefined
      : undefined;
  for (const layer of typeof held === 'object' ? held.layers : []) {
    for (const name of Object.values(layer)) kept.add(name);
  }
  if (typeof lens === 'object') {
    for (const name of [lens.probs, lens.ids, ...lens.streams]) kept.add(name);
  }
  for (const layer of norms ?? []) {
    for (const name of Object.values(layer)) kept.add(name);
  }
  const graph = model.graph as onnx.IGraphProto;
  // onnxruntime runs every node of a graph whatever is fetched: what no output needs (the
  // LM head over every position, present key/values) is cut here, not merely not fetched.
  pruneToOutputs(
    graph,
    (graph.output ?? []).map((o) => o.name ?? '').filter((name) => kept.has(name)),
  );
  return {
    layers,
    ...(next?.rows ? { predictionRows: next.rows } : {}),
    ...(next?.all ? { predictions: next.all } : {}),
    ...(norms ? { norms } : whatMoves ? {} : { norms: NOT_LOADED }),
    lens,
    normsFound: normPlan !== undefined,
    ...(held === undefined ? {} : { heldValues: held }),
  };
}

/**
 * A decoder's predictions, read per row where its final norm and unembedding can be copied
 * (graph/logitLensGraph.ts), else computed for every position by the run. A graph that keeps
 * the lens (the what-moves session) predicts nothing itself: its last lens layer does.
 */
function nextTokensOf(
  model: onnx.IModelProto,
  manifest: ModelManifest,
): { rows?: LogitLensOutputs; all?: TopPredictionOutputs } | undefined {
  const { logits } = manifest.outputs;
  if (logits === undefined || manifest.architecture !== 'decoder') return undefined;
  const rows = addPredictionRows(model, logits);
  return typeof rows === 'object' ? { rows } : { all: topPredictionsInGraph(model, logits) };
}

/** Why an engine started without them has no norms or lens (the CLI's plain export). */
const NOT_LOADED =
  'the engine was started without value norms and the logit lens (the CLI loads them for --norms and --logit-lens)';

/** The logit lens of a decoder with logits, or why it has none. */
function lensOf(
  model: onnx.IModelProto,
  manifest: ModelManifest,
  plan: HeadNormPlan[] | undefined,
): LogitLensOutputs | string {
  const { logits } = manifest.outputs;
  if (manifest.architecture !== 'decoder') {
    return 'it reads next-token predictions, which an encoder does not make';
  }
  if (logits === undefined) return 'the model has no logits output';
  if (!plan)
    return 'the residual stream between layers was not found (no output projection after the heads)';
  return addLogitLens(
    model,
    plan.map((p) => p.projection.residual),
    logits,
  );
}
