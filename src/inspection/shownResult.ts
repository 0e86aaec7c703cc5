/** A result on show in a panel: its metadata only; the engine holds its attention (issue 22). */
import type * as vscode from 'vscode';
import type { HeldResult } from '../engine/types';

export interface ShownHeld {
  runId: number;
  result: HeldResult;
  label: string;
  /** The document the text came from, if known: exports default to its folder. */
  source?: vscode.Uri;
}
