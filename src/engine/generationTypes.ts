/**
 * The vocabulary of a decoder's continuation (issue 23): what is asked, and what the result
 * says about the tokens the model wrote. Part of `types.ts` (which re-exports it), kept apart
 * so the generation work touches the shared file in two lines only.
 */
import type { TargetToken } from './types';

/** A continuation to write after the text (decoder-only models). */
export interface GenerationRequest {
  /** New tokens at most; bounded by the model's context (with a notice). */
  maxNewTokens: number;
  /** Absent or 0: greedy. Above 0: sampled at this temperature. */
  temperature?: number;
  /** Sampling only: keep the most probable ids until their mass reaches this (0 < p ≤ 1; default 1). */
  topP?: number;
  /** Sampling only: the generator's seed (0 … 2³² − 1); absent: a new one, reported. */
  seed?: number;
  /** Stop after the first generated token that holds a line break. */
  stopAtNewline?: boolean;
  /**
   * A fork: the first generated ids are these (the branch's tokens before a step and the
   * alternative clicked there); the model writes on after them with the same settings.
   */
  forced?: number[];
}

/** New tokens written unless told otherwise (the extension's setting default). */
export const DEFAULT_GENERATED_TOKENS = 32;

/**
 * What a result with a continuation adds. Its `tokens` are the prompt's `promptTokens`
 * followed by the generated ones (offsets into `text`, which is prompt + continuation; EOS
 * has an empty range at the end); its attention rows `promptTokens + t` are generated token
 * t's, from one full causal pass over the finished sequence.
 */
export interface GenerationInfo {
  kind: 'greedy' | 'sample';
  /** The bound the run used (the request's, clamped to the context). */
  maxNewTokens: number;
  stoppedAtEos: boolean;
  /** Stopped at a line break (`GenerationRequest.stopAtNewline`). */
  stoppedAtNewline: boolean;
  temperature?: number;
  topP?: number;
  seed?: number;
  promptTokens: number;
  /** The generated tokens (also the last entries of `tokens`). */
  generated: TargetToken[];
  /** How many of the first generated tokens were forced (a fork); absent when none. */
  forced?: number;
  /** The continuation as text (what "Insert continuation" writes): special tokens left out. */
  continuation: string;
  /** How the tokens were continued: `cache` (past key/values) or `full` passes over all tokens. */
  steppedWith: 'cache' | 'full';
  /** Milliseconds of the first token (the pass over the prompt) and of each later one. */
  firstTokenMs: number;
  stepMs: number[];
  /** Why the run wrote fewer tokens than asked, when the context bounded it. */
  notice?: string;
}
