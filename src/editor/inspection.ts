/** One finished inspection as the editor side tracks it. */
import * as vscode from 'vscode';
import type { HeldResult } from '../engine/types';
import { type OffsetRange, wholeGraphemes } from './tokenMath';

/** A result tied to the document range it was read from. */
export interface Inspection {
  /** The host's run id, as the webview knows it. */
  runId: number;
  /** The source document; replaced by the new object when a closed document is reopened. */
  document: vscode.TextDocument;
  /** Document offset (UTF-16, `document.offsetAt`) the inspected text started at. */
  base: number;
  /** Its metadata: the engine holds the attention (src/editor/rowReader.ts reads rows). */
  result: HeldResult;
  /** "file.ts:12–40", shown in the panel and messages. */
  label: string;
  /** False once the document changed in or before the inspected text. */
  valid: boolean;
  /** The inspected stretch of the document, moved along with edits (for "run again"). */
  tracked: OffsetRange;
}

/**
 * The document range of token `index`; undefined for special tokens (no source). Token
 * offsets are UTF-16 units into the text, which started at document offset `base`; VS Code
 * offsets count `\r\n` as two units, as `getText()` does, so CRLF files map exactly. A
 * range ending inside a grapheme cluster is widened to the whole cluster, which is what the
 * editor can draw.
 */
export function tokenRange(inspection: Inspection, index: number): vscode.Range | undefined {
  const token = inspection.result.tokens[index];
  if (!token || token.special || token.start === token.end) return undefined;
  const { document, base } = inspection;
  const { start, end } = wholeGraphemes(inspection.result.text, token.start, token.end);
  return new vscode.Range(document.positionAt(base + start), document.positionAt(base + end));
}

/** Document offset just past the inspected text. */
export function inspectionEnd(inspection: Inspection): number {
  return inspection.base + inspection.result.text.length;
}

/** The inspected stretch as it stands after edits; undefined once it is gone (closed, deleted). */
export function trackedRange(inspection: Inspection | undefined): vscode.Range | undefined {
  if (!inspection || inspection.document.isClosed) return undefined;
  const { document, tracked } = inspection;
  if (tracked.end <= tracked.start) return undefined;
  return new vscode.Range(document.positionAt(tracked.start), document.positionAt(tracked.end));
}
