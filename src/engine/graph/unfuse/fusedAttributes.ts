/**
 * Reading a fused node's attributes for an unfuser: every attribute must be one the
 * unfuser knows, and those that change the arithmetic in ways it does not rewrite must
 * have their neutral value; otherwise the node is refused with the attribute named.
 */
import type { onnx } from 'onnx-proto';
import { int64 } from '../graphIndex';
import { modelError } from '../../modelError';
import type { UnfuseContext } from './unfuser';

export type AttributeKind = 'int' | 'float' | 'string';

/** Reads the attributes of `node`; unknown ones are refused. */
export function readAttributes(
  node: onnx.INodeProto,
  known: Readonly<Record<string, AttributeKind>>,
  context: UnfuseContext,
): Map<string, number | string> {
  const values = new Map<string, number | string>();
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    const kind = Object.hasOwn(known, name) ? known[name] : undefined;
    if (kind === undefined) throw unsupported(node, context, `has the attribute "${name}"`);
    if (kind === 'int') values.set(name, int64(a.i));
    else if (kind === 'float') values.set(name, a.f ?? 0);
    else values.set(name, new TextDecoder().decode(a.s ?? new Uint8Array()));
  }
  return values;
}

/** Refuses `node` when the attribute holds anything but one of its neutral values. */
export function requireNeutral(
  node: onnx.INodeProto,
  values: Map<string, number | string>,
  name: string,
  neutral: readonly (number | string)[],
  context: UnfuseContext,
  what: string,
): void {
  const value = values.get(name);
  if (value === undefined || neutral.includes(value)) return;
  throw unsupported(node, context, `has ${name}=${JSON.stringify(value)} (${what})`);
}

/** The error for a fused node this version cannot open up. */
export function unsupported(node: onnx.INodeProto, context: UnfuseContext, what: string): Error {
  return modelError(
    'fusedAttention',
    context.label,
    context.file,
    `${nodeName(node, context)} ${what}, which this version cannot open up to show its attention`,
    'Export the model without attention fusion (plain MatMul/Softmax), or without that option.',
  );
}

/** The error for a fused node whose attributes contradict its own weights or each other. */
export function inconsistent(node: onnx.INodeProto, context: UnfuseContext, what: string): Error {
  return modelError(
    'badAttentionShape',
    context.label,
    context.file,
    `${nodeName(node, context)} ${what}`,
    'The graph contradicts itself; export or download it again.',
  );
}

/** `com.microsoft.Attention node "Attention_0"`, and where it is when inside a subgraph. */
function nodeName(node: onnx.INodeProto, context: UnfuseContext): string {
  const name = `${node.domain || 'ai.onnx'}.${node.opType} node "${node.name || node.output?.[0] || ''}"`;
  return context.where ? `${name} (${context.where})` : name;
}
