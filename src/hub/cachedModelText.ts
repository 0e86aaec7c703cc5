/** How a cached model is described to people, in the model picker and by `cli.js models`. */
import type { CachedModel, SkippedEntry } from './hubCache';
import { revisionLabel } from './hubCache';
import { formatBytes } from './progressText';

/** `main · gpt2 (decoder) · 12 layers × 12 heads · 622.6 MB · fp32, fp16` */
export function cachedModelSummary(model: CachedModel): string {
  const shape =
    model.layers !== undefined && model.heads !== undefined
      ? ` · ${model.layers} layers × ${model.heads} heads`
      : '';
  const kind = model.architecture ? ` (${model.architecture})` : '';
  return `${revisionLabel(model)} · ${model.family}${kind}${shape} · ${formatBytes(model.bytes)} · ${model.variants.join(', ')}`;
}

/** `org/name@1a2b3c4`, the name `--model` takes for this revision. */
export function cachedModelName(model: CachedModel): string {
  return `${model.repo}@${model.refs[0] ?? model.commit.slice(0, 7)}`;
}

/** `org/name@1a2b3c4: no ONNX graph …` */
export function skippedLine(entry: SkippedEntry): string {
  const revision = entry.commit ? `@${entry.commit.slice(0, 7)}` : '';
  return `${entry.repo || entry.dir}${revision}: ${entry.reason}`;
}
