/**
 * Whether the norms session (inference/whatMovesSession.ts) will find every layer's output
 * projection in a graph whose attention is kept whole (issue 24): a read-only plan on the
 * graph as that session edits it, a merged decoder's no-cache branch inlined on a shallow
 * copy (inlineNoCacheBranch.ts reassigns the copy's node lists, never a node). The panel
 * offers the Weights switch from it without loading the second session.
 */
import type { onnx } from 'onnx-proto';
import { planHeadNorms } from './exposeHeadNorms';
import { findStepTensors } from './findStepTensors';
import { inlineNoCacheBranch } from './inlineNoCacheBranch';

export function normsPlannable(model: onnx.IModelProto): boolean {
  const copy: onnx.IModelProto = { ...model, graph: { ...(model.graph ?? {}) } };
  try {
    inlineNoCacheBranch(copy);
    const graph = copy.graph as onnx.IGraphProto;
    return planHeadNorms(graph, findStepTensors(graph)) !== undefined;
  } catch {
    // A graph the plan cannot read is one whose norms are not offered; loading goes on.
    return false;
  }
}
