/**
 * "Open Sample": the walkthrough's text to inspect, an untitled copy of media/walkthrough/sample.py
 * so nothing of the user's is touched.
 */
import * as vscode from 'vscode';

/** Opens the bundled sample as an untitled Python document with its first function selected. */
export function openSampleCommand(extensionUri: vscode.Uri): () => Promise<void> {
  return async () => {
    const file = vscode.Uri.joinPath(extensionUri, 'media', 'walkthrough', 'sample.py');
    const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    const document = await vscode.workspace.openTextDocument({ language: 'python', content });
    const editor = await vscode.window.showTextDocument(document, vscode.ViewColumn.One);
    const end = content.indexOf('\n\n\n');
    const range = new vscode.Range(
      document.positionAt(0),
      document.positionAt(end > 0 ? end : content.length),
    );
    editor.selection = new vscode.Selection(range.start, range.end);
    editor.revealRange(range);
  };
}
