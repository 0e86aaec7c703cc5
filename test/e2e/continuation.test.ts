/**
 * Continue with Attention (issue 23) in a real VS Code: the command on a selected function
 * signature writes the bundled model's greedy continuation (the CLI's --generate gives the
 * same), the document untouched; three → on the step slider focus generated token 4, and the
 * editor shades prompt characters it attended to; Insert Continuation edits the document once
 * and one undo restores it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { alphaOf, readDecorations } from './harness/editorDecorations';
import { repoRoot } from './harness/paths';
import { modelDir, type Session, startSession } from './harness/session';

const FILE = 'sample.py';

/** The editor's rendered lines, top to bottom, blanks as spaces. */
async function renderedLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.editor-instance .view-lines .view-line')]
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((line) => (line.textContent ?? '').replace(/\u00a0/g, ' ')),
  );
}

describe('Continue with Attention in a real VS Code (code-server, the .vsix installed)', () => {
  let session: Session;
  let original: string[];
  let expected: { continuation: string; generated: number };

  before(async () => {
    session = await startSession('light');
    original = readFileSync(join(session.workspace, FILE), 'utf8').split('\n');
    const cli = join(repoRoot, 'dist', 'cli.js');
    const model = modelDir === undefined ? [] : ['--model', modelDir];
    const args = [cli, ...model, '--text', original[0]!, '--generate', '32', '--layers', '0'];
    const doc = JSON.parse(execFileSync('node', args, { encoding: 'utf8', maxBuffer: 1 << 26 }));
    expected = {
      continuation: (doc.text as string).slice(original[0]!.length),
      generated: doc.generated_tokens.length,
    };
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('continues a selected signature, steps with the keyboard, shades the attended prompt, inserts once', async function () {
    this.timeout(240_000);
    const { wb } = session;
    await wb.openFile(FILE).catch(async () => {
      await wb.page.keyboard.press('Escape');
      await wb.openFile(FILE);
    });
    await wb.selectLines(1, 1);
    await wb.page.keyboard.press('Control+Alt+G');
    const frame = await wb.frameWith('.generation-bar:not([hidden])', 120_000);
    const bar = frame.locator('.generation-bar');
    assert.equal(
      await bar.locator('input[type=range]').getAttribute('max'),
      String(expected.generated),
    );
    await wb.waitForNotification(`the model wrote ${expected.generated} tokens`);
    const lines = await renderedLines(wb.page);
    assert.deepEqual(lines.slice(0, 3), original.slice(0, 3), 'nothing written yet');

    // The matrix view draws rows (the model view draws thumbnails): its focused row is mirrored.
    await frame.locator('#tab-matrix').click();
    await bar.locator('input[type=range]').focus();
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('ArrowRight');
    await bar.locator('.generation-position', { hasText: /^4 \// }).waitFor();
    let shaded: { line: number }[] = [];
    for (let tries = 0; tries < 50 && shaded.length === 0; tries++) {
      shaded = (await readDecorations(wb.page)).filter((r) => alphaOf(r.background) > 0);
      if (shaded.length === 0) await wb.page.waitForTimeout(200);
    }
    assert.ok(shaded.length > 0, 'the editor shades what generated token 4 attended to');
    assert.ok(
      shaded.every((r) => r.line === 1),
      `only the prompt (line 1) is shaded: ${JSON.stringify(shaded)}`,
    );

    await wb.runCommand('Attention Inspector: Insert Continuation');
    const inserted = `${original[0]}${expected.continuation}`.split('\n');
    const after = [...inserted, ...original.slice(1)];
    let shown = await renderedLines(wb.page);
    for (let tries = 0; tries < 50 && shown[1] === original[1]; tries++) {
      await wb.page.waitForTimeout(200);
      shown = await renderedLines(wb.page);
    }
    assert.deepEqual(shown.slice(0, 4), after.slice(0, 4), 'the continuation, once');

    // A second insert has nothing to insert: the document changes once.
    await wb.runCommand('Attention Inspector: Insert Continuation');
    await wb.waitForNotification('there is no continuation to insert');
    assert.deepEqual((await renderedLines(wb.page)).slice(0, 4), after.slice(0, 4));

    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+Z');
    await wb.page.waitForTimeout(500);
    assert.deepEqual((await renderedLines(wb.page)).slice(0, 3), original.slice(0, 3), 'undone');
  });
});
