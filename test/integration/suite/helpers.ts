/** Shared by the integration tests: the extension under test, fixtures, polling, temp files. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { AttentionSliceRequest, HeldResult } from '../../../src/engine/types';
import type { ExtensionApi } from '../../../src/extension';

/** `publisher.name` from package.json. */
export const EXTENSION_ID = 'attention-inspector.attention-inspector';
/** The panel's view type (TabInputWebview reports it with a prefix, so compare endings). */
export const VIEW_TYPE = 'attentionInspector.heatmap';

/** The repository this suite was built from (found upwards from the compiled file). */
export const repoRoot: string = (() => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (
      existsSync(manifest) &&
      JSON.parse(readFileSync(manifest, 'utf8')).name === 'attention-inspector'
    )
      return dir;
  }
  throw new Error(`No attention-inspector package.json above ${__dirname}.`);
})();

/** A tiny decoder with attention outputs (2 layers × 2 heads), fast enough for every test. */
export const FIXTURE_MODEL = join(repoRoot, 'test/fixtures/models/decoder-attn');

export function extension(): vscode.Extension<ExtensionApi> {
  const found = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
  if (!found) throw new Error(`Extension ${EXTENSION_ID} is not installed in this VS Code.`);
  return found;
}

/**
 * Runs Inspect Selection through the extension's API, which resolves with the result (the
 * command itself resolves with nothing: see `resolvingWithNothing` in src/extension.ts).
 */
export async function inspectSelection(): Promise<HeldResult | undefined> {
  return (await extension().activate()).inspectSelection();
}

/** A part of a shown result's attention, asked of the engine through the extension's API. */
export async function sliceOf(
  resultId: number,
  request: AttentionSliceRequest,
): Promise<Float32Array> {
  return (await extension().activate()).slice(resultId, request);
}

/** Points the extension at `dir` (user settings) and returns a function that undoes it. */
export async function useModel(dir: string | undefined): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('attentionInspector');
  const before = config.inspect<string>('model')?.globalValue;
  await config.update('model', dir, vscode.ConfigurationTarget.Global);
  return async () => {
    await vscode.workspace
      .getConfiguration('attentionInspector')
      .update('model', before, vscode.ConfigurationTarget.Global);
  };
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | undefined | null | false,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Writes `content` byte for byte to a fresh temp file. */
export function writeTempFile(name: string, content: string): vscode.Uri {
  const file = join(mkdtempSync(join(os.tmpdir(), 'attn-it-')), name);
  writeFileSync(file, content);
  return vscode.Uri.file(file);
}

/** Writes `content` to a fresh temp file and opens it in an editor in the first group. */
export async function openTempFile(name: string, content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(writeTempFile(name, content));
  return vscode.window.showTextDocument(document, {
    viewColumn: vscode.ViewColumn.One,
    preview: false,
  });
}

/** Selects `range` (document offsets) in `editor`; see `select`. */
export function selectOffsets(
  editor: vscode.TextEditor,
  start: number,
  end: number,
): Promise<void> {
  const { document } = editor;
  return select(editor, new vscode.Selection(document.positionAt(start), document.positionAt(end)));
}

/**
 * Selects `selection` in `editor` through the workbench and returns once the extension host
 * holds it. Assigning `editor.selection` alone is not enough: the workbench echoes every
 * selection back, and in code-server (a busy browser tab) the echo of an earlier assignment
 * can arrive after a later one and put the old selection back under the next command.
 */
export async function select(
  editor: vscode.TextEditor,
  selection: vscode.Selection,
): Promise<void> {
  await vscode.window.showTextDocument(editor.document, {
    viewColumn: editor.viewColumn,
    selection,
    preview: false,
  });
  await waitFor(
    () => vscode.window.activeTextEditor?.selection.isEqual(selection),
    `the selection ${JSON.stringify(selection)} in the extension host`,
  );
}

/** The open tabs showing an attention panel, with their groups. */
export function panelTabs(): { tab: vscode.Tab; group: vscode.TabGroup }[] {
  return vscode.window.tabGroups.all.flatMap((group) =>
    group.tabs
      .filter(
        (tab) =>
          tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(VIEW_TYPE),
      )
      .map((tab) => ({ tab, group })),
  );
}

/** Closes every editor, so each suite starts from an empty window. */
export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** The text of the hovers VS Code gathers at `position` (all providers). */
export async function hoverTexts(
  uri: vscode.Uri,
  position: vscode.Position,
): Promise<{ text: string; range?: vscode.Range }[]> {
  const hovers =
    (await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      position,
    )) ?? [];
  return hovers.map((hover) => ({
    text: hover.contents.map((part) => (typeof part === 'string' ? part : part.value)).join('\n'),
    range: hover.range,
  }));
}
