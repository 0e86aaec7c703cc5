/**
 * An encoder-decoder model in a real VS Code: the Marian-style fixture folder (Optimum layout,
 * encoder_model.onnx + decoder_model.onnx) chosen through Select Model…, a sentence inspected
 * (the model translates greedily), and a target token hovered in the panel: the editor must
 * shade exactly the source characters that token's cross-attention ranks highest, as the CLI
 * computes them independently.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliInspect, type AttentionJson } from './harness/cliInspect';
import { alphaOf, readDecorations } from './harness/editorDecorations';
import { InspectorPanel } from './harness/inspectorPanel';
import { repoRoot, screenshotDir } from './harness/paths';
import { startSession, type Session } from './harness/session';
import { unitLabel } from '../../src/shared/unitLabels';
import { formatWeight, visibleText } from '../../webview/format';
import { expectedHighlights, topAttended } from './harness/sourceRanges';

const MARIAN = join(repoRoot, 'test', 'fixtures', 'hf', 'opus-mt-tiny');
const FILE = 'translate.txt';
/** The `attentionInspector.topK` default: attended tokens highlighted per focused token. */
const TOP_K = 5;

describe('Encoder-decoder: a translation attends to its source, in the editor', () => {
  let session: Session;
  let panel: InspectorPanel;
  let cli: AttentionJson;
  let fileText: string;

  before(async () => {
    session = await startSession('dark');
    fileText = readFileSync(join(session.workspace, FILE), 'utf8');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  it('inspects a sentence with the Marian-style folder, on cross-attention', async () => {
    await session.wb.runCommand('Attention Inspector: Select Model…');
    await session.wb.pickQuickItem('Browse for a model folder…');
    await session.wb.answerOpenFolderDialog(MARIAN);
    await session.wb.waitForNotification('Attention Inspector now uses', 120_000);
    await session.wb.openFile(FILE);
    await session.wb.selectLines(1, 1);
    await session.wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    panel = await InspectorPanel.waitFor(session.wb);
    cli = cliInspect(fileText.split('\n')[0], MARIAN);
    const targets = cli.decoder_tokens ?? [];
    assert.ok(targets.length > 1, 'the CLI generated no target');
    assert.equal(await panel.frame.locator('.seq2seq-bar select').inputValue(), 'cross');
    // The head view: target tokens on the left, source tokens on the right.
    await panel.showHeads(0, [0]);
    assert.equal(await panel.queryLabels().then((l) => l.length), targets.length);
    const keys = await panel.frame.locator('.head-column.keys .token').count();
    assert.equal(keys, cli.tokens.length);
  });

  it('hovering a target token shades the source characters it attends to most', async () => {
    const layer = (cli.cross_attentions?.length ?? 1) - 1;
    const query = 1; // the first token the model wrote after the decoder start token
    await panel.showHeads(layer, [0]);
    await panel.hoverQuery(query);
    const row = cli.cross_attentions![layer][0][query];
    const expected = expectedHighlights(cli, row, TOP_K, 0, fileText).attended;
    assert.ok(expected.length > 0, 'the row attends to no source token with characters');
    let shaded: { line: number; start: number; end: number }[] = [];
    for (let tries = 0; tries < 50 && shaded.length < expected.length; tries++) {
      const runs = await readDecorations(session.wb.page);
      shaded = runs.filter((r) => alphaOf(r.background) > 0);
      if (shaded.length < expected.length) await session.wb.page.waitForTimeout(200);
    }
    const chars = (ranges: { line: number; start: number; end: number }[]) =>
      new Set(
        ranges.flatMap((r) =>
          Array.from({ length: r.end - r.start }, (_, i) => `${r.line}:${r.start + i}`),
        ),
      );
    const blank = (c: string) => {
      const [line, col] = c.split(':').map(Number);
      return /\s/.test(fileText.split('\n')[line - 1][col] ?? ' ');
    };
    const drawn = chars(shaded);
    const wanted = [...chars(expected)].filter((c) => !blank(c));
    assert.deepEqual(
      wanted.filter((c) => !drawn.has(c)),
      [],
      'attended characters not decorated',
    );
    assert.deepEqual(
      [...drawn].filter((c) => !wanted.includes(c) && !blank(c)),
      [],
      'decorated characters not attended',
    );
    await session.wb.page.screenshot({ path: join(screenshotDir, 'e2e-translation-dark.png') });
  });

  it('a target token’s logit lens: the decoder’s top 5 after each of its layers, as the CLI reads them', async () => {
    const query = 1;
    const withLens = cliInspect(fileText.split('\n')[0], MARIAN, ['--logit-lens', '5']);
    const lens = (withLens as unknown as Record<string, { text: string }[][][]>).decoder_logit_lens;
    assert.ok(lens, 'the CLI exported no decoder_logit_lens');
    // The layer the other tests show, so the next one finds the view as it expects.
    await panel.showHeads((cli.cross_attentions?.length ?? 1) - 1, [0]);
    await panel.frame.locator(`.head-column.queries .token[data-unit="${query}"]`).click();
    await panel.frame.locator('.logit-lens button.read-lens').click();
    const rows = panel.frame.locator('.logit-lens tbody tr');
    await rows.nth(lens.length - 1).waitFor({ timeout: 120_000 });
    assert.equal(await panel.frame.locator('.lens-refused').count(), 0);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td code')].map((c) => c.textContent ?? '')),
    );
    assert.deepEqual(
      shown,
      lens.map((positions) => positions[query].map((p) => visibleText(p.text))),
    );
  });

  it('the editor cursor on a source token lists, in the panel, the target tokens attending to it', async () => {
    const layer = (cli.cross_attentions?.length ?? 1) - 1;
    const line = fileText.split('\n')[0];
    const offset = line.indexOf('cat') + 1;
    const source = cli.tokens.findIndex((t) => t.start <= offset && offset < t.end);
    await session.wb.moveCursor(1, offset + 1);
    // The matrix choice (layer shown, head 0) decides the column, as in the view.
    const column = cli.cross_attentions![layer][0].map((row) => row[source]);
    const top = topAttended(column, TOP_K, () => true);
    const targets = cli.decoder_tokens!;
    const expected = top.map(
      ({ index, weight }) =>
        `${targets[index].text.replace(/^[▁Ġ]/, '') || targets[index].text} ${formatWeight(weight)}`,
    );
    const label = unitLabel([source], cli.tokens, line);
    await panel.frame
      .locator('.attended-by strong', { hasText: `“${label}”` })
      .waitFor()
      .catch(async (error: Error) => {
        const shown = await panel.frame.locator('.attended-by').textContent();
        throw new Error(`${error.message}\nthe panel's list instead: ${JSON.stringify(shown)}`);
      });
    const items = panel.frame.locator('.attending-targets li');
    assert.deepEqual(await items.allTextContents(), expected);
  });

  it('Inspect Translation… teacher-forces a typed target, and the panel generates again', async () => {
    await session.wb.selectLines(1, 1);
    await session.wb.runCommand('Attention Inspector: Inspect Translation…');
    await session.wb.answerInputBox('es ma t');
    const about = panel.frame.locator('.target-about');
    await about.filter({ hasText: 'typed target' }).waitFor({ timeout: 120_000 });
    assert.equal(await panel.frame.locator('.target-text').inputValue(), 'es ma t');
    const typed = await panel.queryLabels();
    assert.ok(typed.length > 1 && typed.length < 10, `${typed.length} decoder tokens`);
    assert.equal(typed[0], '<pad>', 'the decoder start token comes first');
    await panel.frame.locator('.seq2seq-bar button', { hasText: 'Generate' }).click();
    await about.filter({ hasText: 'generated greedily' }).waitFor({ timeout: 120_000 });
  });
});
