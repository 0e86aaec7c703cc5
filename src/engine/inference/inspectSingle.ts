/**
 * One inspection of a single-graph model (a decoder or an encoder): the text planned into
 * tokens, one run, the next-token predictions, and the attention kept behind a source that
 * answers slices (inference/loadedModel.ts `runHeld`). `Engine` turns it into a full result
 * or a held one.
 */
import { type AttentionSource, everyLayer } from '../attention/attentionSource';
import { everyRow } from './nextTokens';
import type { Surface } from '../surface';
import type { HeadSteps, InspectResult } from '../types';
import type { LoadedModel } from './loadedModel';
import { limitsOf, planTokens } from './planTokens';
import { tokenLimit } from './tokenBudget';
import { DEFAULT_TOP_PREDICTIONS } from './predictionGraph';

/** What the engine hands over from its side of the run. */
export interface SingleRun {
  text: string;
  maxTokens?: number;
  topK?: number;
  checkCancelled: () => void;
  started: number;
  loadMs: number;
  surface: Surface;
  /** The steps asked for, run on the planned ids. */
  steps?: (ids: number[]) => Promise<HeadSteps[]>;
}

/** An inspection without its tensors, and the source of its attention. */
export interface SingleInspection {
  meta: Omit<InspectResult, 'attentions'>;
  source: AttentionSource;
}

export async function inspectSingle(model: LoadedModel, run: SingleRun): Promise<SingleInspection> {
  const tokenizeStart = now();
  const { manifest } = model.folder;
  const { maxTokens, from } = tokenLimit(manifest, model.modelBytes, run.maxTokens);
  const plan = planTokens(
    model.tokenizer,
    run.text,
    manifest.specialTokens,
    limitsOf(manifest, maxTokens, run.surface, from),
  );
  const tokenizeMs = now() - tokenizeStart;
  run.checkCancelled();
  const topK = manifest.architecture === 'decoder' ? (run.topK ?? DEFAULT_TOP_PREDICTIONS) : 0;
  const inferenceStart = now();
  const ids = plan.tokens.map((token) => token.id);
  const { source } = await model.runHeld(ids, topK);
  const steps = run.steps ? await run.steps(ids) : undefined;
  const inferenceMs = now() - inferenceStart;
  run.checkCancelled();
  return {
    source,
    meta: {
      model: model.info,
      text: run.text,
      tokens: plan.tokens,
      ...(source.predictions && topK > 0 ? { nextTokens: { k: topK } } : {}),
      truncation: plan.truncation,
      ...(steps ? { steps } : {}),
      timings: {
        loadMs: run.loadMs,
        tokenizeMs,
        inferenceMs,
        totalMs: now() - run.started,
        startedAt: performance.timeOrigin + run.started,
        finishedAt: performance.timeOrigin + now(),
      },
    },
  };
}

/** Every layer's attention and every row's predictions of an inspection (what `Engine.inspect` returns). */
export async function wholeResult({ meta, source }: SingleInspection): Promise<InspectResult> {
  const { nextTokens, ...rest } = meta;
  const predictions = nextTokens && everyRow(source.predictions, rest.tokens.length, nextTokens.k);
  return {
    ...rest,
    ...(predictions ? { predictions: await predictions } : {}),
    attentions: await everyLayer(source),
  };
}

function now(): number {
  return performance.now();
}
