/**
 * A merged decoder (Optimum's `decoder_model_merged.onnx`) as a plain decoder graph: its
 * `If` on `use_cache_branch` replaced by the no-cache (else) branch's nodes, so the graph
 * edits written for plain graphs (graph/exposeHeadNorms.ts, graph/logitLensGraph.ts,
 * graph/exposeRecompute.ts) apply to it unchanged. The what-moves session runs the model
 * with no past (use_cache_branch = false), the branch this is, so the numbers are the
 * model's own (issue 24: value norms, head writes and the logit lens of merged decoders).
 * The past inputs and `use_cache_branch` stay declared (their feeds are still made) but
 * nothing reads them.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { findIfAttention } from './exposeIfAttention';

const { onnx: proto } = onnxProto;

/**
 * Replaces the merged decoder's `If` by its else-branch in place; returns the If's name, or
 * undefined when the graph has no If holding attention (nothing changed). Throws when the
 * branch cannot be inlined (a tensor name it would redefine), naming it.
 */
export function inlineNoCacheBranch(
  model: onnx.IModelProto,
  /** The model and file, for the message. */
  where = 'the graph',
): string | undefined {
  const graph = model.graph as onnx.IGraphProto;
  const found = findIfAttention(graph);
  if (!found) return undefined;
  const { node } = found;
  const branch = node.attribute?.find((a) => a.name === 'else_branch')?.g as onnx.IGraphProto;
  const taken = new Set([
    ...(graph.node ?? []).filter((n) => n !== node).flatMap((n) => n.output ?? []),
    ...(graph.input ?? []).map((i) => i.name ?? ''),
    ...(graph.initializer ?? []).map((i) => i.name ?? ''),
  ]);
  const defined = [
    ...(branch.node ?? []).flatMap((n) => n.output ?? []),
    ...(branch.initializer ?? []).map((i) => i.name ?? ''),
  ].filter((name) => name !== '');
  const clash = defined.find((name) => taken.has(name));
  if (clash !== undefined) {
    throw new Error(
      `${where}: the no-cache branch of If "${node.name}" redefines the tensor "${clash}", so it cannot be run on its own`,
    );
  }
  // The If's outputs keep their names: each is the branch's output, through an Identity.
  const outputs = (node.output ?? []).flatMap((name, i) => {
    const from = branch.output?.[i]?.name;
    if (!name || !from) return [];
    return [
      proto.NodeProto.create({
        opType: 'Identity',
        name: `${node.name ?? 'If'}/no_cache/${name}`,
        input: [from],
        output: [name],
      }),
    ];
  });
  const nodes = graph.node ?? [];
  const at = nodes.indexOf(node);
  graph.node = [...nodes.slice(0, at), ...(branch.node ?? []), ...outputs, ...nodes.slice(at + 1)];
  graph.initializer = [...(graph.initializer ?? []), ...(branch.initializer ?? [])];
  graph.valueInfo = [...(graph.valueInfo ?? []), ...(branch.valueInfo ?? [])];
  return node.name ?? 'If';
}
