/** The tensors one run feeds a graph, from the plan of its inputs (folder/feedPlan.ts). */
import * as ort from 'onnxruntime-web';
import type { FeedSpec } from '../folder/feedPlan';
import { int64Input } from './ortRuntime';

/** The tensors for one run over `ids` (batch 1, no past). */
export function makeFeeds(
  specs: readonly FeedSpec[],
  ids: readonly number[],
): Record<string, ort.Tensor> {
  const n = ids.length;
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    switch (spec.kind) {
      case 'inputIds':
        feeds[spec.name] = int64Input(ids);
        break;
      case 'attentionMask':
        feeds[spec.name] = int64Input(new Array<number>(n).fill(1));
        break;
      case 'tokenTypeIds':
        feeds[spec.name] = int64Input(new Array<number>(n).fill(0));
        break;
      case 'positionIds':
        feeds[spec.name] = int64Input(Array.from({ length: n }, (_, i) => i));
        break;
      case 'emptyPast':
        feeds[spec.name] = new ort.Tensor(
          spec.type,
          spec.type === 'float16' ? new Uint16Array(0) : new Float32Array(0),
          spec.dims,
        );
        break;
      case 'useCacheBranch':
        feeds[spec.name] = new ort.Tensor('bool', [false], [1]);
        break;
      case 'numLogitsToKeep':
        feeds[spec.name] = new ort.Tensor('int64', new BigInt64Array(1), []);
        break;
    }
  }
  return feeds;
}
