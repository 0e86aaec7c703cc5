/**
 * Whether a folder's graph can hold recompute tensors instead of every layer's
 * probabilities (graph/exposeRecompute.ts), and the edit when it can. A graph that the
 * editor would re-encode lossily, or whose attention is not plain ops, keeps its
 * probabilities as outputs (and stays bounded by what fits in memory).
 */
import type { onnx } from 'onnx-proto';
import { droppedExecutionFields } from '../graph/droppedFields';
import { exposeRecompute, type RecomputeOutputs } from '../graph/exposeRecompute';
import type { ModelManifest } from './manifest';

export function recomputeExposure(
  model: onnx.IModelProto,
  manifest: ModelManifest,
  bytes: Uint8Array,
): RecomputeOutputs[] | undefined {
  if (droppedExecutionFields(bytes).length > 0) return undefined;
  const { attentions } = manifest.outputs;
  return exposeRecompute(model, manifest.layers, attentions === 'softmax' ? [] : attentions);
}
