/**
 * Value norms and head writes (issue 24) on onnxruntime's own kernels, from a layer's held
 * value and output projection (graph/exposeHeldValues.ts): two tiny graphs built once per
 * engine thread, beside the attention kernel (attentionKernel.ts).
 *
 * Shapes, heads grouped by the key/value head they read (query heads sharing one are
 * consecutive, so `[groups, perGroup]` read flat is head order):
 * - values: v `[groups, 1, keys, dv]` · W `[groups, perGroup, dv, D]` → ReduceL2 → `[heads, keys]`;
 * - writes: α `[groups, perGroup, rows, keys]` · v → · W → ReduceL2 → `[heads, rows]`.
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { encodeOnnx } from '../graph/exposeTensors';
import { kernelNode, kernelValue } from './kernelGraphParts';
import type { ProjectionMatrix } from '../graph/projectionWeight';

/** A layer's value (`[groups, keys, dv]`) and output projection (`[heads · dv, D]`). */
export interface HeldLayerValue {
  value: Float32Array;
  /** Dequantized on first use where the model's weight is 4-bit (graph/projectionWeight.ts). */
  projection: ProjectionMatrix;
  groups: number;
  perGroup: number;
  keys: number;
  dv: number;
  width: number;
}

type Kind = 'values' | 'writes';
const sessions = new Map<Kind, Promise<ort.InferenceSession>>();

function sessionOf(kind: Kind): Promise<ort.InferenceSession> {
  let session = sessions.get(kind);
  if (!session) {
    session = ort.InferenceSession.create(kernelGraph(kind), { executionProviders: ['wasm'] });
    sessions.set(kind, session);
    session.catch(() => sessions.delete(kind));
  }
  return session;
}

function weightOf(layer: HeldLayerValue): ort.Tensor {
  const { projection, groups, perGroup, dv, width } = layer;
  return new ort.Tensor('float32', projection.data(), [groups, perGroup, dv, width]);
}

/**
 * `[heads, keys]`: ‖v_j W_O^h‖ for keys `[start, end)` of the layer, every head (grouped, each
 * key/value head read once) or only `heads` (each with its own key/value head's rows).
 */
export async function valueNormsOf(
  layer: HeldLayerValue,
  start: number,
  end: number,
  heads?: readonly number[],
): Promise<Float32Array> {
  const { groups, perGroup, keys, dv, width } = layer;
  const count = end - start;
  const groupOf = heads ? heads.map((h) => Math.floor(h / perGroup)) : range(groups);
  const value = new Float32Array(groupOf.length * count * dv);
  for (const [i, g] of groupOf.entries()) {
    value.set(layer.value.subarray((g * keys + start) * dv, (g * keys + end) * dv), i * count * dv);
  }
  const v = new ort.Tensor('float32', value, [groupOf.length, 1, count, dv]);
  let w = weightOf(layer);
  if (heads) {
    const rows = new Float32Array(heads.length * dv * width);
    const projection = layer.projection.data();
    for (const [i, h] of heads.entries()) {
      rows.set(projection.subarray(h * dv * width, (h + 1) * dv * width), i * dv * width);
    }
    w = new ort.Tensor('float32', rows, [heads.length, 1, dv, width]);
  }
  const out = await (await sessionOf('values')).run({ v, w });
  return out.norms.data as Float32Array;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** `[heads, rows]`: ‖Σ_j α_ij v_j W_O^h‖ for attention `weights` `[heads, rows, keys]`. */
export async function headWritesOf(
  layer: HeldLayerValue,
  weights: Float32Array,
  rows: number,
): Promise<Float32Array> {
  const { groups, perGroup, keys, dv } = layer;
  const out = await (await sessionOf('writes')).run({
    p: new ort.Tensor('float32', weights, [groups, perGroup, rows, keys]),
    v: new ort.Tensor('float32', layer.value, [groups, 1, keys, dv]),
    w: weightOf(layer),
  });
  return out.norms.data as Float32Array;
}

function kernelGraph(kind: Kind): Uint8Array {
  const { onnx } = onnxProto;
  const tensor = kernelValue;
  const node = kernelNode;
  const reduce = (input: string) =>
    kernelNode('ReduceL2', [input], 'norms', [
      { name: 'axes', ints: [-1] },
      { name: 'keepdims', i: 0 },
    ]);
  const nodes =
    kind === 'values'
      ? [node('MatMul', ['v', 'w'], 'projected'), reduce('projected')]
      : [
          node('MatMul', ['p', 'v'], 'mixed'),
          node('MatMul', ['mixed', 'w'], 'written'),
          reduce('written'),
        ];
  const inputs = [tensor('v', 4), tensor('w', 4)];
  if (kind === 'writes') inputs.unshift(tensor('p', 4));
  return encodeOnnx(
    onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 14 }],
      graph: { name: kind, node: nodes, input: inputs, output: [tensor('norms', 3)] },
    }),
  );
}
