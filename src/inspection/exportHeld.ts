/**
 * Exports a held result (issue 22): the JSON streams to disk one layer at a time, each
 * layer asked of the engine as it is written, so no export holds the whole attention.
 */
import type * as vscode from 'vscode';
import type { AttentionSliceRequest } from '../engine/types';
import type { ExportChoice, ResultExporter } from '../export/resultExporter';
import type { ShownHeld } from './shownResult';

/** What the export reads a held result's attention through (the `InspectionRunner`). */
export interface SliceSource {
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

export function exportHeld(
  shown: ShownHeld,
  choice: ExportChoice,
  exporter: ResultExporter,
  engine: SliceSource,
): Promise<vscode.Uri | undefined> {
  const { result, source } = shown;
  const slice = (kind: AttentionSliceRequest['kind'], layer: number, heads: number[]) =>
    engine.slice(result.resultId, { kind, layer, heads });
  return exporter.exportHeld({ result, slice, ...(source ? { source } : {}) }, choice);
}
