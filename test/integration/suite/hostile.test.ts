/**
 * The hostile inputs of test/hostile as VS Code users meet them: a model setting pointing
 * at a folder with special files, a binary file in the editor, a 10 MB selection. Each
 * ends in the engine's clear message (or a result), and the next command works.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HeldResult } from '../../../src/engine/types';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  selectOffsets,
  useModel,
} from './helpers';

/** A copy of the fixture model whose `model.onnx` is replaced by `make(path)`. */
function folderWith(make: (path: string) => void): string {
  const dir = join(mkdtempSync(join(os.tmpdir(), 'attn-hostile-')), 'model');
  cpSync(FIXTURE_MODEL, dir, { recursive: true });
  rmSync(join(dir, 'model.onnx'));
  make(join(dir, 'model.onnx'));
  return dir;
}

async function inspectAll(editor: vscode.TextEditor): Promise<HeldResult | undefined> {
  await selectOffsets(editor, 0, editor.document.getText().length);
  return inspectSelection();
}

/** After a failure, the fixture model inspects a fresh text: the extension still works. */
async function nextCommandWorks(): Promise<void> {
  await useModel(FIXTURE_MODEL);
  const editor = await openTempFile('next.py', `ok_${Date.now()} = 1\n`);
  const result = await inspectAll(editor);
  assert.ok(result && result.tokens.length > 0, 'the next inspection gave a result');
}

describe('hostile inputs in VS Code end in clear messages, and the next command works', function () {
  this.timeout(120_000);
  let restoreModel: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await closeAll();
    await restoreModel();
  });

  const folders: [string, (path: string) => void, RegExp][] = [
    ['a FIFO', (p) => execFileSync('mkfifo', [p]), /model\.onnx: is not a regular file \(a FIFO\)/],
    [
      'a symlink to /dev/zero',
      (p) => symlinkSync('/dev/zero', p),
      /model\.onnx: is a symbolic link to a file outside the model folder/,
    ],
  ];
  for (const [what, make, says] of folders) {
    it(`a model setting whose model.onnx is ${what} names the file in the panel`, async () => {
      restoreModel = await useModel(folderWith(make));
      const editor = await openTempFile('a.py', 'x = f(y)\n');
      assert.equal(await inspectAll(editor), undefined);
      assert.match(extension().exports.panelState(editor.document.uri)?.failure ?? '', says);
      await nextCommandWorks();
    });
  }

  it('a binary file open in the editor gives a result or a clear message, never an exception', async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    // VS Code refuses to open a file with NUL bytes as text unless told to; its text is this.
    const bytes = Array.from({ length: 2000 }, (_, i) => String.fromCharCode((i * 97) % 256)).join(
      '',
    );
    const document = await vscode.workspace.openTextDocument({
      content: bytes,
      language: 'plaintext',
    });
    const editor = await vscode.window.showTextDocument(document, {
      viewColumn: vscode.ViewColumn.One,
    });
    try {
      const result = await inspectAll(editor);
      if (result === undefined) {
        assert.match(extension().exports.panelState(editor.document.uri)?.failure ?? '', /\w/);
      } else {
        assert.ok(result.tokens.length > 0);
      }
      await nextCommandWorks();
    } finally {
      // An untitled document with content is dirty: closing it would ask to save, a modal
      // dialog that stops every later test.
      await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('a 10 MB selection is cut to the context and says so', async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    const line = `const v = compute(alpha, beta) + ${Date.now()};\n`;
    const editor = await openTempFile('big.js', line.repeat(Math.ceil(10e6 / line.length)));
    const started = Date.now();
    const result = await inspectAll(editor);
    assert.ok(result, 'a result');
    assert.equal(result.tokens.length, 64, 'cut to the fixture model’s context');
    assert.match(result.truncation?.reason ?? '', /characters; the first 64 tokens were inspected/);
    assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
    await nextCommandWorks();
  });
});
