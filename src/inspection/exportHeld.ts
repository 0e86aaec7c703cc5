/**
 * Exports a held result (issue 22): the JSON streams to disk one layer at a time, each
 * layer asked of the engine as it is written, so no export holds the whole attention; the
 * next-token predictions are read for every row first (the engine reads them per row).
 */
import type * as vscode from 'vscode';
import type { AttentionSliceRequest } from '../engine/types';
import type { ExportChoice, ResultExporter } from '../export/resultExporter';
import type { ShownHeld } from './shownResult';
import type { HeldQueries } from './webviewQueries';

/** What the export reads a held result's attention and predictions through (the `InspectionRunner`). */
export interface SliceSource extends Pick<HeldQueries, 'askHeld'> {
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
  const predictions = (rows: number[], k: number) =>
    engine.askHeld('predictions', { resultId: result.resultId, rows, k });
  return exporter.exportHeld({ result, slice, predictions, ...(source ? { source } : {}) }, choice);
}
