/**
 * tokenizer.json's `pre_tokenizer`: splits each stretch of normalized text into the words the
 * model sees, every piece keeping its characters' original ranges.
 */
import type { AlignedText } from '../../alignedText';
import { unicodeClass } from '../../unicodeClasses';
import { isWhiteSpace } from '../../whiteSpace';
import { booleanAt, partsAt, unsupportedType, type PartJson } from '../fileError';
import { underPattern } from '../patternStage';
import { compilePattern } from '../patterns';
import { byteLevel } from './byteLevel';
import { metaspace } from './metaspace';
import {
  behaviourAt,
  charStretches,
  regexStretches,
  splitPiece,
  type Behaviour,
} from './splitting';

export type PreTokenizer = (pieces: AlignedText[]) => AlignedText[];
type Split = (piece: AlignedText) => AlignedText[];
type Factory = (json: PartJson, field: string) => Split | PreTokenizer[];

const NUMERIC = /\p{N}/u;
// The Rust `regex` crate's Unicode `\w` and `\s`, which the Whitespace pre-tokenizer uses.
const WORD_OR_SYMBOLS =
  /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;

function byChars(test: (cp: number) => boolean, behaviour: Behaviour): Split {
  return (piece) => splitPiece(piece, charStretches(piece.text, test), behaviour);
}

const whitespaceSplit = byChars(isWhiteSpace, 'Removed');

/** The pre-tokenizer types supported: the one list of them (docs/model-format.md repeats it). */
export const PRE_TOKENIZERS: Record<string, Factory> = {
  Sequence: (json, field) =>
    partsAt(json.pretokenizers, `${field}.pretokenizers`).map((part, i) =>
      preTokenizerOf(part, `${field}.pretokenizers[${i}]`),
    ),
  Split: (json, field) => {
    const regex = compilePattern(json.pattern, `${field}.pattern`);
    const behaviour = behaviourAt(json.behavior, `${field}.behavior`, 'Isolated');
    const invert = booleanAt(json, 'invert', field, false);
    const stretches = (text: string) =>
      underPattern(`${field}.pattern`, json.pattern, text.length, () =>
        regexStretches(text, regex),
      );
    return (piece) => splitPiece(piece, stretches(piece.text), behaviour, invert);
  },
  Digits: (json, field) =>
    byChars(
      (cp) => NUMERIC.test(String.fromCodePoint(cp)),
      booleanAt(json, 'individual_digits', field, false) ? 'Isolated' : 'Contiguous',
    ),
  Punctuation: (json, field) => {
    const punctuation = unicodeClass('bertPunctuation');
    return byChars(
      (cp) => punctuation.has(cp),
      behaviourAt(json.behavior, `${field}.behavior`, 'Isolated'),
    );
  },
  Whitespace: () => (piece) =>
    splitPiece(piece, regexStretches(piece.text, WORD_OR_SYMBOLS), 'Removed', true),
  WhitespaceSplit: () => whitespaceSplit,
  BertPreTokenizer: () => {
    const punctuation = unicodeClass('bertPunctuation');
    const isolate = byChars((cp) => punctuation.has(cp), 'Isolated');
    return (piece) => whitespaceSplit(piece).flatMap(isolate);
  },
  ByteLevel: byteLevel,
  Metaspace: metaspace,
};

/** The pre-tokenizer at `field` (`pre_tokenizer`); none keeps each stretch whole. */
export function preTokenizerOf(json: PartJson | null | undefined, field: string): PreTokenizer {
  if (json === null || json === undefined) return (pieces) => pieces;
  const type = String(json.type);
  const factory = Object.hasOwn(PRE_TOKENIZERS, type) ? PRE_TOKENIZERS[type] : undefined;
  if (!factory) throw unsupportedType(field, json.type, Object.keys(PRE_TOKENIZERS));
  const made = factory(json, field);
  if (Array.isArray(made)) return (pieces) => made.reduce((acc, step) => step(acc), pieces);
  return (pieces) => pieces.flatMap(made);
}
