/**
 * An inspection with a continuation (issue 23): the text planned into the prompt's tokens,
 * the model writing up to `maxNewTokens` more (decoderGeneration.ts), then ONE full causal
 * pass over prompt + generated through the held path (`LoadedModel.runHeld`), so every view,
 * slice and export reads row `N + t` as generated token t's attention and the predictions
 * cover every position. In a causal model that pass equals what each cached step computed.
 */
import { EngineRunError } from '../errors';
import type { ModelFiles } from '../folder/modelFiles';
import type { GenerationInfo, GenerationRequest } from '../generationTypes';
import type { TargetToken, Token } from '../types';
import type { Continuation } from './decoderGeneration';
import { generationSessionFor } from './generationSessions';
import { decoderEosIds } from './decoderEos';
import { checkGeneration, type GenerationPlan } from './generationRequest';
import { inspectSingle, type SingleInspection, type SingleRun } from './inspectSingle';
import type { LoadedModel } from './loadedModel';
import { greedyChoice, samplingChoice } from './nextTokenChoice';
import { limitsOf, planTokens } from './planTokens';
import { DEFAULT_TOP_PREDICTIONS } from './predictionGraph';
import { tokenLimit } from './tokenBudget';

export interface GeneratedRun extends SingleRun {
  generate: GenerationRequest;
  /** The model folder's files (the graph is read again for its own session). */
  files: ModelFiles;
  /** Told after each new token: tokens written so far of at most `total`. */
  onGenerated?: ((made: number, total: number) => void) | undefined;
  /** Full passes even where the graph has a cache (tests compare the paths). */
  noCache?: boolean;
}

/** A decoder's inspection, with a continuation when `options.generate` asks for one. */
export function inspectText(
  model: LoadedModel,
  run: SingleRun,
  options: Pick<GeneratedRun, 'onGenerated'> & { generate?: GenerationRequest | undefined },
  files: () => ModelFiles,
): Promise<SingleInspection> {
  const { generate } = options;
  if (!generate) return inspectSingle(model, run);
  return inspectGenerated(model, {
    ...run,
    generate,
    onGenerated: options.onGenerated,
    files: files(),
  });
}

export async function inspectGenerated(
  model: LoadedModel,
  run: GeneratedRun,
): Promise<SingleInspection> {
  const { manifest } = model.folder;
  if (manifest.architecture !== 'decoder' || !model.folder.logitsOutput) {
    throw new EngineRunError(
      `${model.info.dir} is not a decoder that predicts the next token, so it cannot continue a text: pick a decoder model (GPT-2, Llama, the bundled model).`,
      'badInput',
    );
  }
  const tokenizeStart = now();
  const { maxTokens, from } = tokenLimit(manifest, model.modelBytes, run.maxTokens);
  // A continuation follows the text: an appended end token would end it first.
  const specials = { prepend: manifest.specialTokens.prepend, append: [] };
  const plan = planTokens(
    model.tokenizer,
    run.text,
    specials,
    limitsOf(manifest, maxTokens, run.surface, from),
  );
  const tokenizeMs = now() - tokenizeStart;
  const promptIds = plan.tokens.map((t) => t.id);
  const settings = checkGeneration(run.generate, promptIds.length, maxTokens, run.surface);
  run.checkCancelled();
  const inferenceStart = now();
  const continuation = await writeContinuation(model, run, promptIds, settings);
  run.checkCancelled();
  const { tokens, text, generated } = withGenerated(model, run.text, plan.tokens, continuation);
  const topK = run.topK ?? DEFAULT_TOP_PREDICTIONS;
  const { source } = await model.runHeld(
    tokens.map((t) => t.id),
    topK,
  );
  const inferenceMs = now() - inferenceStart;
  const generation: GenerationInfo = {
    kind: settings.kind,
    maxNewTokens: settings.maxNewTokens,
    stoppedAtEos: continuation.stoppedAtEos,
    stoppedAtNewline: continuation.stoppedAtNewline,
    ...(settings.kind === 'sample'
      ? { temperature: settings.temperature, topP: settings.topP, seed: settings.seed }
      : {}),
    promptTokens: promptIds.length,
    generated,
    ...(settings.forced.length > 0 ? { forced: settings.forced.length } : {}),
    continuation: text.slice(run.text.length),
    steppedWith: continuation.steppedWith,
    firstTokenMs: continuation.firstTokenMs,
    stepMs: continuation.stepMs,
    ...(settings.notice ? { notice: settings.notice } : {}),
  };
  return {
    source,
    meta: {
      model: model.info,
      text,
      tokens,
      ...(source.predictions && topK > 0 ? { nextTokens: { k: topK } } : {}),
      generation,
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

async function writeContinuation(
  model: LoadedModel,
  run: GeneratedRun,
  promptIds: number[],
  settings: GenerationPlan,
): Promise<Continuation> {
  const source = {
    label: model.folder.label,
    graphFile: model.folder.graphFile,
    bannedFrom: 'generation_config.json',
  };
  const choose =
    settings.kind === 'sample' ? samplingChoice(settings, source) : greedyChoice(source);
  const eosIds = await decoderEosIds(run.files, model.folder, model.tokenizer);
  const session = await generationSessionFor(model, () => run.files);
  return session.continueText({
    promptIds,
    maxNewTokens: settings.maxNewTokens,
    choose,
    forced: settings.forced,
    eosIds,
    ...(settings.stopAtNewline ? { stopsAfter: (id) => model.spell(id).includes('\n') } : {}),
    checkCancelled: run.checkCancelled,
    onToken: (made) => run.onGenerated?.(made, settings.maxNewTokens),
    ...(run.noCache ? { noCache: true } : {}),
  });
}

/**
 * The prompt's tokens followed by the generated ones, each with its range in the prompt
 * text + the continuation (decoded up to it: a token's text is what decoding it added;
 * special tokens add nothing and get an empty range at the end).
 */
export function withGenerated(
  model: Pick<LoadedModel, 'tokenizer'>,
  prompt: string,
  promptTokens: readonly Token[],
  continuation: Pick<Continuation, 'ids'>,
): { tokens: Token[]; text: string; generated: TargetToken[] } {
  const { tokenizer } = model;
  const tokens = [...promptTokens];
  const generated: TargetToken[] = [];
  const written: number[] = [];
  let end = prompt.length;
  for (const id of continuation.ids) {
    const special = tokenizer.isSpecial(id);
    const spelled = tokenizer.idToToken(id) ?? `<${id}>`;
    generated.push({ id, text: spelled, special });
    const start = end;
    if (!special) {
      written.push(id);
      end = Math.max(start, prompt.length + tokenizer.decode(written).length);
    }
    tokens.push({ id, text: spelled, start, end, special });
  }
  return { tokens, text: prompt + tokenizer.decode(written), generated };
}

function now(): number {
  return performance.now();
}
