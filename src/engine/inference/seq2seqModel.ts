/**
 * An encoder-decoder model with its two sessions: the encoder runs once over the source;
 * the decoder runs full passes (no cache) over the decoder tokens, either teacher-forced on
 * a given target or greedily, one full pass per new token (correctness first: the with-past
 * graph would not give the attention rows of earlier tokens), then the final pass's
 * attentions are the result.
 */
import * as ort from 'onnxruntime-web';
import { extractAttention } from '../attention/extractAttention';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { Seq2SeqFolder } from '../folder/seq2seqFolder';
import { ENCODER_ATTENTION_MASK } from '../folder/seq2seqDecoder';
import { ENCODER_HIDDEN_STATES } from '../graph/decoderAttention';
import { modelError } from '../modelError';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import type { ModelInfo } from '../types';
import { makeFeeds } from './graphFeeds';
import { type InferenceSession, ortMessage } from './ortRuntime';

/** The encoder's output for one source. */
export interface EncodedSource {
  /** `[1, S, hidden]`, fed to every decoder pass. */
  hidden: ort.Tensor;
  sourceLength: number;
  /** Per encoder layer `[heads, S, S]`. */
  attentions: Float32Array[];
}

/** One decoder pass over `T` decoder tokens. */
export interface DecoderPass {
  /** Per decoder layer `[heads, T, T]`. */
  selfAttentions: Float32Array[];
  /** Per decoder layer `[heads, T, S]`. */
  crossAttentions: Float32Array[];
  /** The last position's logits (`[vocab]`): what comes next. */
  nextLogits: Float32Array;
}

/**
 * Refuses attention outputs over another number of heads than the config states, before
 * they are read as if they had that many (the message names the config field).
 */
function checkHeads(
  outputs: Record<string, ort.Tensor | undefined>,
  names: string[],
  heads: number,
  from: string,
  where: { label: string; file: string },
): void {
  const dims = outputs[names[0] ?? '']?.dims;
  if (dims?.length === 4 && dims[1] !== heads) {
    throw modelError(
      'badAttentionShape',
      where.label,
      where.file,
      `computes attention over ${dims[1]} heads, but ${from} says ${heads}`,
      'Use the config.json saved with this graph.',
    );
  }
}

/** The greedy choice after the last position: the best id that is not banned. */
export function greedyNext(logits: Float32Array, banned: readonly number[]): number {
  let best = -1;
  for (let id = 0; id < logits.length; id++) {
    if (banned.includes(id)) continue;
    if (best < 0 || logits[id]! > logits[best]!) best = id;
  }
  return best;
}

/** A full (no-past) decoder pass's inputs: the decoder ids and the encoder's output. */
export function decoderFeeds(
  decoder: Pick<Seq2SeqFolder['decoder'], 'feeds' | 'takesEncoderMask'>,
  source: Pick<EncodedSource, 'hidden' | 'sourceLength'>,
  decoderIds: readonly number[],
): Record<string, ort.Tensor> {
  const feeds = makeFeeds(decoder.feeds, decoderIds);
  feeds[ENCODER_HIDDEN_STATES] = source.hidden;
  if (decoder.takesEncoderMask) {
    feeds[ENCODER_ATTENTION_MASK] = new ort.Tensor(
      'int64',
      new BigInt64Array(source.sourceLength).fill(1n),
      [1, source.sourceLength],
    );
  }
  return feeds;
}

export class Seq2SeqModel {
  constructor(
    readonly info: ModelInfo,
    /** The validated folder, without its ONNX bytes: the sessions hold the graphs now. */
    readonly folder: Omit<Seq2SeqFolder, 'encoder' | 'decoder'> & {
      encoder: Omit<LoadedModelFolder, 'onnxBytes' | 'externalData'>;
      decoder: Omit<Seq2SeqFolder['decoder'], 'onnxBytes' | 'externalData'>;
    },
    readonly tokenizer: TextTokenizer,
    private readonly encoderSession: InferenceSession,
    private readonly decoderSession: InferenceSession,
  ) {}

  async encode(ids: readonly number[]): Promise<EncodedSource> {
    const { encoder } = this.folder;
    const outputs = await this.encoderSession
      .run(makeFeeds(encoder.feeds, ids), [...encoder.attentionOutputs, 'last_hidden_state'])
      .catch((error: unknown) => {
        throw runFailure(
          error,
          `${ids.length} source tokens`,
          this.folder.encoder.label,
          encoder.graphFile,
        );
      });
    const hidden = outputs.last_hidden_state;
    if (hidden?.type !== 'float32') {
      throw modelError(
        'missingGraphName',
        encoder.label,
        encoder.graphFile,
        'gave no float32 "last_hidden_state" output',
        'Export the encoder with optimum-cli export onnx --task text2text-generation.',
      );
    }
    const names = encoder.attentionOutputs;
    checkHeads(outputs, names, encoder.manifest.heads, this.folder.headsFrom.encoder, {
      label: encoder.label,
      file: encoder.graphFile,
    });
    const attentions = extractAttention(
      names.map((n) => outputs[n]),
      names,
      encoder.manifest.heads,
      ids.length,
      encoder.label,
      encoder.graphFile,
    );
    return { hidden, sourceLength: ids.length, attentions };
  }

  /** A full decoder pass over `decoderIds` (decoder start token first). */
  async decode(
    source: EncodedSource,
    decoderIds: readonly number[],
    withAttention = true,
  ): Promise<DecoderPass> {
    const { decoder } = this.folder;
    const t = decoderIds.length;
    const feeds = decoderFeeds(decoder, source, decoderIds);
    const fetches = withAttention
      ? [decoder.logitsOutput, ...decoder.selfOutputs, ...decoder.crossOutputs]
      : [decoder.logitsOutput];
    const outputs = await this.decoderSession.run(feeds, fetches).catch((error: unknown) => {
      throw runFailure(error, `${t} decoder tokens`, this.folder.encoder.label, decoder.graphFile);
    });
    const logits = outputs[decoder.logitsOutput]!.data as Float32Array;
    const vocab = logits.length / t;
    const nextLogits = logits.subarray((t - 1) * vocab, t * vocab);
    if (!withAttention) return { selfAttentions: [], crossAttentions: [], nextLogits };
    const heads = this.folder.decoderHeads;
    const label = this.folder.encoder.label;
    const pick = (names: string[]) => names.map((n) => outputs[n]);
    for (const names of [decoder.selfOutputs, decoder.crossOutputs]) {
      checkHeads(outputs, names, heads, this.folder.headsFrom.decoder, {
        label,
        file: decoder.graphFile,
      });
    }
    return {
      selfAttentions: extractAttention(
        pick(decoder.selfOutputs),
        decoder.selfOutputs,
        heads,
        t,
        label,
        decoder.graphFile,
      ),
      crossAttentions: extractAttention(
        pick(decoder.crossOutputs),
        decoder.crossOutputs,
        heads,
        t,
        label,
        decoder.graphFile,
        source.sourceLength,
      ),
      nextLogits,
    };
  }

  /**
   * Greedy decoding from the decoder start token, up to `maxNewTokens` new tokens, stopping
   * after an EOS; `checkCancelled` runs between steps. Returns the ids and the last pass.
   */
  async greedy(
    source: EncodedSource,
    maxNewTokens: number,
    checkCancelled: () => void,
  ): Promise<{ ids: number[]; stoppedAtEos: boolean; pass: DecoderPass }> {
    const { generation } = this.folder;
    const ids = [generation.decoderStartId];
    let stoppedAtEos = false;
    for (let step = 0; step < maxNewTokens && !stoppedAtEos; step++) {
      checkCancelled();
      const { nextLogits } = await this.decode(source, ids, false);
      const next = greedyNext(nextLogits, generation.bannedIds);
      ids.push(next);
      stoppedAtEos = generation.eosIds.includes(next);
    }
    checkCancelled();
    return { ids, stoppedAtEos, pass: await this.decode(source, ids) };
  }
}

function runFailure(error: unknown, what: string, label: string, file: string): Error {
  const said = ortMessage(error);
  return modelError(
    'runFailed',
    label,
    file,
    `failed on ${what} inside onnxruntime (${said})`,
    'If the graph cannot take that many tokens, inspect a shorter text; otherwise re-export the model.',
  );
}
