import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInspect } from './harness/cliInspect';
import { InspectorPanel } from './harness/inspectorPanel';
import { repoRoot } from './harness/paths';
import { startSession, type Session } from './harness/session';

/** A Llama-style Transformers.js folder (onnx/ with three variants), no manifest.json. */
const BYO = join(repoRoot, 'test', 'fixtures', 'hf', 'llama');
const FILE = 'sample.py';

describe('Bring your own model: a Hugging Face export folder through Select Model…', () => {
  let session: Session;

  before(async () => {
    session = await startSession('dark');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('browses to the folder, offers its graph variants, and inspects with it', async () => {
    await session.wb.runCommand('Attention Inspector: Select Model…');
    await session.wb.pickQuickItem('Browse for a model folder…');
    await session.wb.answerOpenFolderDialog(BYO);
    // The folder holds onnx/model.onnx, model_fp16.onnx and model_quantized.onnx.
    await session.wb.pickQuickItem('onnx/model.onnx');
    await session.wb.waitForNotification('Attention Inspector now uses', 120_000);
    const notes = await session.wb.notifications();
    assert.ok(
      notes.some((n) => n.includes('2 layers × 4 heads') && n.includes('onnx/model.onnx')),
      notes.join('\n'),
    );

    await session.wb.openFile(FILE);
    const text = readFileSync(join(session.workspace, FILE), 'utf8')
      .split('\n')
      .slice(0, 3)
      .join('\n');
    await session.wb.selectLines(1, 3);
    await session.wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    const panel = await InspectorPanel.waitFor(session.wb);
    const cli = cliInspect(text, BYO);
    assert.equal(cli.tokens[0].text, '<|begin_of_text|>');
    assert.deepEqual(
      await panel.thumbnails(),
      Array.from({ length: 2 * 4 }, (_, i) => [Math.floor(i / 4), i % 4]),
    );
  });
});
