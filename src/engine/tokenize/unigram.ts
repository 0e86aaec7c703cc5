/**
 * SentencePiece Unigram (T5, Marian, mT5…): the pre-tokenizers those files use —
 * `Metaspace` (spaces become `▁`, a `▁` is prepended, words split before each `▁`),
 * `WhitespaceSplit`, and a `Sequence` of them — then the library's Unigram (Viterbi over
 * the vocabulary's scores) per word. Consecutive unknown characters become one unknown
 * token covering them all, as the reference fuses them.
 */
import type { Token } from '../types';
import { originalSpan, type AlignedText } from './alignedText';
import { fromCharRun, replaceAligned, toCharRun, type CharRun } from './charAlignment';
import { alignmentError, type ModelStep } from './modelStep';

/** The library's Unigram model, narrowed to what this step uses. */
export interface LibraryUnigram {
  /** Pieces of one pre-tokenized word; unknown characters come out as themselves. */
  tokenize(word: string): string[];
  tokens_to_ids: Map<string, number>;
  unk_token: string;
  unk_token_id: number;
}

/** A pre-tokenizer as tokenizer.json writes it. */
export interface PreTokenizerJson {
  type?: string;
  [key: string]: unknown;
}

type Split = (run: CharRun) => CharRun[];

/** The pre-tokenizer types this step handles (`Sequence` of them included). */
export const UNIGRAM_PRE_TOKENIZERS = ['Metaspace', 'WhitespaceSplit'] as const;

const WHITE_SPACE = /^\p{White_Space}$/u;
const SPACE = / /gu;

export class UnigramStep implements ModelStep {
  private readonly splits: Split[];

  /** Throws naming a pre-tokenizer it cannot apply exactly. */
  constructor(
    private readonly model: LibraryUnigram,
    preTokenizer: PreTokenizerJson | null | undefined,
  ) {
    this.splits = preTokenizer ? splitsOf(preTokenizer) : [];
  }

  tokenize(aligned: AlignedText, from: number, to: number, out: Token[]): void {
    let runs = [toCharRun(aligned, from, to)];
    for (const split of this.splits) runs = runs.flatMap(split);
    for (const run of runs) if (run.chars.length > 0) this.word(fromCharRun(run), out);
  }

  private word(word: AlignedText, out: Token[]): void {
    const pieces = this.model.tokenize(word.text);
    let at = 0;
    let unknownFrom = -1;
    const flushUnknown = (): void => {
      if (unknownFrom < 0) return;
      const span = originalSpan(word, unknownFrom, at);
      out.push({
        id: this.model.unk_token_id,
        text: this.model.unk_token,
        start: span.start,
        end: span.end,
        special: false,
      });
      unknownFrom = -1;
    };
    for (const piece of pieces) {
      if (piece.length === 0 || !word.text.startsWith(piece, at)) {
        throw alignmentError('Unigram', `'${piece}' in '${word.text}'`);
      }
      const id = this.model.tokens_to_ids.get(piece);
      if (id === undefined) {
        if (unknownFrom < 0) unknownFrom = at;
        at += piece.length;
        continue;
      }
      flushUnknown();
      const span = originalSpan(word, at, at + piece.length);
      out.push({ id, text: piece, start: span.start, end: span.end, special: false });
      at += piece.length;
    }
    flushUnknown();
    if (at !== word.text.length)
      throw alignmentError('Unigram', `pieces do not cover '${word.text}'`);
  }
}

function splitsOf(json: PreTokenizerJson): Split[] {
  switch (json.type) {
    case 'Sequence': {
      const parts = Array.isArray(json.pretokenizers)
        ? (json.pretokenizers as PreTokenizerJson[])
        : [];
      return parts.flatMap(splitsOf);
    }
    case 'WhitespaceSplit':
      return [whitespaceSplit];
    case 'Metaspace':
      return [metaspace(json)];
    default:
      throw new Error(`pre-tokenizer ${String(json.type)}`);
  }
}

/** Words between white space; the white space is dropped. */
function whitespaceSplit(run: CharRun): CharRun[] {
  const words: CharRun[] = [];
  let start = -1;
  for (let i = 0; i <= run.chars.length; i++) {
    const space = i === run.chars.length || WHITE_SPACE.test(run.chars[i]!);
    if (space && start >= 0) {
      words.push(slice(run, start, i));
      start = -1;
    } else if (!space && start < 0) start = i;
  }
  return words;
}

/** `Metaspace`, in its current form (`prepend_scheme`, `split`) and the legacy one (`add_prefix_space`). */
function metaspace(json: PreTokenizerJson): Split {
  const replacement = typeof json.replacement === 'string' ? json.replacement : '\u2581';
  if ([...replacement].length !== 1)
    throw new Error('Metaspace with a replacement of more than one character');
  const scheme =
    typeof json.prepend_scheme === 'string'
      ? json.prepend_scheme
      : json.add_prefix_space === false
        ? 'never'
        : 'always';
  if (!['always', 'first', 'never'].includes(scheme))
    throw new Error(`Metaspace prepend_scheme ${scheme}`);
  const split = json.split !== false;
  return (input) => {
    let run = replaceAligned(input, SPACE, replacement);
    const prepend = scheme === 'always' || (scheme === 'first' && run.starts[0] === 0);
    if (prepend && run.chars.length > 0 && run.chars[0] !== replacement) {
      // The reference's `prepend` gives the new character the first character's range.
      run = {
        chars: [replacement, ...run.chars],
        starts: [run.starts[0]!, ...run.starts],
        ends: [run.ends[0]!, ...run.ends],
      };
    }
    if (!split) return [run];
    const pieces: CharRun[] = [];
    let start = 0;
    for (let i = 1; i <= run.chars.length; i++) {
      if (i === run.chars.length || run.chars[i] === replacement) {
        pieces.push(slice(run, start, i));
        start = i;
      }
    }
    return pieces;
  };
}

function slice(run: CharRun, from: number, to: number): CharRun {
  return {
    chars: run.chars.slice(from, to),
    starts: run.starts.slice(from, to),
    ends: run.ends.slice(from, to),
  };
}
