/**
 * The ghost text of a continuation (issue 23) in up to three parts, so the step the panel
 * focuses can be highlighted inside it: before the step, the step, after it. Each part shown
 * on one line (a line break as ⏎, a tab as →), the whole cut at `limit` characters with an
 * ellipsis. Pure, no `vscode`.
 */

export interface GhostPart {
  text: string;
  /** The focused step's characters. */
  focused: boolean;
}

/** `text` split at `step` (character offsets into it); empty parts are left out. */
export function ghostParts(
  text: string,
  step: { start: number; end: number } | undefined,
  limit: number,
): GhostPart[] {
  const at = (n: number) => Math.min(text.length, Math.max(0, n));
  const cuts = step ? [0, at(step.start), at(Math.max(step.start, step.end)), text.length] : [];
  const raw: GhostPart[] = step
    ? [0, 1, 2].map((i) => ({ text: text.slice(cuts[i], cuts[i + 1]), focused: i === 1 }))
    : [{ text, focused: false }];
  const parts: GhostPart[] = [];
  let left = limit;
  for (const part of raw) {
    if (left <= 0) break;
    const shown = oneLine(part.text);
    if (shown === '' && !part.focused) continue;
    const cut = shown.length > left ? `${shown.slice(0, left)}…` : shown;
    left -= shown.length;
    // A step that writes nothing visible (a special token) still shows where it is.
    parts.push({ text: cut === '' ? '∅' : cut, focused: part.focused });
  }
  return parts;
}

function oneLine(text: string): string {
  return text.replace(/\r?\n/g, '⏎').replace(/\t/g, '→');
}
