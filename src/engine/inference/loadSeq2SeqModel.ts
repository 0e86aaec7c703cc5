/**
 * Loads an encoder-decoder folder (seq2seqFolder.ts) into a `Seq2SeqModel`: its tokenizer,
 * an onnxruntime session per graph, and the model facts shown with the result.
 */
import { EngineRunError } from '../errors';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { ModelFiles } from '../folder/modelFiles';
import { modelInfo } from '../folder/manifest';
import { readSeq2SeqFolder } from '../folder/seq2seqFolder';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import { decodeOnnx, SUPPORTED_OPSETS } from '../graph/decodeOnnx';
import { readExternalData } from '../folder/externalData';
import type { onnx } from 'onnx-proto';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import type { ModelInfo } from '../types';
import type { CacheStepGraph } from './decoderCache';
import { createSession, type InferenceSession } from './ortRuntime';
import { type CacheStepLoader, Seq2SeqModel } from './seq2seqModel';

export async function loadSeq2SeqModel(
  files: ModelFiles,
  modelDir: string,
  tokenizerOf: (
    folder: Pick<LoadedModelFolder, 'label' | 'tokenizerJson' | 'tokenizerConfig'>,
  ) => TextTokenizer,
  variant?: GraphVariant,
): Promise<Seq2SeqModel> {
  const folder = await readSeq2SeqFolder(files, variant);
  const tokenizer = tokenizerOf(folder.encoder);
  const session = async (
    file: string,
    bytes: Uint8Array,
    data: { path: string; data: Uint8Array }[],
  ): Promise<InferenceSession> => {
    try {
      return await createSession(bytes, data, file);
    } catch (error) {
      throw new EngineRunError(
        `${file} in ${modelDir} could not be loaded by ONNX Runtime: ${error instanceof Error ? error.message : String(error)}. Re-export the model (opset ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}) or pick another model folder.`,
        'badModel',
      );
    }
  };
  const encoderSession = await session(
    folder.encoder.graphFile,
    folder.encoder.onnxBytes,
    folder.encoder.externalData,
  );
  const decoderSession = await session(
    folder.decoder.graphFile,
    folder.decoder.onnxBytes,
    folder.decoder.externalData,
  );
  const info: ModelInfo = {
    ...modelInfo(folder.encoder.manifest, modelDir),
    graphFile: folder.encoder.graphFile,
    decoderGraphFile: folder.decoder.graphFile,
    decoderLayers: folder.decoderLayers,
    decoderHeads: folder.decoderHeads,
  };
  if (folder.notes.length > 0) info.notes = folder.notes;
  // Dropping the bytes keeps one copy of each graph (in its session), not two.
  const { onnxBytes: _e, externalData: _ed, ...encoder } = folder.encoder;
  const { onnxBytes: _d, externalData: _dd, ...decoder } = folder.decoder;
  return new Seq2SeqModel(
    info,
    { ...folder, encoder, decoder },
    tokenizer,
    encoderSession,
    decoderSession,
    folder.cacheSteps && cacheStepLoader(files, folder.cacheSteps, decoderSession),
  );
}

/**
 * The cache graph's session, made once on first use: the merged decoder is the session the
 * model already has; `decoder_with_past_model.onnx` is read then (a folder whose user never
 * generates does not pay for it). A graph that cannot be read or loaded gives undefined:
 * greedy decoding then uses full passes, as it did before cache graphs were used.
 */
function cacheStepLoader(
  files: ModelFiles,
  steps: { graphFile: string; merged: boolean },
  decoderSession: InferenceSession,
): CacheStepLoader {
  let made: Promise<CacheStepGraph | undefined> | undefined;
  const make = async (): Promise<CacheStepGraph | undefined> => {
    if (steps.merged) return { session: decoderSession, graphFile: steps.graphFile };
    try {
      const bytes = await files.read(steps.graphFile);
      if (!bytes) return undefined;
      const graph = decodeOnnx(bytes, files.label, steps.graphFile).graph as onnx.IGraphProto;
      const data = await readExternalData(files, graph, steps.graphFile);
      return {
        session: await createSession(bytes, data, steps.graphFile),
        graphFile: steps.graphFile,
      };
    } catch {
      return undefined;
    }
  };
  const load = () => {
    made ??= make();
    return made;
  };
  return Object.assign(load, {
    // The merged decoder's session is the model's own: released with it, not here.
    release: async () => {
      const step = await made;
      if (step && !steps.merged) await step.session.release();
    },
  });
}
