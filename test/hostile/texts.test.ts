/**
 * Hostile texts through the built CLI: encodings and byte order marks, control characters,
 * binary files, 10 MB. Each gives the export of what the user meant, or one clear line,
 * in bounded time and memory.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { failsClearly, withinBounds } from './helpers/expectations';
import { Scratch, fixtureModel } from './helpers/modelFolders';
import { runCli } from './helpers/runBounded';

const MODEL = fixtureModel('decoder-attn');
const TEXT = 'def f(x):\n    return [x, "é", "日本"]\n';

interface Export {
  text: string;
  tokens: { id: number; text: string; start: number; end: number; special?: boolean }[];
  attentions: number[][][][];
}

describe('hostile texts (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  let reference: Export;

  /** Runs the CLI on a text file holding `bytes`. */
  async function inspectBytes(name: string, bytes: Uint8Array | string) {
    const file = scratch.path(name);
    writeFileSync(file, bytes);
    return runCli(['--model', MODEL, '--text-file', file]);
  }

  before(async () => {
    const run = await inspectBytes('plain.txt', TEXT);
    assert.equal(run.code, 0, run.stderr);
    reference = JSON.parse(run.stdout);
  });

  describe('defect 8: byte order marks and UTF-16 are read as the text they hold', () => {
    const utf16le = (text: string) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const utf16be = (text: string) => {
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    };
    const cases: [string, Uint8Array][] = [
      ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT)])],
      ['UTF-16 LE with a BOM', utf16le(TEXT)],
      ['UTF-16 BE with a BOM', utf16be(TEXT)],
    ];
    for (const [what, bytes] of cases) {
      it(`defect 8: ${what} gives the same tokens as plain UTF-8`, async () => {
        const run = await inspectBytes(`${what}.txt`, bytes);
        assert.equal(run.code, 0, run.stderr);
        withinBounds(run);
        const doc: Export = JSON.parse(run.stdout);
        assert.equal(doc.text, TEXT);
        assert.deepEqual(doc.tokens, reference.tokens);
      });
    }

    it('defect 8: Latin-1 bytes are refused as not UTF-8, with what to do', async () => {
      failsClearly(
        await inspectBytes('latin1.txt', Buffer.from('caf\xe9 = 1\n', 'latin1')),
        /not UTF-8 .*iconv/,
      );
    });

    it('defect 8: a binary file is refused, not inspected as garbage', async () => {
      const bytes = randomBytes(64 * 1024);
      failsClearly(await inspectBytes('random.bin', bytes), /not UTF-8|binary/);
    });

    it('defect 8: UTF-8 with NUL bytes is refused as binary', async () => {
      failsClearly(
        await inspectBytes('nul.txt', 'abc\0\0\0def'),
        /NUL characters, so it looks like a binary file/,
      );
    });

    it('defect 8: a file that is only a BOM is empty', async () => {
      failsClearly(
        await inspectBytes('bom-only.txt', Buffer.from([0xef, 0xbb, 0xbf])),
        /empty or only whitespace/,
      );
    });
  });

  it('control characters are inspected and exported as valid JSON', async () => {
    const text = 'a\fb\x1bc\x07d\x00e\u2028f\u2029g\r\nh\u200bi\ufeffj';
    const run = await runCli(['--model', MODEL, '--text', text.replace('\x00', '')]);
    assert.equal(run.code, 0, run.stderr);
    withinBounds(run);
    assert.equal(JSON.parse(run.stdout).text, text.replace('\x00', ''));
  });

  it('a 10 MB text is cut to the context, in bounded time and memory, and says so', async () => {
    const line = 'const value = compute(alpha, beta) + 42; // ünïcödé 日本\n';
    const run = await inspectBytes(
      'ten-mb.txt',
      line.repeat(Math.ceil(10e6 / Buffer.byteLength(line))),
    );
    assert.equal(run.code, 0, run.stderr);
    withinBounds(run, { mib: 500 });
    assert.match(
      run.stderr,
      /^note: The text has [\d,]+ characters; the first 64 tokens were inspected/,
    );
    assert.equal(JSON.parse(run.stdout).tokens.length, 64);
  });
});
