/**
 * NFC, NFD, NFKC and NFKD with alignment, as the reference (`unicode-normalization-
 * alignments`) edits it: each source character is decomposed (its first character replaces
 * it, the rest are insertions), combining marks are put in canonical order carrying those
 * changes with them, and composition folds a character into the one it joins (which keeps
 * only its own range). Offsets are then handed out by position (`transformRange`).
 * Characters newer than the reference's Unicode tables are left alone, as it leaves them.
 */
import type { AlignedText } from '../../alignedText';
import { fromCharRun, toCharRun, transformRange, type Change } from '../../charAlignment';
import { unicodeClass } from '../../unicodeClasses';

export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

export function unicodeForm(form: UnicodeForm): (input: AlignedText) => AlignedText {
  const decomposition = form === 'NFC' || form === 'NFD' ? 'NFD' : 'NFKD';
  const composes = form === 'NFC' || form === 'NFKC';
  return (input) => {
    if (input.text.normalize(form) === input.text) return input;
    const run = toCharRun(input);
    const fresh = unicodeClass('normalizationNew');
    const edits: Change[] = [];
    let chars: string[] = [];
    let changes: number[] = [];
    const flush = (): void => {
      canonicalOrder(chars, changes);
      if (composes) for (const edit of compose(chars, changes)) edits.push(edit);
      else for (let i = 0; i < chars.length; i++) edits.push([chars[i]!, changes[i]!]);
      chars = [];
      changes = [];
    };
    for (const source of run.chars) {
      if (fresh.has(source.codePointAt(0)!)) {
        // Newer than the reference's tables: kept as it is, and nothing reorders across it.
        flush();
        edits.push([source, 0]);
        continue;
      }
      let first = true;
      for (const ch of source.normalize(decomposition)) {
        chars.push(ch);
        changes.push(first ? 0 : 1);
        first = false;
      }
    }
    flush();
    return fromCharRun(transformRange(run, 0, run.chars.length, edits));
  };
}

/**
 * Sorts marks into canonical order, stably; each character keeps its change. Equal
 * characters have equal combining classes, so the n-th occurrence of a character in the
 * ordered text is its n-th occurrence before.
 */
function canonicalOrder(chars: string[], changes: number[]): void {
  const joined = chars.join('');
  const ordered = joined.normalize('NFD');
  if (ordered === joined) return;
  const places = new Map<string, number[]>();
  chars.forEach((c, i) => {
    const at = places.get(c);
    if (at) at.push(i);
    else places.set(c, [i]);
  });
  const taken = new Map<string, number>();
  const before = changes.slice();
  let i = 0;
  for (const c of ordered) {
    const n = taken.get(c) ?? 0;
    taken.set(c, n + 1);
    chars[i] = c;
    changes[i++] = before[places.get(c)![n]!]!;
  }
}

/**
 * Canonical composition of the ordered characters: each composed character is matched to
 * the characters of its decomposition (its first is the next unused character, the others
 * the next unused equal ones after it); each one folded in removes a source position.
 */
function compose(chars: string[], changes: number[]): Change[] {
  const composed = chars.join('').normalize('NFC');
  const used = new Uint8Array(chars.length);
  const edits: Change[] = [];
  let next = 0;
  for (const out of composed) {
    while (used[next]) next++;
    used[next] = 1;
    let change = changes[next]!;
    let first = true;
    for (const part of out.normalize('NFD')) {
      if (first) {
        first = false;
        continue;
      }
      let j = next + 1;
      while (j < chars.length && (used[j] || chars[j] !== part)) j++;
      if (j === chars.length) break;
      used[j] = 1;
      change += changes[j]! - 1;
    }
    edits.push([out, change]);
  }
  return edits;
}
