/**
 * The steps the continuation bar walks (issue 23): a decoder's continuation (rows N … N+G−1 of
 * its attention, each with the candidates predicted at the position before it), or an
 * encoder-decoder's greedy target (decoder rows 1 … T−1, after the start token; no
 * predictions are kept for those). Pure: what to show, not how; the candidates themselves are
 * read at `candidateRows` (webview/nextTokenRows.ts: a full result's table, or asked).
 */
import type { GenerationInfo } from '../src/engine/types';
import type { ResultMeta } from '../src/protocol/webview';
import { visibleText } from './format';

export interface StepList {
  /** Per step, the row of the attention the views show (an index into their tokens). */
  rows: number[];
  /** Per step, the token as written. */
  written: string[];
  /** Per step, the id chosen. */
  chosen: number[];
  /** Per step, the row whose next-token predictions it was chosen from; none: not kept. */
  candidateRows: number[] | undefined;
  /** One line: how the tokens were chosen. */
  about: string;
  /** The rows are the decoder's: the views must show decoder or cross-attention. */
  decoderRows: boolean;
}

export function stepsOf(meta: ResultMeta | null): StepList | undefined {
  if (!meta) return undefined;
  const generation = meta.generation;
  if (generation && generation.generated.length > 0) {
    const n = generation.promptTokens;
    const rows = generation.generated.map((_, t) => n + t);
    return {
      rows,
      written: meta.tokens
        .slice(n)
        .map((t) => (t.special ? t.text : visibleText(meta.text.slice(t.start, t.end)))),
      chosen: generation.generated.map((t) => t.id),
      candidateRows: rows.map((row) => row - 1),
      about: describe(generation),
      decoderRows: false,
    };
  }
  const seq2seq = meta.seq2seq;
  if (seq2seq?.target.kind !== 'greedy' || seq2seq.decoderTokens.length < 2) return undefined;
  const generated = seq2seq.decoderTokens.slice(1);
  return {
    rows: generated.map((_, t) => t + 1),
    written: generated.map((t) => t.text),
    chosen: generated.map((t) => t.id),
    candidateRows: undefined,
    about: `${generated.length} target tokens written greedily${seq2seq.target.stoppedAtEos ? ', stopped at the end token' : ''}`,
    decoderRows: true,
  };
}

/** How the tokens were chosen, with what repeats a sampled run. */
function describe(generation: GenerationInfo): string {
  const how =
    generation.kind === 'sample'
      ? `sampled (temperature ${generation.temperature}, top-p ${generation.topP}, seed ${generation.seed})`
      : 'greedy';
  const stop = generation.stoppedAtEos
    ? ', stopped at the end token'
    : generation.stoppedAtNewline
      ? ', stopped at a line break'
      : '';
  return `${generation.generated.length} tokens written, ${how}${stop}`;
}
