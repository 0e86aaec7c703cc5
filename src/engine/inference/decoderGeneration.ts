/**
 * A decoder-only model writing a continuation, token by token (issue 23). It runs the
 * manifest's `generationGraph` where there is one (the bundled model: the same weights with
 * a cache, folder/generationGraph.ts), else the folder's graph as exported (logits and
 * `present.*` outputs; the inspection's session has
 * neither, its graph keeps only what attention is recomputed from), in a session of its own
 * (generationSessions.ts keeps it with its model). With past inputs and present outputs one
 * pass over the prompt fills the key/value cache and each new token is one step over that
 * token alone, as Transformers.js generates; a graph without them is re-run over every token
 * so far. The attention shown comes later from one full causal pass over the finished sequence.
 */
import type * as ort from 'onnxruntime-web';
import { asFloat32 } from '../attention/extractAttention';
import { EngineRunError } from '../errors';
import type { FeedSpec } from '../folder/feedPlan';
import {
  type GenerationGraph,
  type GenerationGraphFolder,
  readGenerationGraph,
} from '../folder/generationGraph';
import type { ModelFiles } from '../folder/modelFiles';
import { modelError } from '../modelError';
import { enterStage, tokenStage } from '../stage';
import { cacheOutputs, type DecoderCache, keepCache } from './decoderCache';
import { makeFeeds } from './graphFeeds';
import { isNoNextToken } from './greedyNext';
import type { NextTokenChoice } from './nextTokenChoice';
import { createSession, type InferenceSession, int64Input, ortMessage, Tensor } from './ortRuntime';

/** The folder facts a generation session needs. */
export type GenerationFolder = GenerationGraphFolder;

/** How one continuation goes. */
export interface ContinuationRun {
  promptIds: readonly number[];
  maxNewTokens: number;
  choose: NextTokenChoice;
  /** The first ids, forced (a fork): each still takes its draw of `choose`. */
  forced?: readonly number[];
  eosIds: ReadonlySet<number>;
  /** Stop after a token for which this is true (the newline rule), the token kept. */
  stopsAfter?: (id: number) => boolean;
  /** Throws to cancel; called before every pass. */
  checkCancelled: () => void;
  /** Told after each new token (progress). */
  onToken?: (made: number) => void;
  /** Force full passes even where the graph has a cache (tests compare the two). */
  noCache?: boolean;
}

/** The continuation's ids and how they were made. */
export interface Continuation {
  ids: number[];
  stoppedAtEos: boolean;
  stoppedAtNewline: boolean;
  steppedWith: 'cache' | 'full';
  firstTokenMs: number;
  stepMs: number[];
}

/** The folder's generation graph (its own graph as exported, or the manifest's), in a session of its own. */
export class GenerationSession {
  private constructor(
    private readonly session: InferenceSession,
    private readonly label: string,
    private readonly graph: Pick<GenerationGraph, 'graphFile' | 'feeds'>,
    private readonly logits: string,
  ) {}

  /**
   * Reads the generation graph (the manifest's `generationGraph`, else the folder's graph
   * file again, with its external data) and makes its session.
   */
  static async open(files: ModelFiles, folder: GenerationFolder): Promise<GenerationSession> {
    const logits = folder.logitsOutput;
    if (!logits) {
      throw new EngineRunError(
        `${folder.label} has no logits output, so it cannot write a continuation: only decoders that predict the next token can.`,
        'badInput',
      );
    }
    const graph = await readGenerationGraph(files, folder);
    const session = await createSession(graph.bytes, graph.externalData, graph.graphFile);
    return new GenerationSession(session, folder.label, graph, logits);
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** Whether the graph continues from a key/value cache. */
  get hasCache(): boolean {
    return (
      cacheOutputs(this.session.outputNames).length > 0 &&
      this.graph.feeds.some((spec) => spec.kind === 'emptyPast')
    );
  }

  /** Writes the continuation: from the cache where the graph has one, else full passes. */
  async continueText(run: ContinuationRun): Promise<Continuation> {
    if (this.hasCache && !run.noCache) {
      const cached = await this.fromCache(run);
      if (cached) return cached;
    }
    return this.fullPasses(run);
  }

  private async fullPasses(run: ContinuationRun): Promise<Continuation> {
    const ids = [...run.promptIds];
    return this.loop(run, ids, 'full', async () => {
      const outputs = await this.run(makeFeeds(this.graph.feeds, ids), [this.logits], ids.length);
      return this.lastLogits(outputs);
    });
  }

  /**
   * The pass over the prompt keeps the cache; each step feeds the last token with the cache.
   * Undefined when a step needs an input the cache does not hold or onnxruntime refuses a
   * step: the caller then uses full passes.
   */
  private async fromCache(run: ContinuationRun): Promise<Continuation | undefined> {
    const ids = [...run.promptIds];
    const cache: DecoderCache = new Map();
    const presents = cacheOutputs(this.session.outputNames);
    try {
      return await this.loop(run, ids, 'cache', async (made) => {
        const feeds =
          made === 0
            ? makeFeeds(this.graph.feeds, ids)
            : cacheStepFeeds(this.graph.feeds, cache, ids);
        if (!feeds) throw new NoCacheStep();
        const outputs = await this.session.run(feeds, [this.logits, ...presents]);
        keepCache(cache, outputs, true);
        return this.lastLogits(outputs);
      });
    } catch (error) {
      if (error instanceof EngineRunError || isNoNextToken(error)) throw error;
      return undefined;
    }
  }

  /** Chooses tokens until a stop; `next(made)` gives the logits after `made` new tokens. */
  private async loop(
    run: ContinuationRun,
    ids: number[],
    steppedWith: Continuation['steppedWith'],
    next: (made: number) => Promise<Float32Array>,
  ): Promise<Continuation> {
    const stepMs: number[] = [];
    let firstTokenMs = 0;
    let stoppedAtEos = false;
    let stoppedAtNewline = false;
    for (let made = 0; made < run.maxNewTokens && !stoppedAtEos && !stoppedAtNewline; made++) {
      run.checkCancelled();
      enterStage(tokenStage(made, run.maxNewTokens, ids.length));
      const started = performance.now();
      const logits = await next(made);
      // A forced id still takes its draw, so a seeded fork samples on as its branch did.
      const drawn = run.choose(logits);
      const id = made < (run.forced?.length ?? 0) ? forcedId(run.forced![made]!, logits) : drawn;
      const took = performance.now() - started;
      if (made === 0) firstTokenMs = took;
      else stepMs.push(took);
      ids.push(id);
      stoppedAtEos = run.eosIds.has(id);
      stoppedAtNewline = !stoppedAtEos && (run.stopsAfter?.(id) ?? false);
      run.onToken?.(made + 1);
    }
    return {
      ids: ids.slice(run.promptIds.length),
      stoppedAtEos,
      stoppedAtNewline,
      steppedWith,
      firstTokenMs,
      stepMs,
    };
  }

  private async run(
    feeds: Record<string, ort.Tensor>,
    fetches: string[],
    tokens: number,
  ): Promise<Record<string, ort.Tensor>> {
    return this.session.run(feeds, fetches).catch((error: unknown) => {
      throw modelError(
        'runFailed',
        this.label,
        this.graph.graphFile,
        `failed on ${tokens} tokens inside onnxruntime while writing a continuation (${ortMessage(error)})`,
        'Ask for fewer new tokens or a shorter text; otherwise re-export the model.',
      );
    });
  }

  /** The last position's `[vocab]` logits (float16 converted). */
  private lastLogits(outputs: Record<string, ort.Tensor>): Float32Array {
    const tensor = outputs[this.logits];
    const values = tensor && asFloat32(tensor);
    const vocab = tensor ? Number(tensor.dims.at(-1)) : 0;
    if (!values || vocab <= 0) {
      throw modelError(
        'missingGraphName',
        this.label,
        this.graph.graphFile,
        `gave no float "${this.logits}" output`,
        'Export the model with its language-model head (optimum-cli export onnx --task text-generation-with-past).',
      );
    }
    return values.subarray(values.length - vocab);
  }
}

/** A forced id the model's vocabulary has, else a refusal. */
function forcedId(id: number, logits: Float32Array): number {
  if (id < logits.length) return id;
  throw new EngineRunError(
    `A fork forces token id ${id}, which the model's ${logits.length}-token vocabulary does not have.`,
    'badInput',
  );
}

/** A cache step whose inputs the cache cannot fill: decoding falls back to full passes. */
class NoCacheStep extends Error {}

/**
 * One cache step's inputs over the last of `ids`: positions and the mask continue after
 * the cache, every past input is the previous step's present. Undefined when a past input
 * has no present to come from.
 */
export function cacheStepFeeds(
  specs: readonly FeedSpec[],
  cache: DecoderCache,
  ids: readonly number[],
): Record<string, ort.Tensor> | undefined {
  const total = ids.length;
  const feeds: Record<string, ort.Tensor> = {};
  for (const spec of specs) {
    switch (spec.kind) {
      case 'inputIds':
        feeds[spec.name] = int64Input([ids[total - 1]!]);
        break;
      case 'attentionMask':
        feeds[spec.name] = int64Input(new Array<number>(total).fill(1));
        break;
      case 'tokenTypeIds':
        feeds[spec.name] = int64Input([0]);
        break;
      case 'positionIds':
        feeds[spec.name] = int64Input([total - 1]);
        break;
      case 'emptyPast': {
        const past = cache.get(spec.name);
        if (!past) return undefined;
        feeds[spec.name] = past;
        break;
      }
      case 'useCacheBranch':
        feeds[spec.name] = new Tensor('bool', [true], [1]);
        break;
      case 'numLogitsToKeep':
        feeds[spec.name] = new Tensor('int64', new BigInt64Array(1), []);
        break;
    }
  }
  return feeds;
}
