/**
 * Makes every attention layer's step tensors (q, kᵀ, q·kᵀ, the softmax input and output,
 * v, weights·v, the scale operands) graph outputs, in the top-level graph or, for a merged
 * decoder, in both branches of its If. Used only by the separate session that serves the
 * Steps view and `--steps`: the session that draws attention is never slowed by it.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { addBranchOutputs, findIfAttention } from './exposeIfAttention';
import { exposeTensors, floatOutput, identity } from './exposeTensors';
import { findStepTensors, type StepTensors } from './findStepTensors';
import { modelError } from '../modelError';

/** Step tensors of one layer, named by the graph outputs that now hold them. */
export type ExposedStepTensors = StepTensors;

const NAMED: readonly (keyof Omit<StepTensors, 'scales' | 'softcap'>)[] = [
  'query',
  'keyTransposed',
  'rawScores',
  'softmaxInput',
  'probabilities',
  'value',
  'output',
];

/** Edits `model`; returns, per layer, the output names of its step tensors. */
export function exposeStepTensors(
  model: onnx.IModelProto,
  layers: number,
  label: string,
  file: string,
): ExposedStepTensors[] {
  const graph = model.graph as onnx.IGraphProto;
  const inIf = findIfAttention(graph);
  if (inIf) {
    const branch = (name: string) =>
      inIf.node.attribute?.find((a) => a.name === name)?.g as onnx.IGraphProto;
    const then = stepsOf(branch('then_branch'), layers, label, file);
    const otherwise = stepsOf(branch('else_branch'), layers, label, file);
    const thenNames = copiesOfOutputs(branch('then_branch'), flatten(branch('then_branch'), then));
    const elseNames = copiesOfOutputs(
      branch('else_branch'),
      flatten(branch('else_branch'), otherwise),
    );
    if (thenNames.length !== elseNames.length) {
      throw modelError(
        'attentionNotFound',
        label,
        file,
        'computes attention differently in the two branches of its merged-decoder If',
        'Use the non-merged decoder_model.onnx.',
      );
    }
    addBranchOutputs(branch('then_branch'), thenNames);
    addBranchOutputs(branch('else_branch'), elseNames);
    const taken = new Set((graph.node ?? []).flatMap((n) => n.output ?? []));
    const outputs = elseNames.map((_, i) => {
      let name = `attention_step.${i}`;
      while (taken.has(name)) name = `_${name}`;
      return name;
    });
    inIf.node.output ??= [];
    inIf.node.output.push(...outputs);
    graph.output ??= [];
    graph.output.push(...outputs.map(floatOutput));
    return rename(otherwise, outputs);
  }
  const steps = stepsOf(graph, layers, label, file);
  return rename(steps, exposeTensors(model, flatten(graph, steps)));
}

function stepsOf(
  graph: onnx.IGraphProto,
  layers: number,
  label: string,
  file: string,
): StepTensors[] {
  const found = findStepTensors(graph);
  const gap = found.indexOf(undefined);
  if (found.length !== layers || gap >= 0) {
    throw modelError(
      'attentionNotFound',
      label,
      file,
      found.length !== layers
        ? `has ${found.length} attention Softmax node(s) where ${layers} layers were expected`
        : `does not compute layer ${gap}'s q·kᵀ or weights·v as separate MatMul nodes`,
      'The steps can only be shown for graphs with plain MatMul/Softmax attention (no fused attention ops).',
    );
  }
  return found as StepTensors[];
}

/**
 * Every tensor to expose, layer by layer in `NAMED` order then the scale operands. Each
 * operand is read through a new Identity node, since it may be an initializer or a
 * constant that no node produces.
 */
function flatten(graph: onnx.IGraphProto, steps: StepTensors[]): string[] {
  return steps.flatMap((layer, l) => [
    ...NAMED.map((key) => layer[key]),
    ...layer.scales.map((scale, i) =>
      identity(graph, scale.operand, `attention_step.${l}.scale${i}`),
    ),
    ...(layer.softcap ? [identity(graph, layer.softcap, `attention_step.${l}.softcap`)] : []),
  ]);
}

/**
 * A branch output listed twice confuses onnxruntime ("non-tensor typed value"), and it refuses
 * an outer-scope value returned directly (a with-past branch's cross-attention value is the
 * past_key_values input itself): tensors that already are outputs of the branch, repeat, or
 * are not computed in it are read through a copy.
 */
function copiesOfOutputs(branch: onnx.IGraphProto, names: string[]): string[] {
  const taken = new Set((branch.output ?? []).map((o) => o.name ?? ''));
  const computed = new Set((branch.node ?? []).flatMap((n) => n.output ?? []));
  return names.map((name, i) => {
    if (!taken.has(name) && computed.has(name)) {
      taken.add(name);
      return name;
    }
    const copy = `${name}/attention_step.${i}`;
    branch.node ??= [];
    branch.node.push(
      onnxProto.onnx.NodeProto.create({
        opType: 'Identity',
        name: `${copy}/Identity`,
        input: [name],
        output: [copy],
      }),
    );
    return copy;
  });
}

/** The steps with each tensor replaced by the output name at the same place in the flat list. */
function rename(steps: StepTensors[], names: string[]): ExposedStepTensors[] {
  let next = 0;
  return steps.map((layer) => {
    const renamed = Object.fromEntries(NAMED.map((key) => [key, names[next++]])) as Omit<
      StepTensors,
      'scales'
    >;
    return {
      ...renamed,
      scales: layer.scales.map((scale) => ({ ...scale, operand: names[next++] })),
      ...(layer.softcap ? { softcap: names[next++] } : {}),
    };
  });
}
