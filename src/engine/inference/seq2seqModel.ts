/**
 * An encoder-decoder model with its sessions: the encoder runs once over the source; the
 * decoder runs one full pass (no cache) over the decoder tokens — teacher-forced on a given
 * target, or after greedy decoding chose them (from the key/value cache when the folder has
 * a cache graph, decoderCache.ts) — and that pass's attentions are the result.
 */
import type * as ort from 'onnxruntime-web';
import { extractAttention } from '../attention/extractAttention';
import { EngineRunError } from '../errors';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import type { Seq2SeqFolder } from '../folder/seq2seqFolder';
import { ENCODER_ATTENTION_MASK } from '../folder/seq2seqDecoder';
import { ENCODER_HIDDEN_STATES } from '../graph/decoderAttention';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import type { ModelInfo } from '../types';
import {
  type CacheStepGraph,
  cacheOutputs,
  type DecoderCache,
  encoderMask,
  keepCache,
  stepFeeds,
} from './decoderCache';
import { modelError } from '../modelError';
import { makeFeeds } from './graphFeeds';
import { type GreedySource, greedyNext, isNoNextToken } from './greedyNext';
import { checkHeads, logitsOf } from './seq2seqOutputs';
import { type InferenceSession, ortMessage } from './ortRuntime';
import type { Seq2SeqWhatMoves } from './seq2seqWhatMoves';

/** The encoder's output for one source. */
export interface EncodedSource {
  /** `[1, S, hidden]` (float32, or float16 from a float16 export), fed to every decoder pass. */
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

/** A full (no-past) decoder pass's inputs: the decoder ids and the encoder's output. */
export function decoderFeeds(
  decoder: Pick<Seq2SeqFolder['decoder'], 'feeds' | 'takesEncoderMask'>,
  source: Pick<EncodedSource, 'hidden' | 'sourceLength'>,
  decoderIds: readonly number[],
): Record<string, ort.Tensor> {
  const feeds = makeFeeds(decoder.feeds, decoderIds);
  feeds[ENCODER_HIDDEN_STATES] = source.hidden;
  if (decoder.takesEncoderMask) {
    feeds[ENCODER_ATTENTION_MASK] = encoderMask(source.sourceLength);
  }
  return feeds;
}

/** The cache graph's session, made on first use, and how to free it. */
export type CacheStepLoader = (() => Promise<CacheStepGraph | undefined>) & {
  release(): Promise<void>;
};

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
    /** The cache graph's session for greedy decoding, made on first use; none: full passes. */
    private readonly cacheStep?: CacheStepLoader,
  ) {}

  /** Where value norms and head writes come from when a view asks (issue 24); none: not offered. */
  whatMoves?: Seq2SeqWhatMoves;

  /** Frees the sessions' memory in the WASM heap (all sessions share one heap). */
  async release(): Promise<void> {
    await Promise.all([
      this.whatMoves?.release(),
      this.encoderSession.release(),
      this.decoderSession.release(),
      this.cacheStep?.release(),
    ]);
  }

  private get greedySource(): GreedySource {
    return {
      label: this.folder.encoder.label,
      graphFile: this.folder.decoder.graphFile,
      bannedFrom: this.folder.generation.bannedFrom,
    };
  }

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
    // Passed to the decoder as it comes: a float16 export's decoder takes float16 states.
    if (hidden?.type !== 'float32' && hidden?.type !== 'float16') {
      throw modelError(
        'missingGraphName',
        encoder.label,
        encoder.graphFile,
        'gave no float "last_hidden_state" output',
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
    const logits = logitsOf(outputs, decoder.logitsOutput);
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
   * after an EOS; `checkCancelled` runs between steps. Returns the ids, the final full pass
   * (its attention is the result) and the graph the tokens were continued with: a cache
   * graph (decoderCache.ts) when the folder has one, else full passes.
   */
  async greedy(
    source: EncodedSource,
    maxNewTokens: number,
    checkCancelled: () => void,
  ): Promise<{ ids: number[]; stoppedAtEos: boolean; pass: DecoderPass; steppedWith: string }> {
    const step = await this.cacheStep?.();
    const cached = step && (await this.greedyFromCache(step, source, maxNewTokens, checkCancelled));
    const chosen = cached ?? (await this.greedyFullPasses(source, maxNewTokens, checkCancelled));
    checkCancelled();
    return {
      ...chosen,
      pass: await this.decode(source, chosen.ids),
      steppedWith: cached && step ? step.graphFile : this.folder.decoder.graphFile,
    };
  }

  /** One full pass per new token, over all the tokens so far. */
  async greedyFullPasses(
    source: EncodedSource,
    maxNewTokens: number,
    checkCancelled: () => void,
  ): Promise<{ ids: number[]; stoppedAtEos: boolean }> {
    const { generation } = this.folder;
    const ids = [generation.decoderStartId];
    let stoppedAtEos = false;
    for (let step = 0; step < maxNewTokens && !stoppedAtEos; step++) {
      checkCancelled();
      const { nextLogits } = await this.decode(source, ids, false);
      const next = greedyNext(nextLogits, generation.bannedIds, this.greedySource);
      ids.push(next);
      stoppedAtEos = generation.eosIds.includes(next);
    }
    return { ids, stoppedAtEos };
  }

  /**
   * The same tokens from the cache: a full pass over the start token, then one cache step per
   * new token. Undefined when the graphs do not fit together (no cache outputs, an input we
   * cannot fill) or a step fails: the caller then decodes with full passes.
   */
  private async greedyFromCache(
    step: CacheStepGraph,
    source: EncodedSource,
    maxNewTokens: number,
    checkCancelled: () => void,
  ): Promise<{ ids: number[]; stoppedAtEos: boolean } | undefined> {
    const { generation, decoder } = this.folder;
    const presents = cacheOutputs(this.decoderSession.outputNames);
    if (presents.length === 0) return undefined;
    const ids = [generation.decoderStartId];
    const cache: DecoderCache = new Map();
    let stoppedAtEos = false;
    try {
      const first = await this.decoderSession.run(decoderFeeds(decoder, source, ids), [
        decoder.logitsOutput,
        ...presents,
      ]);
      keepCache(cache, first, true);
      let logits = logitsOf(first, decoder.logitsOutput);
      for (let made = 0; made < maxNewTokens && !stoppedAtEos; made++) {
        if (made > 0) {
          checkCancelled();
          const feeds = stepFeeds(step, source, ids.at(-1)!, cache);
          if (!feeds) return undefined;
          const fetches = [decoder.logitsOutput, ...cacheOutputs(step.session.outputNames)];
          const outputs = await step.session.run(feeds, fetches);
          keepCache(cache, outputs, false);
          logits = logitsOf(outputs, decoder.logitsOutput);
        }
        const next = greedyNext(logits, generation.bannedIds, this.greedySource); // [1, 1, vocab]
        ids.push(next);
        stoppedAtEos = generation.eosIds.includes(next);
      }
    } catch (error) {
      // Cancelled, or no id can be chosen (the full passes would find the same).
      if (error instanceof EngineRunError || isNoNextToken(error)) throw error;
      return undefined;
    }
    return { ids, stoppedAtEos };
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
