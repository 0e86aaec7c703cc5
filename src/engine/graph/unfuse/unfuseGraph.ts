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
  const graphs = allGraphs(graph);
  if (!graphs.some((g) => (g.node ?? []).some((n) => Object.hasOwn(unfusers, unfuserKey(n))))) {
    return [];
  }
  const context = makeContext(model, graphs, label, file);
  const rewritten: UnfusedNode[] = [];
  rewriteGraph(graph, [], context, unfusers, rewritten);
  return rewritten;
}

/**
 * Rewrites the fused nodes of `graph` and of its subgraphs (a merged decoder's `If`
 * branches, a `Loop` body). A subgraph's node reads outer-scope values (the weights are
 * usually the main graph's initializers), so its unfuser sees the graph through a view that
 * adds the enclosing graphs' initializers, inputs and nodes; the constants it makes are kept
 * in the subgraph.
 */
function rewriteGraph(
  graph: onnx.IGraphProto,
  outer: readonly onnx.IGraphProto[],
  base: UnfuseContext,
  unfusers: Readonly<Record<string, Unfuser>>,
  rewritten: UnfusedNode[],
): void {
  const view = outer.length > 0 ? scopeView(graph, outer) : graph;
  const madeFrom = view.initializer?.length ?? 0;
  const context: UnfuseContext = { ...base, graph: view };
  const result: onnx.INodeProto[] = [];
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      for (const sub of [attribute.g, ...(attribute.graphs ?? [])]) {
        if (!sub) continue;
        const where = `in the ${attribute.name} of ${node.opType} node "${node.name ?? ''}"`;
        rewriteGraph(sub, [...outer, graph], { ...base, where }, unfusers, rewritten);
      }
    }
    const key = unfuserKey(node);
    if (!Object.hasOwn(unfusers, key)) {
      result.push(node);
      continue;
    }
    result.push(...unfusers[key](node, context));
    const name = node.name || `(unnamed, output "${node.output?.[0] ?? ''}")`;
    rewritten.push({ op: key, node: base.where ? `${name} ${base.where}` : name });
  }
  graph.node = result;
  if (view !== graph) {
    graph.initializer = [...(graph.initializer ?? []), ...(view.initializer ?? []).slice(madeFrom)];
  }
}

/** `graph` as its nodes see it: the enclosing graphs' initializers, inputs and nodes added. */
function scopeView(graph: onnx.IGraphProto, outer: readonly onnx.IGraphProto[]): onnx.IGraphProto {
  const all = [...outer, graph];
  return {
    ...graph,
    node: all.flatMap((g) => g.node ?? []),
    initializer: all.flatMap((g) => g.initializer ?? []),
    input: all.flatMap((g) => g.input ?? []),
    valueInfo: all.flatMap((g) => g.valueInfo ?? []),
  };
}

/** `graph` and every subgraph under it, at any depth. */
function allGraphs(graph: onnx.IGraphProto): onnx.IGraphProto[] {
  const found = [graph];
  for (const node of graph.node ?? []) {
    for (const attribute of node.attribute ?? []) {
      for (const sub of [attribute.g, ...(attribute.graphs ?? [])]) {
        if (sub) found.push(...allGraphs(sub));
      }
    }
  }
  return found;
}

/** Counts of rewritten nodes per op, e.g. `2 com.microsoft:GroupQueryAttention`, for notes. */
export function describeUnfused(rewritten: readonly UnfusedNode[]): string {
  const counts = new Map<string, number>();
  for (const r of rewritten) counts.set(r.op, (counts.get(r.op) ?? 0) + 1);
  return [...counts].map(([op, n]) => `${n} ${op}`).join(', ');
}

function makeContext(
  model: onnx.IModelProto,
  graphs: readonly onnx.IGraphProto[],
  label: string,
  file: string,
): UnfuseContext {
  const graph = graphs[0];
  const used = new Set<string>();
  const add = (name: string | null | undefined) => {
    if (name) used.add(name);
  };
  // Names are unique across the model: a subgraph sees every enclosing graph's names.
  for (const g of graphs) {
    for (const node of g.node ?? []) {
      add(node.name);
      for (const t of [...(node.input ?? []), ...(node.output ?? [])]) add(t);
    }
    for (const v of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) add(v.name);
    for (const t of g.initializer ?? []) add(t.name);
  }
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
