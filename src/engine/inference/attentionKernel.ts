/**
 * Attention recomputed on onnxruntime's own kernels (issue 22): softmax(cap(factor · q·kᵀ)
 * + mask) for a block of heads and rows, from the query and key a layer's Q·Kᵀ MatMul read.
 * A tiny graph built here, one session per engine thread: its MatMul and Softmax are the
 * SIMD ones the model ran, so a 2,048-token head comes back in tens of milliseconds.
 *
 * Shapes: q `[groups, perGroup, rows, d]` (query heads that share a key/value head are
 * consecutive), kᵀ `[groups, 1, d, keys]`, mask `[rows, keys]` (0 or −∞) → `[groups,
 * perGroup, rows, keys]`, i.e. `[heads, rows, keys]`.
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { encodeOnnx } from '../graph/exposeTensors';

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;

/** One block to compute. */
export interface KernelBlock {
  q: Float32Array;
  groups: number;
  perGroup: number;
  rows: number;
  d: number;
  keyTransposed: Float32Array;
  keys: number;
  /** Product of the scales applied to q·kᵀ (those folded into q or k are in them already). */
  factor: number;
  /** Soft-cap c: x → c · tanh(x / c). */
  softcap?: number;
  mask: Float32Array;
}

const sessions = new Map<boolean, Promise<ort.InferenceSession>>();

/** `[heads, rows, keys]` probabilities of `block`. */
export async function runKernel(block: KernelBlock): Promise<Float32Array> {
  const capped = block.softcap !== undefined;
  let session = sessions.get(capped);
  if (!session) {
    session = ort.InferenceSession.create(kernelGraph(capped), {
      executionProviders: ['wasm'],
    });
    sessions.set(capped, session);
    session.catch(() => sessions.delete(capped));
  }
  const { groups, perGroup, rows, d, keys } = block;
  const feeds: Record<string, ort.Tensor> = {
    q: new ort.Tensor('float32', block.q, [groups, perGroup, rows, d]),
    kt: new ort.Tensor('float32', block.keyTransposed, [groups, 1, d, keys]),
    factor: new ort.Tensor('float32', Float32Array.of(block.factor), [1]),
    mask: new ort.Tensor('float32', block.mask, [rows, keys]),
  };
  if (capped) feeds.cap = new ort.Tensor('float32', Float32Array.of(block.softcap ?? 1), [1]);
  const out = await (await session).run(feeds);
  return out.p.data as Float32Array;
}

function kernelGraph(capped: boolean): Uint8Array {
  const { onnx } = onnxProto;
  const input = (name: string, rank: number) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: FLOAT,
          shape: { dim: Array.from({ length: rank }, (_, i) => ({ dimParam: `${name}${i}` })) },
        },
      },
    });
  const node = (opType: string, inputs: string[], output: string, axis?: number) =>
    onnx.NodeProto.create({
      opType,
      name: output,
      input: inputs,
      output: [output],
      attribute:
        axis === undefined
          ? []
          : [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: axis }],
    });
  const nodes = [
    node('MatMul', ['q', 'kt'], 'scores'),
    node('Mul', ['scores', 'factor'], 'scaled'),
  ];
  let logits = 'scaled';
  if (capped) {
    nodes.push(
      node('Div', ['scaled', 'cap'], 'divided'),
      node('Tanh', ['divided'], 'bounded'),
      node('Mul', ['bounded', 'cap'], 'capped'),
    );
    logits = 'capped';
  }
  nodes.push(node('Add', [logits, 'mask'], 'masked'), node('Softmax', ['masked'], 'p', -1));
  const inputs = [input('q', 4), input('kt', 4), input('factor', 1), input('mask', 2)];
  if (capped) inputs.push(input('cap', 1));
  return encodeOnnx(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: { name: 'attention', node: nodes, input: inputs, output: [input('p', 4)] },
    }),
  );
}
