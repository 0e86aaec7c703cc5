/** Hands a finished result to the editor mirror; stale at once if its text changed meanwhile. */
import type * as vscode from 'vscode';
import type { HeldResult } from '../engine/types';
import type { EditorMirror } from '../editor/editorMirror';
import { promptOnly } from './continuationMirror';
import { sameText } from './sourceNames';

/** A result and the document text it came from. */
export interface MirroredRun {
  runId: number;
  document: vscode.TextDocument;
  /** Offset of `text` in the document when the run started. */
  base: number;
  text: string;
  result: HeldResult;
  /** The document's version when the run started. */
  version: number | undefined;
  label: string;
}

export function mirrorResult(mirror: EditorMirror, key: string, run: MirroredRun): void {
  const { runId, document, base, text, version, label } = run;
  const result = promptOnly(run.result);
  const tracked = { start: base, end: base + text.length };
  mirror.track({ runId, document, base, result, label, valid: true, tracked });
  if (document.isClosed || (document.version !== version && !sameText(document, base, text))) {
    mirror.invalidate(
      key,
      'The text changed while it was being inspected; run the inspection again.',
    );
  }
}
