/** How inspected text and its panel are named to people, and checks on a document's text. */
import * as path from 'node:path';
import * as vscode from 'vscode';

/** "file.ts:12–40" (1-based lines), or "file.ts:12" for one line. */
export function sourceLabel(document: vscode.TextDocument, range: vscode.Range): string {
  const name = path.posix.basename(document.uri.path) || document.uri.toString();
  const first = range.start.line + 1;
  // A selection ending at the start of a line does not include that line.
  const last =
    range.end.line + (range.end.character === 0 && range.end.line > range.start.line ? 0 : 1);
  return first === last ? `${name}:${first}` : `${name}:${first}–${last}`;
}

/**
 * "Attention · name.ts", with the parent folder added when a panel in `taken` has that title:
 * titles are unique, because a restored panel is matched to its saved state by title.
 */
export function uniqueTitle(uri: vscode.Uri, taken: readonly string[]): string {
  const name = path.posix.basename(uri.path) || uri.toString();
  const plain = `Attention · ${name}`;
  if (!taken.includes(plain)) return plain;
  const parent = path.posix.basename(path.posix.dirname(uri.path));
  let title = `Attention · ${name} (${parent})`;
  for (let n = 2; taken.includes(title); n++) title = `Attention · ${name} (${parent} ${n})`;
  return title;
}

/** Whether `document` still holds `text` at offset `base`. */
export function sameText(document: vscode.TextDocument, base: number, text: string): boolean {
  const range = new vscode.Range(
    document.positionAt(base),
    document.positionAt(base + text.length),
  );
  return document.getText(range) === text;
}
