import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  select,
  useModel,
} from './helpers';

/** 80 lines of ~10 tokens each: far beyond the fixture decoder's 64-token context. */
const SOURCE = Array.from({ length: 80 }, (_, i) => `value_${i} = compute(${i}, "x")\n`).join('');
const CURSOR_LINE = 40;

describe('a selection longer than the model’s context', () => {
  let restoreModel: () => Promise<void>;
  let editor: vscode.TextEditor;

  before(async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    await closeAll();
    editor = await openTempFile('long.py', SOURCE);
  });

  after(async () => {
    await closeAll();
    await restoreModel();
  });

  it('is cut where the context ends; the lines around the cursor fit it whole', async () => {
    const lastLine = editor.document.lineCount - 1;
    await select(editor, new vscode.Selection(0, 0, lastLine, 0));
    const cut = await inspectSelection();
    assert.ok(cut?.truncation, 'the whole file does not fit 64 tokens');
    assert.equal(cut.tokens.length, 64);

    await select(editor, new vscode.Selection(CURSOR_LINE, 3, CURSOR_LINE, 3));
    const around = await extension().exports.inspectAroundCursor();
    assert.ok(around, 'Inspect Around Cursor resolves with the result');
    assert.equal(around.truncation, undefined, 'the window fits the context');
    const lines = SOURCE.split('\n');
    // Every line of SOURCE is different: the first inspected line says where the window starts.
    const inspected = around.text.split('\n');
    const first = lines.indexOf(inspected[0]);
    const count = inspected.length;
    assert.equal(around.text, lines.slice(first, first + count).join('\n'), 'whole lines');
    assert.ok(first <= CURSOR_LINE && CURSOR_LINE < first + count, `lines ${first}+${count}`);
    assert.ok(around.tokens.length > 40, `${around.tokens.length} tokens: most of the context`);
  });
});
