/**
 * One inspection of an encoder-decoder: the text is the source (tokens with offsets, the
 * tokenizer's template, e.g. `A </s>`), run through the encoder once; the target is either
 * typed (teacher-forced: decoder start token, the target's tokens, the template's end
 * tokens) or generated greedily; the decoder's final full pass gives the decoder self- and
 * cross-attention. `tokens`/`attentions` of the result are the source side.
 */
import { EngineRunError } from '../errors';
import { DEFAULT_MAX_NEW_TOKENS, DEFAULT_TARGET } from '../types';
import type { InspectResult, Seq2SeqResult, TargetRequest, TargetToken } from '../types';
import { knob, type Surface } from '../surface';
import { limitsOf, MAX_TOKENS_PER_RUN, planTokens } from './planTokens';
import type { DecoderPass, Seq2SeqModel } from './seq2seqModel';

/** A target longer than this many tokens is refused: each decoder pass is T² per head. */
export const MAX_TARGET_TOKENS = 1024;

/** What the engine hands over from its side of the run. */
export interface Seq2SeqRun {
  text: string;
  target?: TargetRequest;
  maxTokens?: number;
  checkCancelled: () => void;
  started: number;
  loadMs: number;
  /** Who asked: advice names that surface's knobs. */
  surface: Surface;
}

export async function inspectSeq2Seq(model: Seq2SeqModel, run: Seq2SeqRun): Promise<InspectResult> {
  const { manifest } = model.folder.encoder;
  const target = run.target ?? DEFAULT_TARGET;
  // Refused before any work: a long generation that fails at its end wastes minutes.
  const maxNewTokens = target.kind === 'greedy' ? maxNew(model, target, run.surface) : 0;
  const tokenizeStart = now();
  const limit = Math.min(manifest.maxPositions, MAX_TOKENS_PER_RUN);
  const plan = planTokens(
    model.tokenizer,
    run.text,
    manifest.specialTokens,
    // 0 or absent: the context (an encoder-decoder's source is short; no memory bound yet).
    limitsOf(manifest, Math.min(run.maxTokens || limit, limit), run.surface),
  );
  const given = target.kind === 'given' ? givenIds(model, target.text) : undefined;
  const tokenizeMs = now() - tokenizeStart;
  run.checkCancelled();
  const inferenceStart = now();
  const source = await model.encode(plan.tokens.map((t) => t.id));
  run.checkCancelled();
  let decoderIds: number[];
  let pass: DecoderPass;
  let resultTarget: Seq2SeqResult['target'];
  if (given) {
    decoderIds = given;
    pass = await model.decode(source, decoderIds);
    resultTarget = { kind: 'given', text: (target as { text: string }).text };
  } else {
    const greedy = await model.greedy(source, maxNewTokens, run.checkCancelled);
    decoderIds = greedy.ids;
    pass = greedy.pass;
    resultTarget = { kind: 'greedy', maxNewTokens, stoppedAtEos: greedy.stoppedAtEos };
  }
  const inferenceMs = now() - inferenceStart;
  run.checkCancelled();
  const seq2seq: Seq2SeqResult = {
    target: resultTarget,
    decoderTokens: decoderIds.map((id) => targetToken(model, id)),
    decoderLayers: model.folder.decoderLayers,
    decoderHeads: model.folder.decoderHeads,
    decoderAttentions: pass.selfAttentions,
    crossAttentions: pass.crossAttentions,
  };
  const finished = now();
  return {
    model: model.info,
    text: run.text,
    tokens: plan.tokens,
    attentions: source.attentions,
    seq2seq,
    truncation: plan.truncation,
    timings: {
      loadMs: run.loadMs,
      tokenizeMs,
      inferenceMs,
      totalMs: finished - run.started,
      startedAt: performance.timeOrigin + run.started,
      finishedAt: performance.timeOrigin + finished,
    },
  };
}

/** Decoder start token, the target's tokens, then the template's end tokens (`</s>`). */
/** Generous: a text this many times longer than the token limit is refused untokenized. */
const MAX_TARGET_CHARS_PER_TOKEN = 64;

function givenIds(model: Seq2SeqModel, text: string): number[] {
  if (text.trim() === '') {
    throw new EngineRunError(
      'The target text is empty. Type the translation to inspect, or let the model generate one.',
      'badInput',
    );
  }
  // Far more characters than could fit in the tokens inspected: refused before tokenizing.
  if (text.length > MAX_TARGET_TOKENS * MAX_TARGET_CHARS_PER_TOKEN) {
    throw new EngineRunError(
      `The target text has ${text.length.toLocaleString('en-US')} characters; at most ${MAX_TARGET_TOKENS} tokens are inspected. Shorten it.`,
      'badInput',
    );
  }
  const { specialTokens } = model.folder.encoder.manifest;
  const ids = model.tokenizer.tokenize(text).map((t) => t.id);
  const end = specialTokens.append
    .map((name) => model.tokenizer.tokenToId(name))
    .filter((id): id is number => id !== undefined);
  const all = [model.folder.generation.decoderStartId, ...ids, ...end];
  const cap = targetCap(model);
  if (all.length > cap.tokens) {
    throw new EngineRunError(
      `The target text has ${all.length} tokens with the decoder's start and end tokens; ${cap.why}. Shorten the target text.`,
      'badInput',
    );
  }
  return all;
}

function maxNew(
  model: Seq2SeqModel,
  target: TargetRequest & { kind: 'greedy' },
  surface: Surface,
): number {
  const asked = target.maxNewTokens ?? DEFAULT_MAX_NEW_TOKENS;
  const cap = targetCap(model);
  // The cap binds the default too: a decoder of 16 positions generates at most 15 tokens.
  if (target.maxNewTokens === undefined) return Math.min(asked, cap.tokens - 1);
  if (!Number.isInteger(asked) || asked < 1) {
    throw new EngineRunError(
      `maxNewTokens must be a whole number from 1 to ${cap.tokens - 1}; got ${asked}.`,
      'badInput',
    );
  }
  if (asked >= cap.tokens) {
    throw new EngineRunError(
      `Generating ${asked} new tokens makes a target of ${asked + 1} tokens with the decoder's start token; ${cap.why}. Ask for at most ${cap.tokens - 1} new tokens (${knob('maxNewTokens', surface)}).`,
      'badInput',
    );
  }
  return asked;
}

/**
 * The longest target: the decoder's positions (the encoder's table length stands for both,
 * as Marian, BART and T5 configs state one `max_position_embeddings`/`n_positions`), and at
 * most `MAX_TARGET_TOKENS`, as each decoder pass is T² per head.
 */
function targetCap(model: Seq2SeqModel): { tokens: number; why: string } {
  const { manifest, label } = model.folder.encoder;
  const positions = manifest.maxPositions;
  if (positions < MAX_TARGET_TOKENS) {
    const field = manifest.factFields?.maxPositions;
    const from = field ? `config.json "${field}"` : 'its maxPositions';
    return {
      tokens: positions,
      why: `the decoder of ${label} takes at most ${positions} positions (${from})`,
    };
  }
  return {
    tokens: MAX_TARGET_TOKENS,
    why: `at most ${MAX_TARGET_TOKENS} target tokens are inspected`,
  };
}

function targetToken(model: Seq2SeqModel, id: number): TargetToken {
  const { generation } = model.folder;
  const special =
    id === generation.decoderStartId ||
    generation.eosIds.includes(id) ||
    model.tokenizer.isSpecial(id);
  return { id, text: model.tokenizer.idToToken(id) ?? `<${id}>`, special };
}

function now(): number {
  return performance.now();
}
