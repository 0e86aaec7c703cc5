/** What ran, for ModelInfo and the export's `source` block (docs/attention-json.md). */
import type { ModelSource } from '../types';
import type { LoadedModelFolder } from './loadModelFolder';
import { parseGraphFile } from './onnxGraphFiles';

export function modelSource(
  folder: Pick<LoadedModelFolder, 'graphFile' | 'facts' | 'manifest' | 'notes'>,
): ModelSource {
  const counts = new Map<string, number>();
  for (const { op } of folder.facts.unfused) counts.set(op, (counts.get(op) ?? 0) + 1);
  return {
    graphFile: folder.graphFile,
    variant: parseGraphFile(folder.graphFile)?.variant ?? 'fp32',
    precision: folder.facts.precision,
    rewritten: [...counts].map(([op, nodes]) => ({ op, nodes })),
    facts: folder.manifest.factsFrom ?? 'manifest.json',
    notes: folder.notes,
  };
}
