/**
 * Folders of today's tokenizer families through Select Model… (issue 20): a Qwen2-style
 * folder (NFC normalizer, byte-level BPE behind a Split regex) and a Llama-2-style one
 * (SentencePiece BPE with byte fallback, Xenova's decoder_model_merged.onnx layout). After
 * inspecting, hovering a byte of an NFC-composed character (`e` + U+0301 read as `é`) or a
 * byte-fallback piece (`<0xC5>` of `ŋ`) outlines exactly the source columns the CLI's offsets
 * give that token (the unit tests hold those offsets to the native library's), widened to
 * whole grapheme clusters: the reference gives the folded é the offsets of its `e` alone.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wholeGraphemes } from '../../src/editor/tokenMath';
import { type AttentionJson, cliInspect } from './harness/cliInspect';
import { readDecorations } from './harness/editorDecorations';
import { InspectorPanel } from './harness/inspectorPanel';
import { repoRoot } from './harness/paths';
import { startSession, type Session } from './harness/session';
import { lineColumn } from './harness/sourceRanges';

const FILE = 'unicode.py';
const HF = join(repoRoot, 'test', 'fixtures', 'hf');

const CASES = [
  {
    folder: 'qwen2',
    graph: 'onnx/model.onnx',
    what: 'the NFC-composed é (e + U+0301)',
    // The reference aligns the composed character with the `e` it starts at.
    pick: (cli: AttentionJson, i: number) =>
      cli.tokens[i].start === cli.text.indexOf('e\u0301') &&
      cli.tokens[i].end > cli.tokens[i].start,
  },
  {
    folder: 'tinyllama',
    graph: 'onnx/decoder_model_merged.onnx',
    what: 'a byte-fallback piece of ŋ',
    pick: (cli: AttentionJson, i: number) =>
      /^<0x[0-9A-F]{2}>$/.test(cli.tokens[i].text) &&
      cli.text.slice(cli.tokens[i].start, cli.tokens[i].end) === 'ŋ',
  },
] as const;

describe('Today’s tokenizer families in a real VS Code: Select Model…, inspect, hover', () => {
  let session: Session;
  let fileText: string;

  before(async () => {
    session = await startSession('light');
    fileText = readFileSync(join(session.workspace, FILE), 'utf8');
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await session?.captureFailure(this.currentTest.title);
  });

  after(async () => {
    await session?.close();
  });

  for (const { folder, graph, what, pick } of CASES) {
    it(`${folder}: hovering ${what} outlines its source characters`, async () => {
      const dir = join(HF, folder);
      // The previous case left the file and its panel open in two groups.
      await session.wb.runCommand('View: Close All Editors');
      await session.wb.runCommand('Attention Inspector: Select Model…');
      await session.wb.pickQuickItem('Browse for a model folder…');
      await session.wb.answerOpenFolderDialog(dir);
      if (folder === 'tinyllama') await session.wb.pickQuickItem(graph);
      await session.wb.waitForNotification('Attention Inspector now uses', 120_000);
      await session.wb.runCommand('Notifications: Clear All Notifications');

      await session.wb.openFile(FILE);
      const text = fileText.split('\n').slice(0, 2).join('\n');
      await session.wb.selectLines(1, 2);
      await session.wb.runCommand('Attention Inspector: Inspect Attention of Selection');
      const panel = await InspectorPanel.waitFor(session.wb);
      await session.wb.runCommand('Notifications: Clear All Notifications');
      const cli = cliInspect(text, dir);
      const query = cli.tokens.findIndex((_, i) => pick(cli, i));
      assert.ok(query >= 0, `no token for ${what} in ${cli.tokens.map((t) => t.text).join(' ')}`);
      await panel.showHeads(cli.model.layers - 1, [0]);
      await panel.hoverQuery(query);

      const token = cli.tokens[query];
      // The editor draws whole grapheme clusters: the é's U+0301 comes with its e.
      const { start, end } = wholeGraphemes(text, token.start, token.end);
      const where = lineColumn(fileText, start, end);
      let outlined: { line: number; start: number; end: number }[] = [];
      for (let tries = 0; tries < 50 && outlined.length === 0; tries++) {
        outlined = (await readDecorations(session.wb.page))
          .filter((r) => r.outline !== '')
          .map(({ line, start, end }) => ({ line, start, end }));
        if (outlined.length === 0) await session.wb.page.waitForTimeout(200);
      }
      assert.deepEqual(outlined, [where]);
    });
  }
});
