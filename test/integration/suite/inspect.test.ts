import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import type { HeldResult } from '../../../src/engine/types';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  hoverTexts,
  inspectSelection,
  sliceOf,
  openTempFile,
  panelTabs,
  select,
  selectOffsets,
  useModel,
  waitFor,
  writeTempFile,
} from './helpers';

/** CRLF line ends, a tab, an accented letter and an astral emoji (two UTF-16 units). */
const SOURCE =
  'def add(a, b):\r\n\t"""Sum é 😀 of a and b."""\r\n    return a + b\r\n\r\nprint(add(1, 2))\r\n';

describe('inspecting a selection', () => {
  let restoreModel: () => Promise<void>;
  let editor: vscode.TextEditor;
  let result: HeldResult;
  let base: number;

  before(async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    await closeAll();
    editor = await openTempFile('sample.py', SOURCE);
    assert.equal(editor.document.eol, vscode.EndOfLine.CRLF);
    base = 0;
    await selectOffsets(editor, base, SOURCE.indexOf('print'));
    const value = await inspectSelection();
    assert.ok(value, 'the API resolves with the result');
    result = value;
  });

  after(async () => {
    await closeAll();
    await restoreModel();
  });

  it('holds per-layer, per-head attention whose rows sum to 1 in the engine', async () => {
    const n = result.tokens.length;
    assert.equal(result.text, SOURCE.slice(0, SOURCE.indexOf('print')));
    assert.equal('attentions' in result, false, 'the host keeps no attention tensor');
    assert.equal(result.stacks[0].layers, result.model.layers);
    for (let l = 0; l < result.model.layers; l++) {
      const layer = await sliceOf(result.resultId, { kind: 'encoder', layer: l });
      assert.ok(layer instanceof Float32Array);
      assert.equal(layer.length, result.model.heads * n * n);
      for (let row = 0; row < result.model.heads * n; row++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += layer[row * n + k];
        assert.ok(Math.abs(sum - 1) < 1e-3, `row ${row} sums to ${sum}`);
      }
    }
  });

  it('opens the panel beside the editor and leaves the focus in the editor', async () => {
    // The extension host hears about tabs asynchronously.
    const tabs = await waitFor(() => panelTabs().length > 0 && panelTabs(), 'the panel tab');
    assert.equal(tabs.length, 1);
    assert.notEqual(tabs[0].group.viewColumn, editor.viewColumn, 'the panel is in another group');
    assert.equal(vscode.window.activeTextEditor?.document, editor.document);
  });

  it('delivers the result to the webview once it says ready', async () => {
    const uri = editor.document.uri;
    const state = await waitFor(
      () => {
        const s = extension().exports.panelState(uri);
        return s?.ready && s.resultRunId !== undefined ? s : undefined;
      },
      'the webview to load and receive the result',
      30_000,
    );
    assert.equal(state.valid, true);
    assert.equal(state.invalidated, false);
  });

  it('reuses the one panel of the document for the next run', async () => {
    await selectOffsets(editor, 0, SOURCE.indexOf('\r\n'));
    const again = await inspectSelection();
    assert.ok(again);
    assert.equal(panelTabs().length, 1);
    // Back to the first result for the tests below.
    await selectOffsets(editor, base, SOURCE.indexOf('print'));
    result = (await inspectSelection()) as HeldResult;
    assert.ok(result);
  });

  it('runs from the command without handing the result back to the caller', async () => {
    // A keybinding's caller is the workbench, which would get the result JSON-serialised.
    const uri = editor.document.uri;
    const before = extension().exports.panelState(uri)?.resultRunId ?? -1;
    assert.equal(
      await vscode.commands.executeCommand('attentionInspector.inspectSelection'),
      undefined,
    );
    const after = extension().exports.panelState(uri)?.resultRunId ?? -1;
    assert.ok(after > before, `the command ran (result run ${before} → ${after})`);
    result = (await inspectSelection()) as HeldResult;
  });

  it('sends the result again when the hidden panel is shown and its webview reloads', async () => {
    const uri = editor.document.uri;
    const before = extension().exports.panelState(uri);
    assert.ok(before?.ready && before.resultRunId !== undefined);
    const column = panelTabs()[0].group.viewColumn;
    // Another editor on top of the panel hides it; without retained context its page goes.
    const cover = await vscode.workspace.openTextDocument(writeTempFile('cover.txt', 'cover'));
    await vscode.window.showTextDocument(cover, { viewColumn: column, preview: false });
    await waitFor(
      () => extension().exports.panelState(uri)?.ready === false,
      'the panel to unload',
    );
    const coverTab = vscode.window.tabGroups.all
      .flatMap((group) => group.tabs)
      .find(
        (tab) =>
          tab.input instanceof vscode.TabInputText &&
          tab.input.uri.toString() === cover.uri.toString() &&
          tab.group.viewColumn === column,
      );
    assert.ok(coverTab);
    await vscode.window.tabGroups.close(coverTab);
    const after = await waitFor(
      () => {
        const state = extension().exports.panelState(uri);
        return state?.ready ? state : undefined;
      },
      'the reloaded webview to say ready',
      30_000,
    );
    assert.equal(after.resultRunId, before.resultRunId, 'the same result is on show again');
    editor = await vscode.window.showTextDocument(editor.document, {
      viewColumn: editor.viewColumn,
    });
  });

  it('maps every token onto its exact source range in a CRLF file (editor hover)', async () => {
    const { document } = editor;
    const text = result.text;
    // VS Code has no position between \r and \n: a token edge there maps to the line end.
    const insideCrlf = (offset: number) => text[offset - 1] === '\r' && text[offset] === '\n';
    let checked = 0;
    let split = 0;
    for (const token of result.tokens) {
      if (token.special || token.start === token.end) continue;
      if (insideCrlf(token.start) || insideCrlf(token.end)) {
        split++;
        continue;
      }
      const hovers = await hoverTexts(document.uri, document.positionAt(base + token.start));
      const ours = hovers.find((h) => h.text.includes('Attention from'));
      assert.ok(ours?.range, `a hover for token ${JSON.stringify(token)}`);
      assert.equal(
        document.getText(ours.range),
        result.text.slice(token.start, token.end),
        JSON.stringify(token),
      );
      checked++;
    }
    assert.ok(checked >= 10, `${checked} tokens checked`);
    assert.ok(split > 0, 'the tokenizer split a CRLF, so that case was met');
  });

  it('lists the top attended tokens with weights in the hover', async () => {
    const { document } = editor;
    const at = result.text.indexOf('return');
    const index = result.tokens.findIndex((t) => !t.special && t.start <= at && at < t.end);
    assert.ok(index > 0);
    const [hover] = (
      await hoverTexts(document.uri, document.positionAt(base + result.tokens[index].start))
    ).filter((h) => h.text.includes('Attention from'));
    const weights = [...hover.text.matchAll(/\|\s*(0\.\d{3}|1\.000)\s*\|/g)].map((m) =>
      Number(m[1]),
    );
    assert.ok(weights.length >= 1 && weights.length <= 5, hover.text);
    assert.deepEqual(
      [...weights].sort((a, b) => b - a),
      weights,
      'largest first',
    );
  });

  it('focuses the token under the editor cursor in the panel', async () => {
    const uri = editor.document.uri;
    const index = result.tokens.findIndex(
      (t) => !t.special && t.end - t.start >= 2 && t.start > 10,
    );
    assert.ok(index > 0);
    const offset = base + result.tokens[index].start + 1;
    await select(
      editor,
      new vscode.Selection(editor.document.positionAt(offset), editor.document.positionAt(offset)),
    );
    await waitFor(
      () => extension().exports.panelState(uri)?.focusedToken === index,
      `focused token ${index}`,
    );
    // Leaving the inspected text clears the focus.
    const outside = editor.document.positionAt(SOURCE.length - 2);
    await select(editor, new vscode.Selection(outside, outside));
    await waitFor(
      () => extension().exports.panelState(uri)?.focusedToken === null,
      'no focused token',
    );
  });

  it('invalidates the result at once when the text before it is edited', async () => {
    const uri = editor.document.uri;
    assert.equal(extension().exports.panelState(uri)?.valid, true);
    assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), '# edited\r\n')));
    const state = await waitFor(() => {
      const s = extension().exports.panelState(uri);
      return s && !s.valid ? s : undefined;
    }, 'the result to become stale');
    assert.equal(state.invalidated, true, 'the panel is told');
    const hovers = await hoverTexts(uri, editor.document.positionAt(20));
    assert.ok(
      !hovers.some((h) => h.text.includes('Attention from')),
      'no hover from a stale result',
    );
  });

  it('inspects the current line when nothing is selected', async () => {
    const line = editor.document.lineAt(3); // "    return a + b" after the inserted line
    await select(
      editor,
      new vscode.Selection(line.range.start.translate(0, 5), line.range.start.translate(0, 5)),
    );
    const value = await inspectSelection();
    assert.ok(value);
    assert.equal(value.text, line.text);
  });

  it('refuses an empty line or a whitespace-only selection without a run', async () => {
    const empty = editor.document.lineAt(4);
    assert.equal(empty.text, '');
    await select(editor, new vscode.Selection(empty.range.start, empty.range.start));
    assert.equal(await inspectSelection(), undefined);
    const spaces = editor.document.lineAt(3).range.start;
    await select(editor, new vscode.Selection(spaces, spaces.translate(0, 4)));
    assert.equal(await inspectSelection(), undefined);
  });
});
