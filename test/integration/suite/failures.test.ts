import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  panelTabs,
  selectOffsets,
  useModel,
  waitFor,
} from './helpers';

describe('failures end in clear messages, never in exceptions', () => {
  let restoreModel: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await closeAll();
    await restoreModel();
  });

  it('names the bad file of a broken model folder in the panel', async () => {
    const broken = mkdtempSync(join(os.tmpdir(), 'attn-badmodel-'));
    writeFileSync(join(broken, 'manifest.json'), '{ this is not json');
    restoreModel = await useModel(broken);
    const editor = await openTempFile('a.py', 'x = 1\n');
    await selectOffsets(editor, 0, 5);
    const value = await inspectSelection();
    assert.equal(value, undefined);
    const state = extension().exports.panelState(editor.document.uri);
    assert.match(state?.failure ?? '', /manifest\.json|model\.onnx|tokenizer\.json/);
  });

  it('leaves the model unchanged when Select Model is given a folder that is not a model', async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    const before = extension().exports.modelDir();
    const empty = mkdtempSync(join(os.tmpdir(), 'attn-empty-'));
    assert.equal(
      await vscode.commands.executeCommand('attentionInspector.selectModel', empty),
      undefined,
    );
    assert.equal(extension().exports.modelDir(), before);
    assert.equal(
      await vscode.commands.executeCommand('attentionInspector.selectModel', FIXTURE_MODEL),
      FIXTURE_MODEL,
    );
  });

  it('cancels quietly when the panel is closed mid-run, and the next run works', async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    // Text no earlier test inspected, so the run is not answered from the cache.
    const text = `value_${Date.now()} = compute(${Math.random()})\n`;
    const editor = await openTempFile('b.py', text);
    await selectOffsets(editor, 0, text.length - 1);
    const running = inspectSelection();
    const { tab } = await waitFor(() => panelTabs()[0], 'the panel to open');
    await vscode.window.tabGroups.close(tab);
    // Either the run was cancelled (undefined) or it had already finished: it must not throw.
    const value = await running;
    assert.ok(value === undefined || value.tokens.length > 0);
    assert.equal(
      extension().exports.panelState(editor.document.uri),
      undefined,
      'the closed panel is forgotten',
    );
    await vscode.window.showTextDocument(editor.document);
    const next = await inspectSelection();
    assert.ok(next && next.tokens.length > 0);
  });
});
