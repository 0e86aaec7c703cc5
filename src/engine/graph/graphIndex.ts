import type { onnx } from 'onnx-proto';

/** An int64 as onnx-proto decodes it: a number, or a `Long` when `long` is loadable. */
export type Int64 = number | { toNumber(): number };

/** Converts a decoded int64 (dims, versions, attributes) to a number. */
export function int64(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : value.toNumber();
}

/**
 * Lookups over one (top-level) ONNX graph: which node produces and which nodes consume a
 * tensor, and which tensors are constant. Subgraphs of If/Loop/Scan are not indexed.
 */
export class GraphIndex {
  private readonly producers = new Map<string, onnx.INodeProto>();
  private readonly consumersOf = new Map<string, onnx.INodeProto[]>();
  private readonly initializers = new Map<string, onnx.ITensorProto>();

  constructor(readonly graph: onnx.IGraphProto) {
    for (const node of graph.node ?? []) {
      for (const output of node.output ?? []) this.producers.set(output, node);
      for (const input of node.input ?? []) {
        const list = this.consumersOf.get(input) ?? [];
        list.push(node);
        this.consumersOf.set(input, list);
      }
    }
    for (const tensor of graph.initializer ?? []) this.initializers.set(tensor.name ?? '', tensor);
  }

  /** The nodes in graph order (ONNX requires topological order). */
  get nodes(): onnx.INodeProto[] {
    return this.graph.node ?? [];
  }

  /** Inputs the caller must feed: graph inputs that are not initializers (IR < 4 lists both). */
  get feedInputs(): string[] {
    return (this.graph.input ?? [])
      .map((v) => v.name ?? '')
      .filter((n) => !this.initializers.has(n));
  }

  get outputs(): string[] {
    return (this.graph.output ?? []).map((v) => v.name ?? '');
  }

  producer(tensor: string): onnx.INodeProto | undefined {
    return this.producers.get(tensor);
  }

  consumers(tensor: string): onnx.INodeProto[] {
    return this.consumersOf.get(tensor) ?? [];
  }

  /**
   * Dims of a constant tensor: an initializer or a `Constant` node's value, looking through
   * `Identity` (PyTorch exports shared weights that way). Undefined for computed tensors.
   */
  constantDims(tensor: string): number[] | undefined {
    const init = this.initializers.get(tensor);
    if (init) return (init.dims ?? []).map(int64);
    const node = this.producers.get(tensor);
    if (node?.opType === 'Identity') return this.constantDims(node.input?.[0] ?? '');
    if (node?.opType === 'Constant') {
      const value = node.attribute?.find((a) => a.name === 'value')?.t;
      return value ? (value.dims ?? []).map(int64) : undefined;
    }
    return undefined;
  }

  /** True when the tensor is a constant (initializer or Constant node, through Identity). */
  isConstant(tensor: string): boolean {
    return this.constantDims(tensor) !== undefined;
  }
}
