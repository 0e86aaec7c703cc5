/**
 * Encoder and decoder graphs pass hidden states between them: a float16 export (fp16,
 * q4f16) gives and takes float16, every other variant float32. A mismatched pair would fail
 * inside onnxruntime with a type error; it is refused at load, naming the variants present.
 */
import { modelError } from '../modelError';
import type { GraphFile } from './onnxGraphFiles';

/** Variants whose graphs pass float16 states between encoder and decoder. */
const HALF_STATES: ReadonlySet<string> = new Set(['fp16', 'q4f16']);

/** A float16 encoder cannot feed a float32 decoder, nor the reverse: say so before a run. */
export function checkPrecisions(
  encoder: GraphFile,
  decoder: GraphFile,
  encoders: readonly GraphFile[],
  decoders: readonly GraphFile[],
  label: string,
): void {
  if (HALF_STATES.has(encoder.variant) === HALF_STATES.has(decoder.variant)) return;
  const width = (file: GraphFile) => (HALF_STATES.has(file.variant) ? 'float16' : 'float32');
  const variants = (files: readonly GraphFile[]) =>
    [...new Set(files.map((f) => f.variant))].join(', ');
  throw modelError(
    'unsupportedOnnx',
    label,
    decoder.path,
    `takes ${width(decoder)} encoder states, but the encoder chosen, ${encoder.path} (${encoder.variant}), gives ${width(encoder)}: the precisions differ (encoders here: ${variants(encoders)}; decoders: ${variants(decoders)})`,
    'Add the encoder and decoder of one variant (e.g. encoder_model_fp16.onnx with decoder_model_fp16.onnx, or both fp32).',
  );
}
