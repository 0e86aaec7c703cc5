/**
 * tokenizer.json's `normalizer` as a function of aligned text: each part below edits the text
 * and keeps every character's range in the original (see docs/tokenizer-offsets.md).
 */
import type { AlignedText } from '../../alignedText';
import {
  booleanAt,
  fileError,
  partsAt,
  stringAt,
  unsupportedType,
  type PartJson,
} from '../fileError';
import { underPattern } from '../patternStage';
import { compilePattern } from '../patterns';
import { bertNormalize, type BertNormalizerOptions } from './bert';
import { lowercase, prepend, replace, strip, stripAccents } from './charEdits';
import { precompiled } from './precompiled';
import { PrecompiledCharsmap } from './precompiledCharsmap';
import { unicodeForm } from './unicodeForms';

export type Normalizer = (input: AlignedText) => AlignedText;

type Factory = (json: PartJson, field: string) => Normalizer;

const identity: Normalizer = (input) => input;

/** The normalizer types supported: the one list of them (docs/model-format.md repeats it). */
export const NORMALIZERS: Record<string, Factory> = {
  Sequence: (json, field) => {
    const parts = partsAt(json.normalizers, `${field}.normalizers`).map((part, i) =>
      normalizerOf(part, `${field}.normalizers[${i}]`),
    );
    return (input) => parts.reduce((text, part) => part(text), input);
  },
  NFC: () => unicodeForm('NFC'),
  NFD: () => unicodeForm('NFD'),
  NFKC: () => unicodeForm('NFKC'),
  NFKD: () => unicodeForm('NFKD'),
  Lowercase: () => lowercase,
  StripAccents: () => stripAccents,
  Strip: (json, field) =>
    strip(booleanAt(json, 'strip_left', field, true), booleanAt(json, 'strip_right', field, true)),
  Prepend: (json, field) => prepend(stringAt(json, 'prepend', field)),
  Replace: (json, field) => {
    const edit = replace(
      compilePattern(json.pattern, `${field}.pattern`),
      stringAt(json, 'content', field),
    );
    return (input) =>
      underPattern(`${field}.pattern`, json.pattern, input.text.length, () => edit(input));
  },
  Precompiled: precompiledOf,
  BertNormalizer: (json) => (input) => bertNormalize(input, json as BertNormalizerOptions),
};

/** The normalizer at `field` (`normalizer`), identity for none. */
export function normalizerOf(json: PartJson | null | undefined, field: string): Normalizer {
  if (json === null || json === undefined) return identity;
  const factory = Object.hasOwn(NORMALIZERS, String(json.type))
    ? NORMALIZERS[String(json.type)]
    : undefined;
  if (!factory) throw unsupportedType(field, json.type, Object.keys(NORMALIZERS));
  return factory(json, field);
}

function precompiledOf(json: PartJson, field: string): Normalizer {
  const charsmap = json.precompiled_charsmap;
  // A null or empty charsmap maps nothing (the native library cannot even load a null one).
  if (charsmap === null || charsmap === '' || charsmap === undefined) return identity;
  if (typeof charsmap !== 'string') {
    throw fileError(`${field}.precompiled_charsmap`, 'is not a base64 string');
  }
  let map: PrecompiledCharsmap;
  try {
    map = PrecompiledCharsmap.fromBase64(charsmap);
    // The trie is read lazily; walking it with every Latin-1 character finds a broken one now.
    for (let cp = 1; cp < 0x100; cp++) map.transform(String.fromCharCode(cp));
  } catch (error) {
    throw fileError(
      `${field}.precompiled_charsmap`,
      `is not a charsmap (${(error as Error).message})`,
    );
  }
  const normalize = precompiled(map);
  return (input) => {
    try {
      return normalize(input);
    } catch (error) {
      throw fileError(
        `${field}.precompiled_charsmap`,
        `is not a charsmap (${(error as Error).message})`,
      );
    }
  };
}
