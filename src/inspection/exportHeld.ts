/**
 * Exports a held result (issue 22). For now it gathers every layer of every stack from the
 * engine into a full `InspectResult` and hands it to the JSON exporter as before: the bytes
 * written are today's. The streamed export (layer by layer to disk, never all at once) is
 * being built separately and replaces the body of this function.
 */
import type * as vscode from 'vscode';
import type { AttentionKind, AttentionSliceRequest, InspectResult } from '../engine/types';
import type { ExportChoice, ResultExporter } from '../export/resultExporter';
import type { ShownHeld } from './shownResult';

/** What the export reads a held result's attention through (the `InspectionRunner`). */
export interface SliceSource {
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

export async function exportHeld(
  shown: ShownHeld,
  choice: ExportChoice,
  exporter: ResultExporter,
  engine: SliceSource,
): Promise<vscode.Uri | undefined> {
  return exporter.export({ ...shown, result: await wholeResult(shown, engine) }, choice);
}

/** Every layer of every stack of `shown`, as the full result the exporter reads. */
export async function wholeResult(shown: ShownHeld, engine: SliceSource): Promise<InspectResult> {
  const { resultId: _id, stacks, seq2seq, ...meta } = shown.result;
  const layersOf = async (kind: AttentionKind): Promise<Float32Array[]> => {
    const stack = stacks.find((s) => s.kind === kind);
    const out: Float32Array[] = [];
    for (let layer = 0; layer < (stack?.layers ?? 0); layer++) {
      out.push(await engine.slice(shown.result.resultId, { kind, layer }));
    }
    return out;
  };
  const attentions = await layersOf('encoder');
  if (!seq2seq) return { ...meta, attentions };
  return {
    ...meta,
    attentions,
    seq2seq: {
      ...seq2seq,
      decoderAttentions: await layersOf('decoder'),
      crossAttentions: await layersOf('cross'),
    },
  };
}
