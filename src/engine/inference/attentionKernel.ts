/**
 * Attention recomputed on onnxruntime's own kernels (issue 22): softmax(cap(factor · q·kᵀ)
 * + mask) for a block of heads and rows, from the query and key a layer's Q·Kᵀ MatMul read.
 * A tiny graph built here, one session per engine thread: its MatMul and Softmax are the
 * SIMD ones the model ran, so a 2,048-token head comes back in tens of milliseconds.
 *
 * Shapes: q `[groups, perGroup, rows, d]` (query heads that share a key/value head are
 * consecutive), kᵀ `[groups, 1, d, keys]` → `[groups, perGroup, rows, keys]`, i.e. `[heads,
 * rows, keys]`. The mask is made inside the graph from the rows' and keys' positions: at
 * 2,048 tokens a `[rows, keys]` mask would be 16 MB built in JavaScript and copied in for
 * every head.
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { encodeOnnx } from '../graph/exposeTensors';
import { attentionLogits, FLOAT, kernelNode, kernelValue } from './kernelGraphParts';

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
  /** Which keys a row sees; absent: all of them. */
  mask?: KernelMask;
}

/**
 * Row r (at position `rowPositions[r]`) sees key j when `lowest ≤ r − j ≤ highest`: a causal
 * mask has `lowest` 0, a sliding window of w keys `highest` w − 1; ±∞ leaves a side open.
 */
export interface KernelMask {
  rowPositions: Float32Array;
  lowest: number;
  highest: number;
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();
const keyPositions = new Map<number, Float32Array>();

/** `[heads, rows, keys]` probabilities of `block`. */
export async function runKernel(block: KernelBlock): Promise<Float32Array> {
  const shape: KernelShape = { capped: block.softcap !== undefined, masked: !!block.mask };
  const name = `${shape.capped}/${shape.masked}`;
  let session = sessions.get(name);
  if (!session) {
    session = ort.InferenceSession.create(kernelGraph(shape), { executionProviders: ['wasm'] });
    sessions.set(name, session);
    session.catch(() => sessions.delete(name));
  }
  const { groups, perGroup, rows, d, keys, mask } = block;
  const scalar = (value: number) => new ort.Tensor('float32', Float32Array.of(value), [1]);
  const feeds: Record<string, ort.Tensor> = {
    q: new ort.Tensor('float32', block.q, [groups, perGroup, rows, d]),
    kt: new ort.Tensor('float32', block.keyTransposed, [groups, 1, d, keys]),
    factor: scalar(block.factor),
  };
  if (shape.capped) feeds.cap = scalar(block.softcap ?? 1);
  if (mask) {
    feeds.rowPos = new ort.Tensor('float32', mask.rowPositions, [rows, 1]);
    feeds.keyPos = new ort.Tensor('float32', positionsUpTo(keys), [1, keys]);
    feeds.lowest = scalar(mask.lowest);
    feeds.highest = scalar(mask.highest);
  }
  const out = await (await session).run(feeds);
  return out.p.data as Float32Array;
}

function positionsUpTo(keys: number): Float32Array {
  let positions = keyPositions.get(keys);
  if (!positions) {
    if (keyPositions.size >= 4) keyPositions.clear();
    positions = Float32Array.from({ length: keys }, (_, j) => j);
    keyPositions.set(keys, positions);
  }
  return positions;
}

interface KernelShape {
  capped: boolean;
  masked: boolean;
}

function kernelGraph({ capped, masked }: KernelShape): Uint8Array {
  const { onnx } = onnxProto;
  const node = kernelNode;
  const input = kernelValue;
  const { nodes, inputs, logits: scores } = attentionLogits(capped);
  let logits = scores;
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  if (masked) {
    nodes.push(
      node('Sub', ['rowPos', 'keyPos'], 'offset'),
      node('Less', ['offset', 'lowest'], 'tooLate'),
      node('Greater', ['offset', 'highest'], 'tooEarly'),
      node('Or', ['tooLate', 'tooEarly'], 'hidden'),
      node('Where', ['hidden', 'minusInfinity', logits], 'masked'),
    );
    inputs.push(input('rowPos', 2), input('keyPos', 2), input('lowest', 1), input('highest', 1));
    initializer.push({ name: 'minusInfinity', dataType: FLOAT, dims: [], floatData: [-Infinity] });
    logits = 'masked';
  }
  nodes.push(kernelNode('Softmax', [logits], 'p', [{ name: 'axis', i: -1 }]));
  return encodeOnnx(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: {
        name: 'attention',
        node: nodes,
        input: inputs,
        initializer,
        output: [input('p', 4)],
      },
    }),
  );
}
