import type { onnx } from 'onnx-proto';
import { exposeIfAttention, findIfAttention } from './exposeIfAttention';
import { exposeTensors } from './exposeTensors';
import { findAttention, findFusedAttention, type AttentionStep } from './findAttention';
import { modelError } from '../modelError';

/** Where the attention was found, for the notes shown with the model. */
export interface ExposedSteps {
  outputs: Partial<Record<AttentionStep, string[]>>;
  /** Set when the Softmax nodes lie in the branches of an If (merged decoder). */
  inIf?: string;
}

/**
 * Finds each layer's attention tensors and makes the wanted steps graph outputs (mutating
 * `model`); returns the output names per step, in layer order. Refuses graphs whose
 * attention is fused into one op, or whose attention Softmax count is not `layers`.
 * A merged decoder's attention, inside both branches of its If, is exposed from both.
 */
/** The layer count the folder states, and where, for the message when the graph disagrees. */
export interface ExpectedLayers {
  layers: number;
  /** e.g. `config.json says "n_layer" is 2`. */
  says: string;
}

export function exposeAttentionSteps(
  model: onnx.IModelProto,
  manifest: ExpectedLayers,
  steps: AttentionStep[],
  label: string,
  file = 'model.onnx',
): ExposedSteps {
  const graph = model.graph as onnx.IGraphProto;
  const layers = findAttention(graph);
  const fused = findFusedAttention(graph);
  if (fused.length > 0 && layers.length !== manifest.layers) {
    const ops = [...new Set(fused.map((f) => f.op))].join(', ');
    throw modelError(
      'fusedAttention',
      label,
      file,
      `computes attention inside ${fused.length} fused ${ops} node(s) (first: "${fused[0].node}"); ` +
        'their attention probabilities never exist as a tensor, so they cannot be exposed',
      'Export the model without attention fusion: plain MatMul/Softmax, e.g. `optimum-cli export onnx` ' +
        'without `--optimize` and without the onnxruntime transformers optimizer, or torch.onnx.export ' +
        'with eager attention (attn_implementation="eager"); or list real attention outputs in manifest.json.',
    );
  }
  if (layers.length === 0) {
    const inIf = findIfAttention(graph);
    if (inIf && inIf.elseProbabilities.length === manifest.layers) {
      const unsupported = steps.find((s) => s !== 'probabilities');
      if (unsupported) {
        throw modelError(
          'attentionNotFound',
          label,
          file,
          `keeps its attention inside an If (merged decoder), where only the probabilities can be exposed, not "${unsupported}"`,
          'Use the non-merged decoder_model.onnx for the steps before the softmax.',
        );
      }
      return {
        outputs: { probabilities: exposeIfAttention(model, inIf) },
        inIf: inIf.node.name || 'If',
      };
    }
  }
  if (layers.length !== manifest.layers) {
    throw modelError(
      'attentionNotFound',
      label,
      file,
      `has ${layers.length} attention Softmax node(s), but ${manifest.says}`,
      'Check the layer count there, or export the attention probabilities as graph outputs ' +
        'and list them in manifest.json "outputs.attentions".',
    );
  }
  const result: Partial<Record<AttentionStep, string[]>> = {};
  for (const step of steps) {
    const names = layers.map((layer) => layer[step]);
    const gap = names.indexOf(undefined);
    if (gap >= 0) {
      throw modelError(
        'attentionNotFound',
        label,
        file,
        `does not compute "${step}" of layer ${gap} as a separate tensor`,
        'Only the steps the graph computes as separate MatMul/Div/Mul/Add/Where nodes can be shown.',
      );
    }
    result[step] = exposeTensors(model, names as string[]);
  }
  return { outputs: result };
}
