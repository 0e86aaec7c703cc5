import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { HeldResult } from '../../../src/engine/types';
import {
  closeAll,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  sliceOf,
  selectOffsets,
  useModel,
} from './helpers';

const SOURCE = 'const total = items.reduce((sum, item) => sum + item.price, 0);\n';

interface ExportDoc {
  format: string;
  model: { layers: number; heads: number; architecture: string };
  text: string;
  tokens: { id: number; text: string; start: number; end: number; special: boolean }[];
  attentions: number[][][][];
}

describe('exporting attention to JSON', () => {
  let restoreModel: () => Promise<void>;
  let result: HeldResult;
  const outDir = mkdtempSync(join(os.tmpdir(), 'attn-export-'));

  before(async () => {
    restoreModel = await useModel(FIXTURE_MODEL);
    await closeAll();
    const editor = await openTempFile('prices.js', SOURCE);
    await selectOffsets(editor, 0, SOURCE.length - 1);
    result = (await inspectSelection()) as HeldResult;
    assert.ok(result);
  });

  after(async () => {
    await closeAll();
    await restoreModel();
  });

  it('writes the versioned document with shape (layers, heads, N, N) that loads as JSON', async () => {
    const target = vscode.Uri.file(join(outDir, 'all.attention.json'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>(
      'attentionInspector.exportJson',
      { target },
    );
    assert.equal(written?.fsPath, target.fsPath);
    const doc = JSON.parse(readFileSync(target.fsPath, 'utf8')) as ExportDoc;
    assert.equal(doc.format, 'attention-inspector/1');
    assert.equal(doc.text, result.text);
    const n = doc.tokens.length;
    assert.equal(n, result.tokens.length);
    assert.equal(doc.attentions.length, doc.model.layers);
    for (const layer of doc.attentions) {
      assert.equal(layer.length, doc.model.heads);
      for (const head of layer) {
        assert.equal(head.length, n);
        head.forEach((row, q) => {
          assert.equal(row.length, n);
          const sum = row.reduce((a, b) => a + b, 0);
          assert.ok(Math.abs(sum - 1) < 1e-3, `row ${q} sums to ${sum}`);
          if (doc.model.architecture === 'decoder') {
            assert.ok(
              row.slice(q + 1).every((w) => w === 0),
              `row ${q} is causal`,
            );
          }
        });
      }
    }
    for (const token of doc.tokens) {
      if (!token.special)
        assert.ok(doc.text.slice(token.start, token.end).length > 0, JSON.stringify(token));
    }
  });

  it('exports only the chosen layers and heads', async () => {
    const target = vscode.Uri.file(join(outDir, 'some.attention.json'));
    await vscode.commands.executeCommand('attentionInspector.exportJson', {
      target,
      layers: [1],
      heads: [0],
    });
    const doc = JSON.parse(readFileSync(target.fsPath, 'utf8')) as ExportDoc;
    const n = result.tokens.length;
    assert.deepEqual(
      [doc.attentions.length, doc.attentions[0].length, doc.attentions[0][0].length],
      [1, 1, n],
    );
    const expected = await sliceOf(result.resultId, { kind: 'encoder', layer: 1, heads: [0] });
    doc.attentions[0][0].flat().forEach((w, i) => {
      assert.ok(Math.abs(w - expected[i]) < 1e-6, `weight ${i}`);
    });
  });

  it('reports a layer the model does not have instead of writing a file', async () => {
    const target = vscode.Uri.file(join(outDir, 'bad.attention.json'));
    const written = await vscode.commands.executeCommand('attentionInspector.exportJson', {
      target,
      layers: [99],
    });
    assert.equal(written, undefined);
    await assert.rejects(async () => vscode.workspace.fs.stat(target));
  });
});
