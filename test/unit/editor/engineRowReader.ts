/** The editor hover's RowReader (src/editor/rowReader.ts) over a real engine, its asks recorded. */
import type { Engine } from '../../../src/engine/engine';
import type { AttentionSliceRequest } from '../../../src/engine/types';
import { RowReader } from '../../../src/editor/rowReader';

/** A reader whose slices the engine answers; `asked` holds every request, in order. */
export function engineRowReader(engine: Engine): {
  reader: RowReader;
  asked: AttentionSliceRequest[];
} {
  const asked: AttentionSliceRequest[] = [];
  const reader = new RowReader({
    slice: (resultId, request) => {
      asked.push(request);
      return engine.slice(resultId, request);
    },
  });
  return { reader, asked };
}

/** Largest |a − b| over two arrays of the same length. */
export const maxDiff = (a: Float32Array, b: ArrayLike<number>): number =>
  a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i])), 0);
