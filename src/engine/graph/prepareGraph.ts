/**
 * The first step of every graph's preparation: decode, then open up the fused operators we
 * know (unfuse/unfusers.ts), so that everything after — deriveManifest counting layers,
 * findAttention, the steps, the exposure — sees standard ops. Every place that reads a
 * graph's attention decodes it here.
 */
import type { onnx } from 'onnx-proto';
import { decodeOnnx } from './decodeOnnx';
import { describeUnfused, unfuseGraph, type UnfusedNode } from './unfuse/unfuseGraph';
import { UNFUSERS } from './unfuse/unfusers';

export interface PreparedGraph {
  model: onnx.ModelProto;
  /** The fused nodes that were rewritten (empty when the graph is used as read). */
  unfused: UnfusedNode[];
}

export function decodeGraph(bytes: Uint8Array, label: string, file: string): PreparedGraph {
  const model = decodeOnnx(bytes, label, file);
  return { model, unfused: unfuseGraph(model, label, file, UNFUSERS) };
}

/** The note shown with a model whose graph was rewritten; undefined when none was. */
export function unfusedNote(file: string, unfused: readonly UnfusedNode[]): string | undefined {
  if (unfused.length === 0) return undefined;
  return `${file}: opened up ${describeUnfused(unfused)} node(s) into standard ops (same outputs) to read the attention inside.`;
}
