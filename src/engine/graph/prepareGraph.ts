/**
 * The first step of every graph's preparation: decode, then open up the fused operators we
 * know (unfuse/unfusers.ts), so that everything after — deriveManifest counting layers,
 * findAttention, the steps, the exposure — sees standard ops. Every place that reads a
 * graph's attention decodes it here.
 */
import type { onnx } from 'onnx-proto';
import type { AttentionFeatures } from '../types';
import { decodeOnnx } from './decodeOnnx';
import { fusedAttentionFeatures, weightPrecision } from './graphFacts';
import { describeUnfused, unfuseGraph, type UnfusedNode } from './unfuse/unfuseGraph';
import { UNFUSERS } from './unfuse/unfusers';

/** What preparing the graph found out and did. */
export interface GraphFacts {
  /** The fused nodes that were rewritten (empty when the graph is used as read). */
  unfused: UnfusedNode[];
  /** Sliding window and soft-cap as the fused nodes stated them. */
  attention: AttentionFeatures;
  /** The weights' precision in words (graphFacts.ts). */
  precision: string;
}

export interface PreparedGraph {
  model: onnx.ModelProto;
  facts: GraphFacts;
}

export function decodeGraph(bytes: Uint8Array, label: string, file: string): PreparedGraph {
  const model = decodeOnnx(bytes, label, file);
  const graph = model.graph as onnx.IGraphProto;
  const attention = fusedAttentionFeatures(graph);
  const unfused = unfuseGraph(model, label, file, UNFUSERS);
  return { model, facts: { unfused, attention, precision: weightPrecision(graph) } };
}

/** The note shown with a model whose graph was rewritten; undefined when none was. */
export function unfusedNote(file: string, unfused: readonly UnfusedNode[]): string | undefined {
  if (unfused.length === 0) return undefined;
  return `${file}: opened up ${describeUnfused(unfused)} node(s) into standard ops (same outputs) to read the attention inside.`;
}
