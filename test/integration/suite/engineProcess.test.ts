/**
 * Issue 22 item 3 through the extension: the engine runs in its own process, not in the
 * extension host; killed in the middle of a run (SIGKILL, what the kernel's out-of-memory
 * killer sends), the panel names the model and what to do, a fresh engine process is started
 * at once, and the next inspection works.
 */
import { strict as assert } from 'node:assert';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { endlessLoop } from '../../hostile/helpers/modelFolders';
import {
  closeAll,
  extension,
  FIXTURE_MODEL,
  inspectSelection,
  openTempFile,
  selectOffsets,
  useModel,
  waitFor,
} from './helpers';

/** Processes the extension host started from dist/engine.process.js (Linux: read from /proc). */
function engineProcesses(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (parent === process.pid && command.includes('engine.process.js'))
        found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

describe('the engine in its own process (issue 22 item 3)', function () {
  this.timeout(120_000);
  let restoreModel: () => Promise<void> = async () => undefined;

  afterEach(async () => {
    await closeAll();
    await restoreModel();
  });

  async function inspectsFixture(): Promise<void> {
    await restoreModel();
    restoreModel = await useModel(FIXTURE_MODEL);
    const editor = await openTempFile('next.py', `ok_${Date.now()} = 1\n`);
    await selectOffsets(editor, 0, editor.document.getText().length);
    const result = await inspectSelection();
    assert.ok(result && result.tokens.length > 0, 'the inspection gave a result');
  }

  it('killed mid-run (SIGKILL): the panel says what ran and what to do; the next inspection works', async () => {
    // The engine started and warm: what follows times only the looping model's run.
    await inspectsFixture();
    const [engine] = await waitFor(() => {
      const found = engineProcesses();
      return found.length === 1 && found;
    }, 'an engine process of the extension host');
    assert.notEqual(engine, process.pid);
    // A graph whose Loop never ends holds the engine in its run until it is killed.
    const dir = join(mkdtempSync(join(os.tmpdir(), 'attn-engine-process-')), 'looping-model');
    cpSync(FIXTURE_MODEL, dir, { recursive: true });
    endlessLoop(dir, 'attn_0');
    await restoreModel();
    restoreModel = await useModel(dir);
    const editor = await openTempFile('killed.py', 'def f(x): return x\n');
    await selectOffsets(editor, 0, editor.document.getText().length);
    const run = inspectSelection();
    // Loading a fixture takes well under this even on a busy machine; the Loop then holds the
    // run far longer (the watchdog's bound is 60 s).
    await new Promise((resolve) => setTimeout(resolve, 6000));
    process.kill(engine, 'SIGKILL');
    assert.equal(await run, undefined, 'a killed engine gave a result');
    const failure = extension().exports.panelState(editor.document.uri)?.failure ?? '';
    assert.match(failure, /^The inference engine was killed \(SIGKILL;/);
    assert.match(
      failure,
      /running looping-model \(\d+(\.\d)? KiB of graph and weights\) on \d+ tokens/,
    );
    assert.match(failure, /attentionInspector\.maxTokens.*Select Model…/);
    // A fresh engine is started at once, before the next request.
    const [fresh] = await waitFor(() => {
      const found = engineProcesses();
      return found.length === 1 && found[0] !== engine && found;
    }, 'a fresh engine process');
    await inspectsFixture();
    assert.deepEqual(engineProcesses(), [fresh]);
  });
});
