import onnxProto from 'onnx-proto';
import type { onnx } from 'onnx-proto';
import { int64 } from './graphIndex';
import { modelError } from '../modelError';

/**
 * Default-domain (`ai.onnx`) opsets onnxruntime-web 1.30 runs: it refuses models stamped
 * above 26 and only guarantees 7 and up (checked by test/unit/graph/opsetRange.test.ts).
 */
export const SUPPORTED_OPSETS = { min: 7, max: 26 } as const;

/** Operator domains onnxruntime-web has kernels for; custom-op libraries cannot be loaded. */
const KNOWN_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft']);

/**
 * Decodes `model.onnx` and checks what onnxruntime-web needs before anything else looks at
 * it: a graph, a supported opset, known operator domains. External weights are checked and
 * read by folder/externalData.ts.
 */
export function decodeOnnx(bytes: Uint8Array, label: string, file = 'model.onnx'): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnxProto.onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw corrupt(label, file, `(${(error as Error).message})`);
  }
  const graph = model.graph;
  if (!graph || (graph.node ?? []).length === 0 || (graph.output ?? []).length === 0) {
    throw corrupt(label, file, '(no graph, nodes or outputs)');
  }
  const fail = (what: string, advice: string) =>
    modelError('unsupportedOnnx', label, file, what, advice);
  const localFunctions = new Set((model.functions ?? []).map((f) => f.domain ?? ''));
  let defaultOpset: number | undefined;
  for (const entry of model.opsetImport ?? []) {
    const domain = entry.domain ?? '';
    if (domain === '' || domain === 'ai.onnx') defaultOpset = int64(entry.version);
    else if (!KNOWN_DOMAINS.has(domain) && !localFunctions.has(domain)) {
      throw fail(
        `uses operators of the custom domain "${domain}"`,
        'onnxruntime-web cannot load custom operators; re-export the model with standard ONNX ops.',
      );
    }
  }
  const { min, max } = SUPPORTED_OPSETS;
  if (defaultOpset === undefined || defaultOpset < min || defaultOpset > max) {
    throw fail(
      `has opset ${defaultOpset ?? '(none)'}, but onnxruntime-web 1.30 supports opsets ${min}–${max}`,
      `Re-export the model with an opset from ${min} to ${max} ` +
        '(e.g. torch.onnx.export(..., opset_version=17)).',
    );
  }
  return model;
}

function corrupt(label: string, file: string, detail: string) {
  return modelError(
    'corruptOnnx',
    label,
    file,
    `not a valid ONNX model; the file is truncated or corrupt ${detail}`,
    `Export or download ${file} again.`,
  );
}
