/**
 * The logit lens of a post-norm decoder (issue 24; Marian, BART: each layer ends in a
 * LayerNorm after its last residual Add, and no final norm follows the stack). There the
 * residual stream after layer l, what layer l + 1 reads, is that LayerNorm's output, and the
 * nodes between the last residual Add and the logits are the last layer's own LayerNorm and
 * then the unembedding. Copying them all (logitLensGraph.ts) would normalise every other
 * layer's stream twice, so the lens starts after the last layer's norm instead: recognised as
 * the same ops, in the same order, as the norm that ends the layer before it (what the last
 * layer reads), not by name or op type.
 */
import type { onnx } from 'onnx-proto';
import type { GraphIndex } from './graphIndex';

/** The lens's path: the tensor it reads and the nodes from it to the logits, in graph order. */
export interface LensPath {
  last: string;
  nodes: onnx.INodeProto[];
  skip?: onnx.INodeProto;
}

const SKIP_NORMS = new Set(['SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
/** How many nodes a layer's closing norm may take at most. */
const MAX_TAIL = 20;

/**
 * `path` unchanged for a pre-norm decoder (the last layer reads a residual Add's output);
 * for a post-norm one the path after the last layer's closing norm; a string says why the
 * two cannot be told apart. `entering` is the stream the last layer reads.
 */
export function afterPostNorm(
  index: GraphIndex,
  path: LensPath,
  entering: string | undefined,
): LensPath | string {
  if (entering === undefined) return path;
  const tail = closingNorm(index, entering);
  if (tail === undefined) return path;
  if (typeof tail === 'string') return tail;
  const why = 'the layers end in a norm (post-norm) that the nodes before the logits do not repeat';
  if (path.skip) return why;
  const dependent = dependentsOf(path.last, path.nodes);
  const head = dependent.slice(0, tail.length);
  const same =
    head.length === tail.length &&
    head.every(
      (node, i) => node.opType === tail[i].opType && (node.domain ?? '') === (tail[i].domain ?? ''),
    );
  const last = head.at(-1)?.output?.[0];
  if (!same || !last) return why;
  const dropped = new Set(head);
  const nodes = path.nodes.filter((n) => !dropped.has(n));
  const made = new Set(nodes.flatMap((n) => n.output ?? []));
  const closed = nodes.every((n) =>
    (n.input ?? []).every((i) => !i || i === last || made.has(i) || index.isConstant(i)),
  );
  return closed ? { last, nodes } : why;
}

/**
 * The nodes (graph order) from the residual Add before `stream` to `stream`: none when
 * `stream` is a residual Add's output (or a fused skip norm's sum), undefined then too.
 */
function closingNorm(index: GraphIndex, stream: string): onnx.INodeProto[] | string | undefined {
  const producer = index.producer(stream);
  if (!producer || isResidual(index, producer, stream)) return undefined;
  const seen = new Set<onnx.INodeProto>();
  const queue = [stream];
  while (queue.length > 0) {
    const node = index.producer(queue.shift() as string);
    if (!node || seen.has(node)) continue;
    if (isResidual(index, node, node.output?.[0] ?? '')) continue;
    seen.add(node);
    if (seen.size > MAX_TAIL)
      return `more than ${MAX_TAIL} nodes end each layer after its residual Add`;
    queue.push(...(node.input ?? []).filter((i) => i && !index.isConstant(i)));
  }
  return index.nodes.filter((n) => seen.has(n));
}

function isResidual(index: GraphIndex, node: onnx.INodeProto, output: string): boolean {
  if (SKIP_NORMS.has(node.opType ?? '')) return node.output?.[3] === output;
  const computed = (node.input ?? []).filter((i) => i && !index.isConstant(i));
  return node.opType === 'Add' && computed.length === 2;
}

/** The nodes of `nodes` that read `tensor`, directly or through each other, in their order. */
function dependentsOf(tensor: string, nodes: readonly onnx.INodeProto[]): onnx.INodeProto[] {
  const reached = new Set([tensor]);
  return nodes.filter((node) => {
    if (!(node.input ?? []).some((i) => reached.has(i))) return false;
    for (const o of node.output ?? []) reached.add(o);
    return true;
  });
}
