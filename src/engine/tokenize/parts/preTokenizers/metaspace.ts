/**
 * `Metaspace` (SentencePiece: Llama 2 converted without legacy, T5, Marian…): spaces become
 * the replacement (`▁`), which is prepended per `prepend_scheme` (`always`; `first`: only
 * to the piece that starts the text; `never`), and with `split` words begin at each `▁`.
 * The legacy form (`add_prefix_space`) is read too. Linear in the piece's length.
 */
import { AlignedTextBuilder, type AlignedText } from '../../alignedText';
import { booleanAt, fileError, type PartJson } from '../fileError';
import { charStretches, splitPiece } from './splitting';

export function metaspace(json: PartJson, field: string): (piece: AlignedText) => AlignedText[] {
  const replacement = typeof json.replacement === 'string' ? json.replacement : '\u2581';
  const count = [...replacement].length;
  if (count !== 1) {
    throw fileError(
      `${field}.replacement`,
      `${JSON.stringify(replacement)} is ${count === 0 ? 'empty' : 'more than one character'} (it must be one character, e.g. "▁")`,
    );
  }
  const legacy = booleanAt(json, 'add_prefix_space', field, true) ? 'always' : 'never';
  const scheme = json.prepend_scheme ?? legacy;
  if (scheme !== 'always' && scheme !== 'first' && scheme !== 'never') {
    throw fileError(
      `${field}.prepend_scheme`,
      `${JSON.stringify(scheme)} is not one of "always", "first", "never"`,
    );
  }
  const split = booleanAt(json, 'split', field, true);
  const replacementCp = replacement.codePointAt(0)!;
  return (piece) => {
    let text = replaceSpaces(piece, replacement);
    const prepend =
      scheme === 'always' || (scheme === 'first' && piece.text.length > 0 && piece.starts[0] === 0);
    if (prepend && text.text.length > 0 && !text.text.startsWith(replacement)) {
      // The reference's `prepend`: the new character takes the first character's range.
      const b = new AlignedTextBuilder(text.text.length + replacement.length);
      b.push(replacement, text.starts[0]!, text.ends[0]!);
      b.append(text);
      text = b.build();
    }
    if (!split) return [text];
    return splitPiece(
      text,
      charStretches(text.text, (cp) => cp === replacementCp),
      'MergedWithNext',
    );
  };
}

/** Each space becomes the replacement, with the space's range. */
function replaceSpaces(piece: AlignedText, replacement: string): AlignedText {
  if (!piece.text.includes(' ')) return piece;
  if (replacement.length === 1) {
    return {
      text: piece.text.replaceAll(' ', replacement),
      starts: piece.starts,
      ends: piece.ends,
    };
  }
  const b = new AlignedTextBuilder(piece.text.length * 2);
  for (let i = 0; i < piece.text.length; i++) {
    const unit = piece.text[i]!;
    b.push(unit === ' ' ? replacement : unit, piece.starts[i]!, piece.ends[i]!);
  }
  return b.build();
}
