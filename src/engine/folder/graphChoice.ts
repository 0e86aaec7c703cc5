/**
 * Which graph file of an export folder to run: the best by `rankGraphFiles` (plain fp32
 * first; a quantized or half-precision file only when it is the only one), or the first
 * of the variant the user asked for when the folder has it.
 */
import { modelError } from '../modelError';
import {
  parseGraphFile,
  rankGraphFiles,
  type GraphFile,
  type GraphVariant,
} from './onnxGraphFiles';

/** The choice, the alternatives and what to tell the user about it. */
export interface GraphChoice {
  chosen: GraphFile;
  /** Every runnable graph file of the folder, best first. */
  ranked: GraphFile[];
  notes: string[];
}

export function chooseGraphFile(
  paths: readonly string[],
  label: string,
  variant?: GraphVariant,
): GraphChoice {
  const ranked = rankGraphFiles(paths);
  if (ranked.length === 0) {
    const graphs = paths.filter((p) => p.endsWith('.onnx'));
    const encoderDecoder = graphs.some((p) => parseGraphFile(p)?.role === 'encoder');
    throw modelError(
      'missingFile',
      label,
      graphs[0] ?? 'model.onnx',
      graphs.length === 0
        ? 'not found: the folder has no ONNX graph (model.onnx at the top or onnx/*.onnx)'
        : `is not a graph this version can run alone (found ${graphs.join(', ')})`,
      encoderDecoder
        ? 'Encoder-decoder exports (encoder_model.onnx + decoder_model.onnx) are not supported yet; pick a decoder-only or encoder-only model.'
        : 'Export the model with optimum-cli export onnx (model.onnx), or use a Transformers.js folder with onnx/model.onnx.',
    );
  }
  const notes: string[] = [];
  let chosen = ranked[0];
  if (variant !== undefined && variant !== chosen.variant) {
    const wanted = ranked.find((file) => file.variant === variant);
    if (wanted) chosen = wanted;
    else
      notes.push(`No ${variant} graph in this folder; using ${chosen.path} (${chosen.variant}).`);
  }
  if (chosen.variant !== 'fp32') {
    notes.push(
      `${chosen.path} has ${chosen.variant} weights: its attention approximates the fp32 model's.`,
    );
  }
  const merged = ranked.find((file) => file.role === 'decoderMerged');
  if (merged && chosen.role !== 'decoderMerged' && chosen.variant === merged.variant) {
    notes.push(`${chosen.path} preferred to ${merged.path} (no If to edit).`);
  }
  return { chosen, ranked, notes };
}
