import type { onnx } from 'onnx-proto';
import { exposeTensors } from './exposeTensors';
import { findAttention, findFusedAttention, type AttentionStep } from './findAttention';
import type { ModelManifest } from './manifest';
import { modelError } from './modelError';

/**
 * Finds each layer's attention tensors and makes the wanted steps graph outputs (mutating
 * `model`); returns the output names per step, in layer order. Refuses graphs whose
 * attention is fused into one op, or whose attention Softmax count is not `layers`.
 */
export function exposeAttentionSteps(
  model: onnx.IModelProto,
  manifest: ModelManifest,
  steps: AttentionStep[],
  label: string,
): Partial<Record<AttentionStep, string[]>> {
  const graph = model.graph as onnx.IGraphProto;
  const layers = findAttention(graph);
  const fused = findFusedAttention(graph);
  if (fused.length > 0 && layers.length !== manifest.layers) {
    throw modelError(
      'fusedAttention',
      label,
      'model.onnx',
      `computes attention inside ${fused.length} fused ${[...new Set(fused)].join(', ')} node(s); ` +
        'their attention probabilities never exist as a tensor, so they cannot be exposed',
      'Export the model without attention fusion (plain MatMul/Softmax, e.g. skip the onnxruntime ' +
        'transformers optimizer), or list real attention outputs in manifest.json "outputs.attentions".',
    );
  }
  if (layers.length !== manifest.layers) {
    throw modelError(
      'attentionNotFound',
      label,
      'model.onnx',
      `has ${layers.length} attention Softmax node(s), but manifest.json says "layers": ${manifest.layers}`,
      'Check "layers" in manifest.json, or export the attention probabilities as graph outputs ' +
        'and list them in "outputs.attentions".',
    );
  }
  const result: Partial<Record<AttentionStep, string[]>> = {};
  for (const step of steps) {
    const names = layers.map((layer) => layer[step]);
    const gap = names.findIndex((n) => n === undefined);
    if (gap >= 0) {
      throw modelError(
        'attentionNotFound',
        label,
        'model.onnx',
        `does not compute "${step}" of layer ${gap} as a separate tensor`,
        'Only the steps the graph computes as separate MatMul/Div/Mul/Add/Where nodes can be shown.',
      );
    }
    exposeTensors(model, names as string[]);
    result[step] = names as string[];
  }
  return result;
}
