/**
 * Next-token predictions inside ONNX Runtime: a two-node graph (Softmax over the vocabulary,
 * then TopK) run by its own small session on the model's logits. ONNX Runtime's vectorised
 * kernels do in a few milliseconds what a JavaScript softmax over 512 × 8k logits took longer
 * than the forward pass for (docs/performance.md).
 */
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import type { Prediction } from '../types';
import { modelError } from '../modelError';
import { createSession } from './ortRuntime';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;
const INT = onnx.AttributeProto.AttributeType.INT;

/** Next-token predictions kept per position unless the caller asks for another number. */
export const DEFAULT_TOP_PREDICTIONS = 5;

function tensorInfo(name: string, elemType: number, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  });
}

/** `logits [n, vocab]`, `k [1]` → `probs [n, k]` (softmax probabilities), `ids [n, k]`. */
export function predictionGraph(): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'attention-inspector',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'top_predictions',
      input: [tensorInfo('logits', FLOAT, ['n', 'vocab']), tensorInfo('k', INT64, [1])],
      output: [tensorInfo('probs', FLOAT, ['n', 'k']), tensorInfo('ids', INT64, ['n', 'k'])],
      node: [
        {
          opType: 'Softmax',
          input: ['logits'],
          output: ['softmax'],
          attribute: [{ name: 'axis', type: INT, i: -1 }],
        },
        {
          opType: 'TopK',
          input: ['softmax', 'k'],
          output: ['probs', 'ids'],
          attribute: [{ name: 'axis', type: INT, i: -1 }],
        },
      ],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

let session: Promise<ort.InferenceSession> | undefined;

function predictionSession(): Promise<ort.InferenceSession> {
  if (!session) {
    const created = createSession(predictionGraph());
    session = created;
    // A failed start is not kept: the next run tries again (and reports what went wrong).
    created.catch(() => {
      if (session === created) session = undefined;
    });
  }
  return session;
}

/**
 * Starts ONNX Runtime now: its WASM compiles off the main thread while the caller goes on
 * (reading and checking a model folder), so the first inspection waits less for it. Never
 * rejects: a runtime that cannot start is reported by the run that needs it.
 */
export function warmUpRuntime(): Promise<void> {
  return predictionSession().then(
    () => undefined,
    () => undefined,
  );
}

/**
 * `logits` is `[N, vocab]` row-major; returns per position the `k` most probable next
 * tokens with softmax probabilities. `decode` spells a single token id
 * (called per kept prediction: memoise it, as `LoadedModel.spell` does).
 */
export async function topPredictions(
  logits: Float32Array,
  positions: number,
  k: number,
  decode: (id: number) => string,
  /** The graph the logits came from, named when they hold NaN. */
  source: { label: string; graphFile: string } = { label: 'the model', graphFile: 'its graph' },
): Promise<Prediction[][]> {
  const vocab = logits.length / positions;
  const kept = Math.min(k, vocab);
  const outputs = await (await predictionSession()).run({
    logits: new ort.Tensor('float32', logits, [positions, vocab]),
    k: new ort.Tensor('int64', BigInt64Array.of(BigInt(kept)), [1]),
  });
  return toPredictions(
    outputs.probs.data as Float32Array,
    outputs.ids.data as BigInt64Array,
    positions,
    kept,
    decode,
    source,
  );
}

/**
 * `[positions, kept]` probabilities and ids (most probable first) as predictions; a NaN is
 * refused, naming the graph: it would be exported as `"prob": null`.
 */
export function toPredictions(
  probs: Float32Array,
  ids: BigInt64Array,
  positions: number,
  kept: number,
  decode: (id: number) => string,
  source: { label: string; graphFile: string },
): Prediction[][] {
  const broken = probs.findIndex(Number.isNaN);
  if (broken >= 0) {
    throw modelError(
      'runFailed',
      source.label,
      source.graphFile,
      `gave NaN logits at position ${Math.floor(broken / Math.max(kept, 1))}, so its next-token predictions have no probabilities`,
      'The weights or the export are broken: re-export the model.',
    );
  }
  return Array.from({ length: positions }, (_, p) =>
    Array.from({ length: kept }, (_, r) => {
      const id = Number(ids[p * kept + r]);
      return { id, text: decode(id), prob: probs[p * kept + r] };
    }),
  );
}
