/**
 * The sessions the engine keeps between runs: each model folder and variant loaded once (its
 * steps sessions beside it), at most `MAX_LOADED_MODELS` of them, least recently used
 * released first. Every session shares one 4 GiB WASM heap, so a model nobody selects any
 * more must not keep its part of it; a released model loads again when asked for.
 */
import type { GraphVariant } from './folder/onnxGraphFiles';
import type { LoadedModel } from './inference/loadedModel';
import { Seq2SeqModel } from './inference/seq2seqModel';
import type { Seq2SeqStepsSession } from './steps/seq2seqStepsSession';
import type { StepsSession } from './steps/stepsSession';

/**
 * Models the engine worker keeps loaded at once, the one in use included. Only where every
 * request takes its turn (the worker) is it safe to release a model unasked: elsewhere a
 * caller may still hold one, so an `Engine` keeps every model unless told otherwise.
 */
export const MAX_LOADED_MODELS = 2;

export type AnyModel = LoadedModel | Seq2SeqModel;

/** A model folder and the variant asked for (undefined: the folder's best). */
export interface ModelRef {
  modelDir: string;
  variant?: GraphVariant;
}

export class ModelCache {
  /** Least recently used first. */
  private readonly models = new Map<string, Promise<AnyModel>>();
  private readonly stepSessions = new Map<string, Promise<StepsSession>>();
  private readonly seq2seqSteps = new Map<Seq2SeqModel, Seq2SeqStepsSession>();

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  /** The model of `ref`, loaded by `load` the first time; releases the least recent beyond the limit. */
  model(ref: ModelRef, load: () => Promise<AnyModel>): Promise<AnyModel> {
    const key = keyOf(ref);
    let model = this.models.get(key);
    if (model) {
      this.models.delete(key);
      this.models.set(key, model);
      return model;
    }
    model = load();
    this.models.set(key, model);
    const loading = model;
    // A failed load is not kept: the user may fix the folder and try again.
    loading.catch(() => {
      if (this.models.get(key) === loading) this.models.delete(key);
    });
    const over = this.models.size - this.limit;
    for (const old of [...this.models.keys()].slice(0, Math.max(0, over))) void this.release(old);
    return model;
  }

  /** Replaces `ref`'s model by what `load` makes (the old one is released). */
  replace(ref: ModelRef, load: () => Promise<AnyModel>): Promise<AnyModel> {
    const key = keyOf(ref);
    const previous = this.models.get(key);
    this.models.delete(key);
    void settled(previous).then((old) => old?.release());
    return this.model(ref, load);
  }

  /** The steps session of `ref`'s single-graph model, made by `load` the first time. */
  steps(ref: ModelRef, load: () => Promise<StepsSession>): Promise<StepsSession> {
    const key = keyOf(ref);
    let session = this.stepSessions.get(key);
    if (!session) {
      session = load();
      this.stepSessions.set(key, session);
      const loading = session;
      loading.catch(() => {
        if (this.stepSessions.get(key) === loading) this.stepSessions.delete(key);
      });
    }
    return session;
  }

  /** The steps sessions of an encoder-decoder, made by `make` the first time. */
  seq2seqStepsOf(model: Seq2SeqModel, make: () => Seq2SeqStepsSession): Seq2SeqStepsSession {
    let session = this.seq2seqSteps.get(model);
    if (!session) {
      session = make();
      this.seq2seqSteps.set(model, session);
    }
    return session;
  }

  /** Releases every model (and its steps sessions) but `keep`'s. */
  async evict(keep?: ModelRef): Promise<void> {
    const kept = keep && keyOf(keep);
    const keys = new Set([...this.models.keys(), ...this.stepSessions.keys()]);
    await Promise.all([...keys].filter((key) => key !== kept).map((key) => this.release(key)));
  }

  /** The models loaded (or loading) now, least recently used first. */
  loaded(): ModelRef[] {
    return [...this.models.keys()].map((key) => {
      const [modelDir, variant] = key.split('\n');
      return variant ? { modelDir, variant: variant as GraphVariant } : { modelDir };
    });
  }

  private async release(key: string): Promise<void> {
    const model = this.models.get(key);
    const steps = this.stepSessions.get(key);
    this.models.delete(key);
    this.stepSessions.delete(key);
    // A load still under way is released once it is made; a failed one holds nothing.
    const [loaded, stepsSession] = await Promise.all([settled(model), settled(steps)]);
    const seq2seqSteps = loaded instanceof Seq2SeqModel ? this.seq2seqSteps.get(loaded) : undefined;
    if (loaded instanceof Seq2SeqModel) this.seq2seqSteps.delete(loaded);
    await Promise.all([loaded?.release(), stepsSession?.release(), seq2seqSteps?.release()]);
  }
}

function keyOf(ref: ModelRef): string {
  return `${ref.modelDir}\n${ref.variant ?? ''}`;
}

function settled<T>(value: Promise<T> | undefined): Promise<T | undefined> {
  return value ? value.catch(() => undefined) : Promise.resolve(undefined);
}
