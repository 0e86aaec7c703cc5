import { droppedExecutionFields } from '../graph/droppedFields';
import { modelError } from '../modelError';

/** Refuses to edit a graph whose re-encoding would drop fields that change execution. */
export function refuseLossyEdit(bytes: Uint8Array, label: string, file: string): void {
  const dropped = droppedExecutionFields(bytes);
  if (dropped.length === 0) return;
  const first = dropped[0];
  throw modelError(
    'unsupportedOnnx',
    label,
    file,
    `uses ${first.field} (${first.where}${dropped.length > 1 ? ` and ${dropped.length - 1} more` : ''}), a field newer than ` +
      'the ONNX 1.10 schema our graph editor reads; exposing attention would drop it and change what the model computes',
    'List the attention outputs in a manifest.json ("outputs.attentions"), so that no edit is needed, or export without local-function overloads.',
  );
}
