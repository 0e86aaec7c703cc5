/**
 * Issue 27 items 1, 3 and 15 through the extension: a backtracking tokenizer pattern and a
 * graph with an endless Loop are stopped at attentionInspector.runTimeoutSeconds, the panel
 * names what ran, and the next inspection works; the Steps path of the extension's worker
 * runs a float16 graph.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from '../../../src/worker/engineClient';
import { startNodeWorker } from '../../../src/worker/nodeWorkerHandle';
import { editJson, endlessLoop } from '../../hostile/helpers/modelFolders';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  repoRoot,
  selectOffsets,
  useModel,
} from './helpers';

const TIMEOUT_S = 3;

function copyOf(dir: string): string {
  const copy = join(mkdtempSync(join(os.tmpdir(), 'attn-watchdog-')), 'model');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

async function inspectAll(text: string): Promise<{ failure: string; uri: vscode.Uri }> {
  const editor = await openTempFile('w.txt', text);
  await selectOffsets(editor, 0, text.length);
  assert.equal(await inspectSelection(), undefined, 'the hostile folder gave a result');
  const failure = extension().exports.panelState(editor.document.uri)?.failure ?? '';
  return { failure, uri: editor.document.uri };
}

async function nextInspectionWorks(): Promise<void> {
  await useModel(FIXTURE_MODEL);
  const editor = await openTempFile('next.py', `ok_${Date.now()} = 1\n`);
  await selectOffsets(editor, 0, editor.document.getText().length);
  const result = await inspectSelection();
  assert.ok(result && result.tokens.length > 0, 'the next inspection gave a result');
}

describe('the watchdog in VS Code (issue 27 items 1, 3, 15)', function () {
  this.timeout(120_000);
  let restoreModel: () => Promise<void> = async () => undefined;
  const settings = () => vscode.workspace.getConfiguration('attentionInspector');

  before(async () => {
    await settings().update('runTimeoutSeconds', TIMEOUT_S, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await settings().update('runTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
  });
  afterEach(async () => {
    await closeAll();
    await restoreModel();
  });

  it('item 1: a slow Replace pattern is stopped, named in the panel', async () => {
    const dir = copyOf(join(repoRoot, 'test/fixtures/hf/opus-mt-tiny'));
    editJson(dir, 'tokenizer.json', (json) => {
      // Let through by the load-time check (no repeated group), yet hours on 200 `a`s.
      json.normalizer = { type: 'Replace', pattern: { Regex: 'a*a*a*a*a*a*a*b' }, content: 'x' };
    });
    restoreModel = await useModel(dir);
    const started = Date.now();
    const { failure } = await inspectAll('a'.repeat(200));
    assert.match(failure, /tokenizer\.json: normalizer\.pattern "a\*a\*.*b" ran past \d+ s/);
    assert.ok(Date.now() - started < 60_000, 'stopped within its bound');
    await nextInspectionWorks();
  });

  it('item 15: a graph with an endless Loop is stopped, named in the panel', async () => {
    const dir = copyOf(FIXTURE_MODEL);
    endlessLoop(dir, 'attn_0');
    restoreModel = await useModel(dir);
    const { failure } = await inspectAll('def f(x): return x');
    assert.match(
      failure,
      new RegExp(`model\\.onnx: running on \\d+ tokens ran past ${TIMEOUT_S} s`),
    );
    await nextInspectionWorks();
  });

  it("item 3: the Steps view's request runs on a float16 graph in the extension's worker", async () => {
    const dist = join(extension().extensionPath, 'dist');
    const client = new EngineClient(() =>
      startNodeWorker(join(dist, 'engine.worker.js'), {
        wasmDir: join(dist, 'ort'),
        numThreads: 1,
      }),
    );
    try {
      const modelDir = join(repoRoot, 'test/fixtures/hf/llama');
      const inspected = await client.inspect({ modelDir, text: 'hi', variant: 'fp16' }).result;
      const steps = await client.headSteps({
        modelDir,
        variant: 'fp16',
        ids: inspected.tokens.map((t) => t.id),
        requests: [{ layer: 0, head: 0 }],
      });
      assert.equal(steps.length, 1);
      // A second request exposes the same tensors again: one Cast each, no duplicate node.
      const again = await client.headSteps({
        modelDir,
        variant: 'fp16',
        ids: inspected.tokens.map((t) => t.id),
        requests: [
          { layer: 0, head: 0 },
          { layer: 1, head: 1 },
        ],
      });
      assert.equal(again.length, 2);
    } finally {
      await client.dispose();
    }
  });
});
