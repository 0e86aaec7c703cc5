/**
 * Cuts a graph down to what some of its outputs need (issue 25: a head scan needs every
 * layer's attention, not the logits, the last MLP or the final norm). onnxruntime would
 * otherwise compute every node of the graph on each run, whatever was fetched.
 */
import type { onnx } from 'onnx-proto';

/** Names a node reads, its subgraphs' outer-scope reads included (conservatively: all of them). */
function reads(node: onnx.INodeProto): string[] {
  const names = [...(node.input ?? [])];
  for (const attribute of node.attribute ?? []) {
    for (const sub of [attribute.g, ...(attribute.graphs ?? [])]) {
      for (const inner of sub?.node ?? []) names.push(...reads(inner));
    }
  }
  return names;
}

/** Keeps `outputs` as the graph's only outputs and the nodes and initializers they need. */
export function pruneToOutputs(graph: onnx.IGraphProto, outputs: readonly string[]): void {
  const wanted = new Set(outputs);
  graph.output = (graph.output ?? []).filter((o) => wanted.has(o.name ?? ''));
  const needed = new Set(outputs);
  const kept: onnx.INodeProto[] = [];
  const nodes = graph.node ?? [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i];
    if (!(node.output ?? []).some((o) => needed.has(o))) continue;
    kept.push(node);
    for (const name of reads(node)) needed.add(name);
  }
  graph.node = kept.reverse();
  graph.initializer = (graph.initializer ?? []).filter((t) => needed.has(t.name ?? ''));
}
