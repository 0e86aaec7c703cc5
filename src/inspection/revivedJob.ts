/**
 * The run that refills a panel VS Code restored after a reload: the saved text again, linked
 * to its document only if the document still holds that text where it was. A continuation's
 * panel comes back as the continuation it showed (its ids forced: continuationRecord.ts) while
 * its prompt is unchanged; otherwise as a plain inspection of the prompt, saying why.
 */
import * as vscode from 'vscode';
import { recordedBranch, revivedRequestOf } from '../panel/continuationRecord';
import type { RestoreInfo } from '../panel/restoreStore';
import { freshFamily } from './branchSet';
import type { PanelJob } from './panelRuns';
import { sameText } from './sourceNames';

export async function revivedJob(info: RestoreInfo): Promise<PanelJob> {
  let document: vscode.TextDocument | undefined;
  try {
    document = await vscode.workspace.openTextDocument(vscode.Uri.parse(info.uri));
  } catch {
    document = undefined;
  }
  const linked = document !== undefined && sameText(document, info.base, info.text);
  const generate = revivedRequestOf(info.continuation);
  const job: PanelJob = {
    text: info.text,
    label: info.label,
    modelDir: info.modelDir,
    ...(info.target ? { target: info.target } : {}),
    quiet: true,
    document: linked ? document : undefined,
    base: info.base,
    unlinkedReason: unlinkedReason(document !== undefined, generate !== undefined),
  };
  if (!linked || !generate) return job;
  // Its own continuation id: only the latest "Continue with Attention" can branch.
  const branches = { family: freshFamily(), shown: 0, list: [recordedBranch(info.continuation)] };
  return { ...job, generate, branches };
}

function unlinkedReason(opened: boolean, continuation: boolean): string {
  if (continuation) {
    return opened
      ? 'The prompt changed in the file since this continuation was shown, so only the prompt is inspected; run "Continue with Attention" again.'
      : 'The file of this continuation could not be opened, so only its prompt is inspected.';
  }
  return opened
    ? 'The file changed since this panel was last shown; run the inspection again.'
    : 'The inspected file could not be opened; this result is no longer linked to it.';
}
