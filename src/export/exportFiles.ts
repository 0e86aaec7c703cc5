/**
 * Writing what the panel shows to disk or the clipboard: the attention JSON (all or chosen
 * layers/heads), rendered views as PNG/SVG, and text such as a matrix as CSV. Files go through
 * `vscode.workspace.fs` (remote and virtual workspaces too), defaulting beside the source file;
 * the attention JSON of a local file streams through Node's fs (attentionFile.ts).
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  type AttentionSlicer,
  type ExportedResult,
  type ExportOptions,
  streamAttentionJson,
} from '../engine/export/attentionJson';
import { ExportCancelled, writeAttentionJsonFile } from './attentionFile';

/** `<source file><suffix>` beside the source, or in the workspace/home folder for untitled files. */
export function defaultUriBeside(source: vscode.Uri | undefined, suffix: string): vscode.Uri {
  if (source && source.scheme !== 'untitled') {
    const dir = path.posix.dirname(source.path);
    return source.with({ path: path.posix.join(dir, path.posix.basename(source.path) + suffix) });
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const name = source ? path.posix.basename(source.path) : 'selection';
  return vscode.Uri.joinPath(folder, name + suffix);
}

/**
 * Writes the export JSON to `target`, asking `slice` for one layer at a time. A local file
 * is streamed to disk (attentionFile.ts); any other scheme (a virtual file system) only
 * takes whole files through `vscode.workspace.fs`, so there the document is gathered first.
 */
export async function writeAttentionJson(
  result: ExportedResult,
  slice: AttentionSlicer,
  options: ExportOptions,
  target: vscode.Uri,
  isCancelled: () => boolean = () => false,
): Promise<number> {
  if (target.scheme === 'file') {
    return writeAttentionJsonFile(target.fsPath, result, slice, options, isCancelled);
  }
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  let size = 0;
  await streamAttentionJson(
    result,
    slice,
    async (chunk) => {
      if (isCancelled()) throw new ExportCancelled();
      const bytes = encoder.encode(chunk);
      parts.push(bytes);
      size += bytes.byteLength;
      // The extension host serves every extension: let it breathe between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    },
    options,
  );
  const whole = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    whole.set(part, at);
    at += part.byteLength;
  }
  await vscode.workspace.fs.writeFile(target, whole);
  return size;
}

/** Asks where to save, starting from `defaultUri`; undefined if the user cancels. */
export function askSaveUri(
  defaultUri: vscode.Uri,
  kind: string,
  extensions: string[],
): Thenable<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    defaultUri,
    filters: { [kind]: extensions },
    saveLabel: 'Save',
  });
}

/** The bytes of a rendered view: an SVG document, or a PNG data URL decoded. */
export function imageBytes(format: 'png' | 'svg', data: string): Uint8Array {
  if (format === 'svg') return new TextEncoder().encode(data);
  const prefix = 'data:image/png;base64,';
  if (!data.startsWith(prefix))
    throw new Error('The panel sent a PNG that is not a base64 data URL.');
  return Buffer.from(data.slice(prefix.length), 'base64');
}

/** Saves a rendered view where the user picks, defaulting to `<file>.<suggestedName>`. */
export async function saveImage(
  source: vscode.Uri | undefined,
  format: 'png' | 'svg',
  data: string,
  suggestedName: string,
): Promise<vscode.Uri | undefined> {
  const name = suggestedName.toLowerCase().endsWith(`.${format}`)
    ? suggestedName
    : `${suggestedName}.${format}`;
  const target = await askSaveUri(defaultUriBeside(source, `.${name}`), format.toUpperCase(), [
    format,
  ]);
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, imageBytes(format, data));
  void offerToOpen(
    `Saved ${format.toUpperCase()} to ${vscode.workspace.asRelativePath(target)}.`,
    target,
  );
  return target;
}

/** Puts `text` on the clipboard and says what was copied. */
export async function copyText(text: string, what: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(`Copied ${what} to the clipboard.`);
}

/** An information message with an "Open" button for a file just written. */
export async function offerToOpen(message: string, target: vscode.Uri): Promise<void> {
  if ((await vscode.window.showInformationMessage(message, 'Open')) === 'Open') {
    await vscode.commands.executeCommand('vscode.open', target);
  }
}
