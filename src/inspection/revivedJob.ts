/**
 * The run that refills a panel VS Code restored after a reload: the saved text again, linked
 * to its document only if the document still holds that text where it was.
 */
import * as vscode from 'vscode';
import type { RestoreInfo } from '../panel/restoreStore';
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
  return {
    text: info.text,
    label: info.label,
    modelDir: info.modelDir,
    ...(info.target ? { target: info.target } : {}),
    quiet: true,
    document: linked ? document : undefined,
    base: info.base,
    unlinkedReason: document
      ? 'The file changed since this panel was last shown; run the inspection again.'
      : 'The inspected file could not be opened; this result is no longer linked to it.',
  };
}
