import type { onnx } from 'onnx-proto';

/** What a rewriter may use: the graph it edits and a source of names no other node uses. */
export interface UnfuseContext {
  /** The graph being rewritten; rewriters append the initializers they need (constants, axes). */
  readonly graph: onnx.IGraphProto;
  /** A tensor or node name not yet used in the graph, derived from `base`. */
  uniqueName(base: string): string;
  /** The model's label and graph file, for modelError messages. */
  readonly label: string;
  readonly file: string;
  /** The default-domain opset the graph imports; rewriters emit ops valid at that opset. */
  readonly opset: number;
  /** For a node inside a subgraph: where (`in the then_branch of If node "…"`), for messages. */
  readonly where?: string;
}

/**
 * Replaces one fused node by standard-op nodes computing the same outputs (same output names),
 * with the attention probabilities as the output of a standard `Softmax` that feeds a `MatMul`
 * with V, so findAttention and findStepTensors find them as in an unfused export.
 */
export type Unfuser = (node: onnx.INodeProto, context: UnfuseContext) => onnx.INodeProto[];
