/**
 * A single-graph model (decoder or encoder) ready to run: its validated folder, tokenizer and
 * one reusable ONNX Runtime session. Encoder-decoders pair two of these graphs elsewhere
 * (inference/seq2seqModel.ts) and share the tokenizer check below.
 */
import { asFloat32, extractAttention } from '../attention/extractAttention';
import { EngineRunError } from '../errors';
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import { modelInfo } from '../folder/manifest';
import { SUPPORTED_OPSETS } from '../graph/decodeOnnx';
import { modelError } from '../modelError';
import { headsMismatch, runFailure } from './runFailure';
import { createTokenizer, type TextTokenizer } from '../tokenize/createTokenizer';
import { modelSource } from '../folder/modelSource';
import type { Surface } from '../surface';
import type { AttentionStack, ModelInfo } from '../types';
import { type AttentionSource, HeldTensors } from '../attention/attentionSource';
import { withTensorWindows } from '../attention/appliedWindows';
import { recomputeFetches } from '../graph/recomputeFetches';
import { recomputedSource } from './recomputeRun';
import { NO_PROJECTION } from './runExtras';
import type { WhatMovesSession } from './whatMovesSession';
import { heldValueFetches, holdValues } from './heldValueNorms';
import { toPredictions, topPredictions } from './predictionGraph';
import { PredictionTable, readByRow } from './nextTokens';
import { idleLensFeeds } from './lensRun';
import { makeFeeds } from './graphFeeds';
import { createSession, type InferenceSession, Tensor } from './ortRuntime';

/** Raw outputs of one run over token ids. */
export interface RunOutputs {
  /** Per layer `[heads, N, N]`, rows sum to 1. */
  attentions: Float32Array[];
  /** `[N, vocab]` when the model outputs logits and they were asked for (float16 converted). */
  logits?: Float32Array;
}

/** A model folder, validated, with its tokenizer and a reusable inference session. */
export class LoadedModel {
  private readonly spellings = new Map<number, string>();
  /** Where value norms and the logit lens come from when a view asks (issue 24); none: not offered. */
  whatMoves?: WhatMovesSession;

  constructor(
    readonly info: ModelInfo,
    /** The validated folder, without its ONNX bytes: the session holds the model now. */
    readonly folder: Omit<LoadedModelFolder, 'onnxBytes' | 'externalData'>,
    readonly tokenizer: TextTokenizer,
    private readonly session: InferenceSession,
    /** Bytes of the graph and its weights, now in the session (the WASM heap). */
    readonly modelBytes: number,
    /** Who runs it: a failure's advice names that surface's knobs. */
    private readonly surface: Surface = 'cli',
  ) {}

  /** True once `release` freed the session; a released model cannot run. */
  get released(): boolean {
    return this.releasing !== undefined;
  }

  private releasing: Promise<void> | undefined;

  /** Frees the session's memory in the WASM heap (all sessions share one heap). */
  release(): Promise<void> {
    this.releasing ??= Promise.all([this.session.release(), this.whatMoves?.release()]).then(
      () => undefined,
    );
    return this.releasing;
  }

  private refuseReleased(): void {
    if (this.released) {
      throw new EngineRunError(
        `${this.info.dir} was unloaded to make room for another model: load it again (Engine.loadModel).`,
        'error',
      );
    }
  }

  /**
   * One token id as text. Kept once spelled: predictions spell the same few thousand ids run
   * after run, and decoding each through the tokenizer's pipeline cost as much as the top-k.
   */
  spell(id: number): string {
    let text = this.spellings.get(id);
    if (text === undefined) {
      text = this.tokenizer.decode([id]);
      this.spellings.set(id, text);
    }
    return text;
  }

  /**
   * Runs token ids and keeps the attention behind a source that answers slices: recomputed
   * from each layer's q and k where the graph allows it (recomputeRun.ts), the run's own
   * tensors otherwise. Throws `RecomputeMismatch` when the recomputation is not the model's.
   */
  async runHeld(
    ids: readonly number[],
    /** Next-token predictions kept per position (0: none). */
    topK: number,
  ): Promise<{ source: AttentionSource }> {
    const n = ids.length;
    const stack: AttentionStack = {
      kind: 'encoder',
      layers: this.info.layers,
      heads: this.info.heads,
      rows: n,
      cols: n,
      causal: this.info.architecture === 'decoder',
    };
    this.refuseReleased();
    const spell = (id: number) => this.spell(id);
    const recompute = this.folder.recomputeOutputs;
    if (!recompute) {
      const { attentions, logits } = await this.runIds(ids, topK > 0);
      const shown = withTensorWindows(stack, attentions, this.info.attention);
      const source = new HeldTensors(shown, attentions);
      if (logits)
        source.predictions = new PredictionTable(
          await topPredictions(logits, n, topK, spell, this.folder),
        );
      this.whatMoves?.attachKeptWhole(source, ids, spell, this.folder.normsFound === true);
      return { source };
    }
    const top = topK > 0 ? this.folder.predictionOutputs : undefined;
    const byRow = topK > 0 ? this.folder.predictionRowOutputs : undefined;
    const fetches = recomputeFetches(recompute);
    if (top) fetches.push(top.probs, top.ids);
    if (byRow) fetches.push(byRow.streams[0]);
    if (this.whatMoves) fetches.push(...heldValueFetches(this.folder.heldValues));
    if (this.whatMoves) stack.valueNorms = this.folder.normsFound ? true : NO_PROJECTION;
    const kept = Math.max(1, Math.min(topK, this.info.vocabSize));
    const feeds = this.feedsFor(ids, kept);
    const outputs = await this.session.run(feeds, fetches).catch((error: unknown) => {
      throw runFailure(error, n, this.folder, this.surface);
    });
    const source = await recomputedSource(
      outputs,
      recompute,
      stack,
      this.info.attention ?? {},
      this.folder.manifest.outputs.attentions === 'softmax'
        ? []
        : this.folder.manifest.outputs.attentions,
    ).catch((error: unknown) => {
      throw headsMismatch(error, this.folder);
    });
    if (this.whatMoves) {
      this.whatMoves.attach(source, ids, spell);
      holdValues(source, outputs, this.folder.heldValues);
      if (!this.folder.normsFound) source.norms = NO_PROJECTION;
    } else {
      // Loaded without them (the CLI's plain export): the folder says why.
      const { normOutputs, lensOutputs } = this.folder;
      source.norms = typeof normOutputs === 'string' ? normOutputs : NO_PROJECTION;
      if (typeof lensOutputs === 'string') source.lens = lensOutputs;
    }
    if (byRow) {
      const { feeds, manifest } = this.folder;
      const spell = (id: number) => this.spell(id);
      const reading = { session: this.session, feeds, outputs: byRow, spell, source: this.folder };
      const predictions = readByRow(reading, manifest.vocabSize, outputs[byRow.streams[0]], ids);
      source.predictions = predictions;
      source.holdAlso(predictions.bytes);
    }
    if (!top) return { source };
    const probs = asFloat32(outputs[top.probs]) as Float32Array;
    const topIds = outputs[top.ids].data as BigInt64Array;
    source.predictions = new PredictionTable(
      toPredictions(probs, topIds, n, kept, spell, this.folder),
    );
    return { source };
  }

  /** The model's feeds for `ids`, with the predictions' k and idle row inputs where the graph takes them. */
  private feedsFor(ids: readonly number[], kept: number): Record<string, Tensor> {
    const feeds = makeFeeds(this.folder.feeds, ids);
    const k = this.folder.predictionOutputs?.k;
    if (k) feeds[k] = new Tensor('int64', BigInt64Array.of(BigInt(kept)), [1]);
    const rows = this.folder.predictionRowOutputs;
    if (rows) Object.assign(feeds, idleLensFeeds(rows, this.folder.manifest.hiddenSize));
    return feeds;
  }

  /**
   * Runs token ids (special tokens already in place) through the model; the logits come back
   * only when `withLogits` (copying `[N, vocab]` floats out of the session is not free).
   * Every layer's `[heads, N, N]` comes back: for short texts, tests and probes.
   */
  async runIds(ids: readonly number[], withLogits = true): Promise<RunOutputs> {
    this.refuseReleased();
    if (this.folder.recomputeOutputs) {
      // The graph computes the predictions itself: its logits are not an output any more.
      const { source } = await this.runHeld(ids, 0);
      const heads = Array.from({ length: this.info.heads }, (_, h) => h);
      const rows = Array.from({ length: ids.length }, (_, i) => i);
      const attentions: Float32Array[] = [];
      for (let layer = 0; layer < this.info.layers; layer++) {
        attentions.push(await source.slice(layer, heads, rows));
      }
      return { attentions };
    }
    const n = ids.length;
    const feeds = makeFeeds(this.folder.feeds, ids);
    const logitsName = withLogits ? this.folder.logitsOutput : undefined;
    const fetches = [...this.folder.attentionOutputs];
    if (logitsName) fetches.push(logitsName);
    const outputs = await this.session.run(feeds, fetches).catch((error: unknown) => {
      throw runFailure(error, n, this.folder, this.surface);
    });
    const names = this.folder.attentionOutputs;
    let attentions: Float32Array[];
    try {
      attentions = extractAttention(
        names.map((name) => outputs[name]),
        names,
        this.info.heads,
        n,
        this.folder.label,
        this.folder.graphFile,
      );
    } catch (error) {
      throw headsMismatch(error, this.folder);
    }
    const logitsTensor = logitsName ? outputs[logitsName] : undefined;
    return { attentions, logits: logitsTensor ? asFloat32(logitsTensor) : undefined };
  }
}

/** Creates the session for a validated single-graph folder; the folder's bytes go to it. */
export async function loadSingleGraphModel(
  folder: LoadedModelFolder,
  modelDir: string,
  surface: Surface = 'cli',
): Promise<LoadedModel> {
  const tokenizer = tokenizerOf(folder);
  let session: InferenceSession;
  try {
    session = await createSession(folder.onnxBytes, folder.externalData, folder.graphFile);
  } catch (error) {
    throw new EngineRunError(
      `${folder.graphFile} in ${modelDir} could not be loaded by ONNX Runtime: ${error instanceof Error ? error.message : String(error)}. Re-export the model (opset ${SUPPORTED_OPSETS.min}–${SUPPORTED_OPSETS.max}) or pick another model folder.`,
      'badModel',
    );
  }
  const info: ModelInfo = {
    ...modelInfo(folder.manifest, modelDir),
    graphFile: folder.graphFile,
  };
  const others = folder.graphFiles.map((f) => f.path).filter((p) => p !== folder.graphFile);
  if (others.length > 0) info.otherGraphFiles = others;
  if (folder.notes.length > 0) info.notes = folder.notes;
  if (Object.keys(folder.facts.attention).length > 0) info.attention = folder.facts.attention;
  info.source = modelSource(folder);
  // Dropping the bytes here keeps one copy of the model (in the session), not two.
  const modelBytes = folder.externalData.reduce(
    (sum, file) => sum + file.data.byteLength,
    folder.onnxBytes.byteLength,
  );
  const { onnxBytes: _graph, externalData: _weights, ...kept } = folder;
  return new LoadedModel(info, kept, tokenizer, session, modelBytes, surface);
}

/** The folder's tokenizer; whatever the library trips over is reported against tokenizer.json. */
export function tokenizerOf(
  folder: Pick<LoadedModelFolder, 'label' | 'tokenizerJson' | 'tokenizerConfig'>,
): TextTokenizer {
  try {
    return createTokenizer(folder.tokenizerJson, folder.tokenizerConfig);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The tokenizer's own messages name the file already; the label says which folder.
    const why = message.replace(/^tokenizer\.json: /, '');
    throw modelError(
      'badTokenizer',
      folder.label,
      'tokenizer.json',
      `cannot be used (${why})`,
      'Use the tokenizer.json saved with the model (tokenizer.save_pretrained).',
    );
  }
}
