/**
 * Float16 contrib attention (ONNX Runtime's transformer optimizer with --float16 writes
 * Attention and MultiHeadAttention with float16 weights and activations): the rewrite's
 * standard ops and constants are float32, so the node's float16 inputs are cast to float32
 * where it reads them and its outputs cast back to float16 under their own names. The
 * attention is then computed, and exposed, in float32 (as GroupQueryAttention's rewrite does).
 */
import { GraphIndex } from '../graphIndex';
import { FLOAT_TYPE, NodeBuilder } from './nodeBuilder';
import type { Unfuser } from './unfuser';

const FLOAT16_TYPE = 10;

/** `unfuser`, run in float32 when the node's float inputs (`floatInputs`, by index) are float16. */
export function float32Inside(unfuser: Unfuser, floatInputs: readonly number[]): Unfuser {
  return (node, context) => {
    const index = new GraphIndex(context.graph);
    const inputs = node.input ?? [];
    const floats = floatInputs.map((i) => inputs[i]).filter((x): x is string => !!x);
    if (!floats.some((x) => elementType(index, x) === FLOAT16_TYPE)) {
      return unfuser(node, context);
    }
    // The unfuser reads the graph around the node (weights' shape, ranks), so it runs on the
    // node as it is; its nodes are then rewired to the float32 casts.
    const nodes = unfuser(node, context);
    const b = new NodeBuilder(context, `${node.name || node.output?.[0] || node.opType}/float32`);
    const castIn = new Map(floats.map((x) => [x, b.cast(x, FLOAT_TYPE)]));
    const outputs = (node.output ?? []).filter((y): y is string => !!y);
    const castOut = new Map(outputs.map((y) => [y, context.uniqueName(`${y}_float32`)]));
    for (const n of nodes) {
      n.input = (n.input ?? []).map((x) => castIn.get(x) ?? castOut.get(x) ?? x);
      n.output = (n.output ?? []).map((y) => castOut.get(y) ?? y);
    }
    const back = new NodeBuilder(
      context,
      `${node.name || node.output?.[0] || node.opType}/float16`,
    );
    for (const [y, inner] of castOut) back.cast(inner, FLOAT16_TYPE, y);
    return [...b.nodes, ...nodes, ...back.nodes];
  };
}

/** The element type the graph records for `tensor` (initializer, input, value_info), if any. */
function elementType(index: GraphIndex, tensor: string): number | undefined {
  const graph = index.graph;
  const initializer = (graph.initializer ?? []).find((t) => t.name === tensor);
  if (initializer) return initializer.dataType ?? undefined;
  const info = [...(graph.input ?? []), ...(graph.valueInfo ?? [])].find((v) => v.name === tensor);
  const recorded = info?.type?.tensorType?.elemType;
  if (recorded) return recorded;
  const producer = index.producer(tensor);
  if (producer?.opType === 'Cast') {
    return Number(producer.attribute?.find((a) => a.name === 'to')?.i ?? 0) || undefined;
  }
  return undefined;
}
