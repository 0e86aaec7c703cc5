/**
 * Opens up fused operators: each node a registered `Unfuser` knows (key `domain:opType`,
 * e.g. `com.microsoft:GroupQueryAttention`) is replaced in place by the standard-op nodes
 * that compute the same outputs, so that findAttention, the steps and the exposure work
 * on the graph as on an unfused export. Mutates `model`.
 */
import type { onnx } from 'onnx-proto';
import { int64 } from '../graphIndex';
import type { UnfuseContext, Unfuser } from './unfuser';

/** One fused node that was rewritten. */
export interface UnfusedNode {
  /** `domain:opType`, as the registry keys it. */
  op: string;
  /** The node's name (or its first output when unnamed). */
  node: string;
}

/** The registry key of a node: `domain:opType`, the default domain written ``. */
export function unfuserKey(node: onnx.INodeProto): string {
  const domain = node.domain === 'ai.onnx' ? '' : (node.domain ?? '');
  return `${domain}:${node.opType ?? ''}`;
}

export function unfuseGraph(
  model: onnx.IModelProto,
  label: string,
  file: string,
  unfusers: Readonly<Record<string, Unfuser>>,
): UnfusedNode[] {
  const graph = model.graph;
  if (!graph) return [];
  const nodes = graph.node ?? [];
  if (!nodes.some((n) => Object.hasOwn(unfusers, unfuserKey(n)))) return [];
  const context = makeContext(model, graph, label, file);
  const rewritten: UnfusedNode[] = [];
  const result: onnx.INodeProto[] = [];
  for (const node of nodes) {
    const key = unfuserKey(node);
    if (!Object.hasOwn(unfusers, key)) {
      result.push(node);
      continue;
    }
    result.push(...unfusers[key](node, context));
    rewritten.push({ op: key, node: node.name || `(unnamed, output "${node.output?.[0] ?? ''}")` });
  }
  graph.node = result;
  return rewritten;
}

/** Counts of rewritten nodes per op, e.g. `2 com.microsoft:GroupQueryAttention`, for notes. */
export function describeUnfused(rewritten: readonly UnfusedNode[]): string {
  const counts = new Map<string, number>();
  for (const r of rewritten) counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${n} ${op}`).join(', ');
}

function makeContext(
  model: onnx.IModelProto,
  graph: onnx.IGraphProto,
  label: string,
  file: string,
): UnfuseContext {
  const used = new Set<string>();
  const add = (name: string | null | undefined) => {
    if (name) used.add(name);
  };
  for (const node of graph.node ?? []) {
    add(node.name);
    for (const t of [...(node.input ?? []), ...(node.output ?? [])]) add(t);
  }
  for (const v of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])])
    add(v.name);
  for (const t of graph.initializer ?? []) add(t.name);
  const opset = (model.opsetImport ?? [])
    .filter((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')
    .map((o) => int64(o.version))[0];
  return {
    graph,
    label,
    file,
    opset: opset ?? 0,
    uniqueName(base: string): string {
      let name = base;
      for (let i = 1; used.has(name); i++) name = `${base}_${i}`;
      used.add(name);
      return name;
    },
  };
}
