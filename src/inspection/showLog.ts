/** The "Show Log" command and the button every error notification of ours offers. */
import * as vscode from 'vscode';

export const SHOW_LOG_COMMAND = 'attentionInspector.showLog';
const SHOW_LOG = 'Show Log';

/** An error notification with `buttons` and "Show Log"; resolves with the button chosen otherwise. */
export async function showErrorWithLog(
  message: string,
  ...buttons: string[]
): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, ...buttons, SHOW_LOG);
  if (choice === SHOW_LOG) {
    await vscode.commands.executeCommand(SHOW_LOG_COMMAND);
    return undefined;
  }
  return choice;
}
