import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unitLabel } from '../../src/shared/unitLabels';
import { formatWeight } from '../../webview/format';
import { cliInspect, type AttentionJson } from './harness/cliInspect';
import { alphaOf, readDecorations } from './harness/editorDecorations';
import { InspectorPanel } from './harness/inspectorPanel';
import { screenshotDir } from './harness/paths';
import { modelDir, startSession, type Session, type ThemeName } from './harness/session';
import { bracketPair, expectedHighlights, lineColumn, topAttended } from './harness/sourceRanges';

const FILE = 'sample.ts';
/** The function `sumEvenSquares`, lines 2–10 of test/e2e/workspace/sample.ts. */
const FIRST_LINE = 2;
const LAST_LINE = 10;
const TOP_K = 5;

describe('Attention Inspector in a real VS Code (code-server 1.100.3, the .vsix installed)', () => {
  let session: Session;
  let panel: InspectorPanel;
  let fileText: string;
  /** Offset of the selection in the file, and the selected text. */
  let base: number;
  let selected: string;
  let cli: AttentionJson;
  const started = Date.now();

  before(async () => {
    session = await startSession('light');
    fileText = readFileSync(join(session.workspace, FILE), 'utf8');
    const lines = fileText.split('\n');
    base = lines.slice(0, FIRST_LINE - 1).join('\n').length + 1;
    selected = lines.slice(FIRST_LINE - 1, LAST_LINE).join('\n');
    mkdirSync(screenshotDir, { recursive: true });
    console.log(`      model: ${modelDir ?? 'bundled (models/mini-code-gpt)'}`);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
    // CI logs list the screenshots this run wrote.
    const shots = readdirSync(screenshotDir).filter((f) => /^e2e-.+\.png$/.test(f));
    for (const file of shots.sort()) {
      const { size, mtimeMs } = statSync(join(screenshotDir, file));
      if (mtimeMs >= started) console.log(`      out/screenshots/${file} (${size} bytes)`);
    }
  });

  it('lists its commands in the F1 palette once a file is open', async () => {
    await session.wb.openFile(FILE);
    const labels = await session.wb.paletteEntries('Attention Inspector');
    const titles = ['Inspect Attention of Selection', 'Export Attention to JSON…'];
    for (const title of [
      ...titles,
      'Inspect Attention Around Cursor',
      'Inspect Translation…',
      'Select Model…',
      'Download Model from Hugging Face…',
    ]) {
      assert.ok(labels.includes(`Attention Inspector: ${title}`), `${title} not in ${labels}`);
    }
  });

  it('inspects a function selected with the keyboard and shows the model view', async () => {
    // More room for the panel (and the screenshots): the side bar is not needed.
    await session.wb.runCommand('View: Close Primary Side Bar');
    await session.wb.selectLines(FIRST_LINE, LAST_LINE);
    await session.wb.waitForStatus(`(${selected.length} selected)`);
    await session.wb.runCommand('Attention Inspector: Inspect Attention of Selection');
    panel = await InspectorPanel.waitFor(session.wb);
    // Toasts (e.g. a truncation notice) would cover the panel in the screenshots.
    await session.wb.runCommand('Notifications: Clear All Notifications');
    cli = cliInspect(selected, modelDir);
    const { layers, heads } = cli.model;
    const expected = Array.from({ length: layers * heads }, (_, i) => [
      Math.floor(i / heads),
      i % heads,
    ]);
    assert.deepEqual(await panel.thumbnails(), expected);
    assert.equal(await panel.theme(), 'light');
  });

  it("shows the CLI's tokens and weights for the same text", async () => {
    const layer = cli.model.layers - 1;
    await panel.showHeads(layer, [0]);
    const labels = cli.tokens.map((_, i) => unitLabel([i], cli.tokens, cli.text));
    assert.deepEqual(await panel.queryLabels(), labels);

    const query = lastWordToken(cli);
    await panel.hoverQuery(query);
    const row = cli.attentions[layer][0][query];
    const shades = await panel.keyShades(true);
    assert.equal(shades.length, row.length);
    shades.forEach((shade, j) => {
      assert.ok(Math.abs(shade - Math.min(1, row[j])) < 1e-5, `key ${j}: ${shade} vs ${row[j]}`);
    });
    const top = topAttended(row, TOP_K, () => true);
    const shown = await panel.attended();
    assert.deepEqual(
      shown,
      top.map(({ index, weight }) => ({ label: labels[index], weight: formatWeight(weight) })),
    );
  });

  it('mirrors a hovered token as editor decorations on the attended source ranges', async () => {
    const layer = cli.model.layers - 1;
    const query = lastWordToken(cli);
    await panel.showHeads(layer, [0]);
    await panel.hoverQuery(query);
    const row = cli.attentions[layer][0][query];
    const expected = expectedHighlights(cli, row, TOP_K, base, fileText);
    const runs = await waitForDecorations(query, expected.attended.length);
    assertCovers(
      runs.filter((r) => r.background && alphaOf(r.background) > 0),
      expected.attended,
    );
    const focus = runs.filter((r) => r.outline !== '');
    assert.deepEqual(
      focus.map(({ line, start, end }) => ({ line, start, end })),
      [lineColumn(fileText, base + cli.tokens[query].start, base + cli.tokens[query].end)],
    );
    await screenshots('editor', 'light');
  });

  it('highlights the opening bracket in the editor when a closing bracket is hovered', async () => {
    const pair = bracketPair(cli, TOP_K);
    assert.ok(pair, 'no head ranks the opening bracket in the closing bracket’s top-k');
    console.log(
      `      ${cli.tokens[pair.close].text} → ${cli.tokens[pair.open].text}: ` +
        `layer ${pair.layer} head ${pair.head}, weight ${pair.weight.toFixed(3)}`,
    );
    await panel.showHeads(pair.layer, [pair.head]);
    await panel.hoverQuery(pair.close);
    const open = cli.tokens[pair.open];
    const bracket = lineColumn(fileText, base + open.start, base + open.end);
    const runs = await waitForDecorations(pair.close, 1);
    const shaded = runs.filter((r) => r.background && alphaOf(r.background) > 0);
    assert.ok(
      shaded.some(
        (r) => r.line === bracket.line && r.start <= bracket.start && r.end >= bracket.end,
      ),
      `opening bracket at ${JSON.stringify(bracket)} not in ${JSON.stringify(shaded)}`,
    );
    await session.wb.page.screenshot({ path: join(screenshotDir, 'e2e-bracket-light.png') });
  });

  for (const theme of ['light', 'dark'] as ThemeName[]) {
    it(`renders the model, matrix, head, summary and steps views in the ${theme} theme`, async () => {
      await session.setTheme(theme);
      await session.wb.runCommand('Notifications: Clear All Notifications');
      await panel.frame.locator(`body.vscode-${theme}`).waitFor();
      await panel.showView('model');
      await screenshots('model', theme);
      await panel.openThumbnail(cli.model.layers - 1, 0);
      await panel.frame.locator('.matrix-view canvas.matrix-base').hover();
      await screenshots('matrix', theme);
      const all = Array.from({ length: cli.model.heads }, (_, h) => h);
      await panel.showHeads(cli.model.layers - 1, all);
      await panel.hoverQuery(lastWordToken(cli));
      await screenshots('head', theme);
      await panel.showView('summary');
      await panel.frame.locator('.summary-table tbody tr').first().waitFor();
      assert.equal(
        await panel.frame.locator('.summary-table tbody tr').count(),
        cli.model.layers * cli.model.heads,
      );
      await screenshots('summary', theme);
      const checks = await panel.showSteps(cli.model.layers - 1, 0, lastWordToken(cli));
      assert.equal(checks.length, 2);
      for (const line of checks) assert.match(line, /^✓ /);
      await screenshots('steps', theme);
      if (theme === 'dark') {
        await panel.showHeads(cli.model.layers - 1, [0]);
        await panel.hoverQuery(lastWordToken(cli));
        await waitForDecorations(lastWordToken(cli), 1);
        await screenshots('editor', theme);
      }
    });
  }

  it('exports JSON that Python loads with shape (layers, heads, N, N)', async () => {
    const target = join(session.workspace, 'exported.attention.json');
    await session.wb.runCommand('Attention Inspector: Export Attention to JSON…');
    await session.wb.answerSaveDialog(target);
    // The notification names where the file went: it must be the path typed in the dialog.
    await session.wb.waitForNotification('exported.attention.json');
    const doc = JSON.parse(readFileSync(target, 'utf8')) as AttentionJson;
    assert.equal(doc.format, 'attention-inspector/1');
    assert.equal(doc.text, selected);
    assert.deepEqual(doc.tokens, cli.tokens);
    const shape = execFileSync(
      'python3',
      [
        '-c',
        'import json, sys\n' +
          'a = json.load(open(sys.argv[1]))["attentions"]\n' +
          'print(len(a), len(a[0]), len(a[0][0]), len(a[0][0][0]))',
        target,
      ],
      { encoding: 'utf8' },
    ).trim();
    const n = cli.tokens.length;
    assert.equal(shape, `${cli.model.layers} ${cli.model.heads} ${n} ${n}`);
    doc.attentions.forEach((layer, l) => {
      layer.forEach((head, h) => {
        head.forEach((row, q) => {
          row.forEach((w, k) => {
            assert.ok(Math.abs(w - cli.attentions[l][h][q][k]) < 1e-6, `${l}/${h}/${q}/${k}`);
          });
        });
      });
    });
  });

  /**
   * Polls until the editor shows the focus outline on token `focused` (so the decorations belong
   * to the latest hover) and at least `count` shaded runs.
   */
  async function waitForDecorations(focused: number, count: number) {
    const token = cli.tokens[focused];
    const where = lineColumn(fileText, base + token.start, base + token.end);
    for (let tries = 0; tries < 50; tries++) {
      const runs = await readDecorations(session.wb.page);
      const outlined = runs.some(
        (r) => r.outline && r.line === where.line && r.start === where.start && r.end === where.end,
      );
      if (outlined && runs.filter((r) => alphaOf(r.background) > 0).length >= count) return runs;
      await session.wb.page.waitForTimeout(200);
    }
    throw new Error(`the editor did not show token ${focused}'s attention`);
  }

  async function screenshots(view: string, theme: ThemeName): Promise<void> {
    await session.wb.page.waitForTimeout(300);
    await session.wb.page.screenshot({ path: join(screenshotDir, `e2e-${view}-${theme}.png`) });
  }
});

/** The last token whose label is a word (a good query: it has earlier tokens to attend to). */
function lastWordToken(doc: AttentionJson): number {
  for (let i = doc.tokens.length - 1; i >= 0; i--) {
    const t = doc.tokens[i];
    if (!t.special && /^\w+$/.test(doc.text.slice(t.start, t.end).trim())) return i;
  }
  throw new Error('no word token');
}

/** Asserts the decorated runs cover exactly the expected ranges' non-blank characters. */
function assertCovers(
  runs: { line: number; start: number; end: number }[],
  expected: { line: number; start: number; end: number }[],
): void {
  const chars = (ranges: { line: number; start: number; end: number }[]) =>
    new Set(
      ranges.flatMap((r) =>
        Array.from({ length: r.end - r.start }, (_, i) => `${r.line}:${r.start + i}`),
      ),
    );
  const drawn = chars(runs);
  const wanted = chars(expected);
  const missing = [...wanted].filter((c) => !drawn.has(c));
  const extra = [...drawn].filter((c) => !wanted.has(c));
  assert.deepEqual(missing, [], 'attended characters not decorated');
  assert.deepEqual(extra, [], 'decorated characters not attended');
}
