import { strict as assert } from 'node:assert';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildFixtureCache, COMMITS, type FixtureCache } from '../unit/hub/fixtureCache';
import { InspectorPanel } from './harness/inspectorPanel';
import { startSession, type Session } from './harness/session';

const FILE = 'sample.py';

describe('Select Model… lists the Hugging Face cache (HF_HUB_CACHE) and inspects with one of its models', () => {
  let session: Session;
  let cache: FixtureCache;
  const before_ = process.env.HF_HUB_CACHE;

  before(async () => {
    cache = buildFixtureCache();
    // code-server (and so the extension host) inherits this process's environment.
    process.env.HF_HUB_CACHE = cache.dir;
    session = await startSession('dark');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
    if (before_ === undefined) delete process.env.HF_HUB_CACHE;
    else process.env.HF_HUB_CACHE = before_;
    if (cache) rmSync(dirname(cache.dir), { recursive: true, force: true });
  });

  it('offers each usable revision with its family and size, not the refused ones, and runs the one picked', async () => {
    await session.wb.runCommand('Attention Inspector: Select Model…');
    const rows = session.wb.page.locator('.quick-input-list .monaco-list-row');
    await rows
      .filter({ hasText: 'main · gpt2 (decoder) · 2 layers × 4 heads' })
      .first()
      .waitFor({ timeout: 30_000 });
    const texts = await rows.allTextContents();
    assert.ok(
      texts.some((t) => t.includes('test/gpt2') && t.includes('v1 · gpt2')),
      texts.join('\n'),
    );
    assert.ok(
      texts.some((t) => t.includes('test/t5-small-tiny') && t.includes('fp32, fp16')),
      texts.join('\n'),
    );
    assert.ok(!texts.some((t) => /test\/(escape|no-onnx|partial)/.test(t)), texts.join('\n'));

    await session.wb.pickQuickItem('main · gpt2 (decoder)');
    await session.wb.waitForNotification('Attention Inspector now uses', 120_000);
    const notes = await session.wb.notifications();
    const name = `test/gpt2@${COMMITS.gpt2Main.slice(0, 7)}`;
    assert.ok(
      notes.some((n) => n.includes(name) && n.includes('2 layers × 4 heads')),
      notes.join('\n'),
    );

    await session.wb.openFile(FILE);
    assert.ok(readFileSync(join(session.workspace, FILE), 'utf8').length > 0);
    await session.wb.selectLines(1, 3);
    await session.wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    const panel = await InspectorPanel.waitFor(session.wb);
    assert.deepEqual(
      await panel.thumbnails(),
      Array.from({ length: 2 * 4 }, (_, i) => [Math.floor(i / 4), i % 4]),
    );
  });
});
