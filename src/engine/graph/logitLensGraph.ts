/**
 * The logit lens (issue 24; nostalgebraist 2020): the residual stream after each layer read
 * through the model's own final norm and unembedding. Instead of recognising the norm
 * (LayerNorm, RMSNorm, their many exported spellings) and the unembedding (tied or not),
 * the nodes between the last residual Add and the logits are copied once more into the same
 * graph, reading a new input of stacked residual rows: whatever the model does there, the
 * lens does the same, with the same weights (shared, not copied). A run that fetches only
 * the lens outputs leaves the rest of the model alone. Where those nodes read anything but
 * constants and the residual (a shape of the input, a fused op's second output), or are not
 * standard ops, there is no lens, and the reason says so.
 */
import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { castToFloat, exposeTensors, floatOutput } from './exposeTensors';
import { GraphIndex } from './graphIndex';
import { afterPostNorm } from './postNormLens';
import { reduceLogSumExp } from './topPredictionsInGraph';
import { elemTypeOf } from './tensorTypes';

const { onnx: proto } = onnxProto;

/** The lens's input and outputs, and the residual streams it reads, as graph tensors. */
export interface LogitLensOutputs {
  /** float32 `[1, rows, D]`: the residual rows to read (one per layer). */
  input: string;
  /** int64 `[1]`: predictions kept per row. */
  k: string;
  /** `[1, rows, k]` float32 probabilities, most probable first. */
  probs: string;
  /** `[1, rows, k]` int64 token ids. */
  ids: string;
  /** Per layer the output exposing the residual stream after that layer, `[.., N, D]`. */
  streams: string[];
}

/** How many nodes the final norm and unembedding may take at most. */
const MAX_NODES = 40;

/**
 * Adds the lens to `model`. `before` holds per layer the residual stream that layer's
 * attention output is added to (graph/exposeHeadNorms.ts): the stream after layer l is
 * `before[l + 1]`, after the last layer it is the final norm's input. A string says why
 * there is no lens; `model` is then untouched.
 */
export function addLogitLens(
  model: onnx.IModelProto,
  before: readonly (string | undefined)[],
  logits: string,
  /** Names the copy's tensors and nodes (`<prefix>.input`, `<prefix>/…`). */
  prefix = 'attention_lens',
): LogitLensOutputs | string {
  const graph = model.graph as onnx.IGraphProto;
  const index = new GraphIndex(graph);
  const path = finalNormPath(index, logits, prefix);
  if (typeof path === 'string') return path;
  // Post-norm layers (Marian): the lens starts after the last layer's own norm.
  const found = before.length > 1 ? afterPostNorm(index, path, before.at(-1)) : path;
  if (typeof found === 'string') return found;
  const { last, nodes, skip } = found;
  const streams = [...before.slice(1), last];
  if (streams.some((s) => s === undefined)) {
    return 'the residual stream between two layers was not found in the graph';
  }
  const { FLOAT, FLOAT16 } = proto.TensorProto.DataType;
  // A fused norm's sum records no type; its γ has the stream's.
  const type = elemTypeOf(graph, last) ?? (skip && elemTypeOf(graph, skip.input?.[2] ?? ''));
  if (type && type !== FLOAT && type !== FLOAT16) {
    return 'the residual stream is neither float32 nor float16';
  }
  // A float16 graph's copy reads the float32 rows cast back (exactly: they were float16).
  const half = type === FLOAT16;
  const names = {
    input: `${prefix}.input`,
    k: `${prefix}.k`,
    probs: `${prefix}.probs`,
    ids: `${prefix}.ids`,
  };
  const read = half ? `${prefix}.input_float16` : names.input;
  const renamed = (tensor: string) =>
    tensor === last ? read : index.isConstant(tensor) ? tensor : `${prefix}/${tensor}`;
  const zeros = `${prefix}/zeros`;
  const copies = nodes.map((node) =>
    proto.NodeProto.create({
      ...node,
      name: `${prefix}/${node.name ?? ''}`,
      // A fused skip norm normalises residual + 0 (exactly the residual): the same op on the
      // same numbers as the model's, so its last layer is the model's to the bit.
      input:
        node === skip
          ? [read, zeros, ...(node.input ?? []).slice(2, normWeights(node))]
          : (node.input ?? []).map((i) => (i ? renamed(i) : i)),
      output:
        node === skip
          ? [renamed(node.output?.[0] ?? '')]
          : (node.output ?? []).map((o) => (o ? renamed(o) : o)),
    }),
  );
  if (skip) {
    graph.initializer ??= [];
    graph.initializer.push(
      proto.TensorProto.create({
        name: `${zeros}/zero`,
        dims: [],
        // float16 numbers outside raw data are stored one per int32 (0 is all bits clear).
        ...(half ? { dataType: FLOAT16, int32Data: [0] } : { dataType: FLOAT, floatData: [0] }),
      }),
    );
    copies.unshift(
      proto.NodeProto.create({
        opType: 'Mul',
        name: `${zeros}/Mul`,
        input: [read, `${zeros}/zero`],
        output: [zeros],
      }),
    );
  }
  if (half) {
    const to = { name: 'to', type: proto.AttributeProto.AttributeType.INT, i: FLOAT16 };
    copies.unshift(
      proto.NodeProto.create({
        opType: 'Cast',
        name: `${read}/Cast`,
        input: [names.input],
        output: [read],
        attribute: [to],
      }),
    );
  }
  const logitsCopy = renamed(logits);
  const op = (opType: string, input: string[], output: string[], attribute = {}) =>
    proto.NodeProto.create({
      opType,
      name: `${output[0]}/${opType}`,
      input,
      output,
      attribute: Object.entries(attribute).map(([name, i]) => ({
        name,
        type: proto.AttributeProto.AttributeType.INT,
        i: i as number,
      })),
    });
  let floatLogits = logitsCopy;
  const tail: onnx.INodeProto[] = [];
  const logitsType = elemTypeOf(graph, logits) ?? (half ? FLOAT16 : undefined);
  if (logitsType !== undefined && logitsType !== proto.TensorProto.DataType.FLOAT) {
    floatLogits = `${logitsCopy}_float32`;
    tail.push(op('Cast', [logitsCopy], [floatLogits], { to: proto.TensorProto.DataType.FLOAT }));
  }
  // The arithmetic of graph/topPredictionsInGraph.ts, so the last layer's are the model's own
  // predictions to the bit: exp(top logit − log-sum-exp).
  const top = `${prefix}/top_logits`;
  const lse = `${prefix}/lse`;
  tail.push(
    op('TopK', [floatLogits, names.k], [top, names.ids], { axis: -1 }),
    reduceLogSumExp(graph, model, floatLogits, lse),
    op('Sub', [top, lse], [`${prefix}/log`]),
    op('Exp', [`${prefix}/log`], [names.probs]),
  );
  graph.node = [...(graph.node ?? []), ...copies, ...tail];
  graph.input ??= [];
  graph.input.push(
    proto.ValueInfoProto.create({
      name: names.input,
      type: {
        tensorType: {
          elemType: proto.TensorProto.DataType.FLOAT,
          shape: { dim: [{ dimValue: 1 }, { dimParam: 'lens_rows' }, { dimParam: 'hidden' }] },
        },
      },
    }),
    proto.ValueInfoProto.create({
      name: names.k,
      type: {
        tensorType: {
          elemType: proto.TensorProto.DataType.INT64,
          shape: { dim: [{ dimValue: 1 }] },
        },
      },
    }),
  );
  graph.output ??= [];
  graph.output.push(
    floatOutput(names.probs),
    proto.ValueInfoProto.create({
      name: names.ids,
      type: { tensorType: { elemType: proto.TensorProto.DataType.INT64 } },
    }),
  );
  return {
    ...names,
    streams: exposeTensors(model, floatStreams(graph, streams as string[], half)),
  };
}

/**
 * The lens over the last residual stream only: a decoder's own next-token predictions for
 * whichever rows are fed (issue 22), so the forward pass needs no LM head over every position.
 */
export function addPredictionRows(
  model: onnx.IModelProto,
  logits: string,
): LogitLensOutputs | string {
  return addLogitLens(model, [undefined], logits, 'attention_next');
}

/** A float16 graph's streams whose type no record says, cast to float32 by name. */
function floatStreams(graph: onnx.IGraphProto, streams: string[], half: boolean): string[] {
  if (!half) return streams;
  return streams.map((stream) => {
    if (elemTypeOf(graph, stream) !== undefined) return stream;
    const cast = `${stream}_float32`;
    graph.node = [...(graph.node ?? []), castToFloat(stream, cast)];
    return cast;
  });
}

/**
 * The nodes from the last residual Add (the first Add of two computed tensors met walking
 * back from the logits, breadth first) to the logits, in graph order, and that Add's output.
 */
function finalNormPath(
  index: GraphIndex,
  logits: string,
  prefix: string,
): { last: string; nodes: onnx.INodeProto[]; skip?: onnx.INodeProto } | string {
  const queue = [logits];
  const seen = new Set<onnx.INodeProto>();
  let last: string | undefined;
  let skip: onnx.INodeProto | undefined;
  while (queue.length > 0 && seen.size <= MAX_NODES) {
    const node = index.producer(queue.shift() as string);
    if (!node || seen.has(node)) continue;
    const computed = (node.input ?? []).filter((i) => i && !index.isConstant(i));
    if (node.opType === 'Add' && computed.length === 2) {
      last ??= node.output?.[0] ?? '';
      continue;
    }
    seen.add(node);
    if (SKIP_NORMS.has(node.opType ?? '')) {
      last ??= skipSum(node, prefix);
      skip = node;
      continue;
    }
    if (node.domain && node.domain !== 'ai.onnx' && !QUANTISED_MATMULS.has(node.opType ?? '')) {
      return `the final norm is the fused op ${node.domain}:${node.opType}`;
    }
    queue.push(...computed);
  }
  if (queue.length > 0)
    return `more than ${MAX_NODES} nodes lie between the last layer and the logits`;
  if (last === undefined) return 'the last residual Add before the logits was not found';
  // Everything the copied nodes read must be the residual, a constant, or made by them.
  const made = new Set([...seen].flatMap((n) => n.output ?? []));
  for (const node of seen) {
    if (node === skip) continue;
    for (const input of node.input ?? []) {
      if (!input || input === last || made.has(input) || index.isConstant(input)) continue;
      return `the final norm or unembedding reads ${input}, which is not the residual stream`;
    }
  }
  const nodes = index.nodes.filter((n) => seen.has(n));
  return { last, nodes, ...(skip ? { skip } : {}) };
}

/**
 * A quantised unembedding (onnx-community q4, the model builder's int4): one output, a pure
 * function of its first input and constant weights, so its copy computes what the model does.
 */
const QUANTISED_MATMULS = new Set(['MatMulNBits', 'MatMulBnb4']);

/**
 * Fused norms that add their first two inputs (and a bias) before normalising: the model
 * builder's final norm. Their optional fourth output is that sum, the residual stream.
 */
const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

/**
 * Where a skip norm's weights end: γ (and β for SkipLayerNormalization). The bias after them
 * is inside the sum already; passing it again would add it twice.
 */
function normWeights(node: onnx.INodeProto): number {
  return node.opType === 'SkipLayerNormalization' ? 4 : 3;
}

/** The sum output of a Skip*Normalization, named (and so computed) when the graph left it out. */
function skipSum(node: onnx.INodeProto, prefix: string): string {
  const outputs = [...(node.output ?? [])];
  if (!outputs[3]) {
    while (outputs.length < 3) outputs.push('');
    outputs[3] = `${prefix}.residual_sum`;
    node.output = outputs;
  }
  return outputs[3];
}
