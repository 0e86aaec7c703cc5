import type { onnx } from 'onnx-proto';

/**
 * The element type of a tensor the graph does not record (exports often carry no
 * ValueInfo for intermediates): walked back through the ops that keep their input's type
 * (Softmax, Add, MatMul, Reshape…) to a recorded type, a Cast, a Constant, an initializer
 * or a graph input. Undefined when the walk ends nowhere known.
 */
export function elemTypeOf(graph: onnx.IGraphProto, tensor: string): number | undefined {
  return tensorTypes(graph)(tensor);
}

/**
 * `elemTypeOf` for many tensors of one graph: the lookups are built once, so the finder
 * holds only until the graph is next edited. Building them per tensor cost 1.6 s of CPU
 * when a 30-layer model's q, k and checked rows were exposed (docs/performance.md,
 * "onnxruntime-web vs native").
 */
export function tensorTypes(graph: onnx.IGraphProto): (tensor: string) => number | undefined {
  // The last producer and the last record win, as a Map built in graph order keeps them.
  const producers = new Map<string, onnx.INodeProto>();
  for (const node of graph.node ?? [])
    for (const output of node.output ?? []) producers.set(output, node);
  const recorded = new Map<string, number>();
  for (const v of [...(graph.valueInfo ?? []), ...(graph.input ?? [])]) {
    const type = v.type?.tensorType?.elemType;
    if (v.name && type) recorded.set(v.name, type);
  }
  for (const t of graph.initializer ?? [])
    if (t.name && t.dataType) recorded.set(t.name, t.dataType);
  return (tensor) => {
    const seen = new Set<string>();
    const walk = (name: string, depth: number): number | undefined => {
      if (recorded.has(name)) return recorded.get(name);
      if (depth > 64 || seen.has(name)) return undefined;
      seen.add(name);
      const node = producers.get(name);
      if (!node) return undefined;
      const attribute = (key: string) => node.attribute?.find((a) => a.name === key);
      if (node.opType === 'Cast') return Number(attribute('to')?.i ?? 0) || undefined;
      if (node.opType === 'Constant') return attribute('value')?.t?.dataType ?? undefined;
      if (!SAME_TYPE.has(node.opType ?? '')) return undefined;
      const inputs = (node.input ?? []).slice(node.opType === 'Where' ? 1 : 0);
      for (const input of inputs) {
        const type = input ? walk(input, depth + 1) : undefined;
        if (type !== undefined && FLOATS.has(type)) return type;
      }
      return undefined;
    };
    return walk(tensor, 0);
  };
}

/** float, float16, double, bfloat16 */
const FLOATS = new Set([1, 10, 11, 16]);

/** Ops whose (first float) output has the type of their float inputs. */
const SAME_TYPE = new Set([
  'Softmax',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'MatMul',
  'Where',
  'Reshape',
  'Transpose',
  'Identity',
  'Dropout',
  'Unsqueeze',
  'Squeeze',
  'Expand',
  'Concat',
  'Slice',
  'Gather',
  'Neg',
  'Sqrt',
  'Pow',
  'Exp',
  'Tanh',
  'Erf',
  'Sigmoid',
  'Relu',
  'Max',
  'Min',
  'Clip',
  'ReduceMean',
  'ReduceSum',
]);
