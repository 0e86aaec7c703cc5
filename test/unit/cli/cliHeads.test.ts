/**
 * `node dist/cli.js heads` (issue 25) on the bundled model over a generated corpus
 * (tools/fixtures/headsCorpus.ts, written to a temp dir): the model card's roles rank first
 * (L0 H1 for previous token, a layer-1 induction head for induction), and bad input ends
 * with one clear line.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeHeadsCorpus } from '../../../tools/fixtures/headsCorpus';
import { CLI, runCli } from './runCli';

interface HeadsJson {
  pattern: string;
  files: number;
  tokens: number;
  heads: { layer: number; head: number; score: number; spread: number; count: number }[];
  examples: {
    layer: number;
    head: number;
    file: string;
    start: number;
    end: number;
    score: number;
  }[];
  fileList: { file: string; tokens: number }[];
}

describe('CLI heads (dist/cli.js heads)', function () {
  this.timeout(300_000);
  let dir = '';
  let corpus = '';
  before(() => {
    assert.ok(existsSync(CLI), 'run `node esbuild.mjs` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'ai-heads-'));
    corpus = join(dir, 'corpus');
    writeHeadsCorpus(corpus, 8);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const scan = async (...args: string[]): Promise<HeadsJson> => {
    const run = await runCli(['heads', ...args]);
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(run.stdout) as HeadsJson;
  };

  it('ranks L0 H1 first for previous token, with its examples', async () => {
    const json = await scan('--pattern', 'previous-token', corpus);
    assert.equal(json.files, 8);
    assert.deepEqual([json.heads[0].layer, json.heads[0].head], [0, 1]);
    assert.ok(json.heads[0].score > 0.9, `L0 H1 ${json.heads[0].score}`);
    assert.ok(json.heads[1].score < 0.5);
    assert.equal(json.heads.length, 16);
    const first = json.examples[0];
    assert.deepEqual([first.layer, first.head], [0, 1]);
    assert.ok(first.end > first.start);
    assert.match(first.file, /corpus\/file\d+\.(py|js)$/);
  });

  it('ranks an induction head of layer 1 (1.1 or 1.2, the model card’s) first for induction', async () => {
    const json = await scan('--pattern', 'induction', corpus);
    const [best, second] = json.heads;
    assert.equal(best.layer, 1);
    assert.ok([1, 2].includes(best.head), `best ${best.layer}.${best.head}`);
    assert.ok(
      best.score > 0.4 && best.score > 2 * json.heads[2].score,
      JSON.stringify(json.heads.slice(0, 3)),
    );
    assert.equal(second.layer, 1);
  });

  it('counts every token once whatever the window, and stops at the budget', async () => {
    const whole = await scan('--pattern', 'first-token', '--budget', '2000', corpus);
    const small = await scan(
      '--pattern',
      'first-token',
      '--budget',
      '2000',
      '--max-tokens',
      '64',
      corpus,
    );
    assert.equal(small.tokens, whole.tokens);
    assert.deepEqual(
      small.fileList.map((f) => f.tokens),
      whole.fileList.map((f) => f.tokens),
    );
    const cut = await runCli(['heads', '--pattern', 'first-token', '--budget', '300', corpus]);
    assert.equal(cut.code, 0, cut.stderr);
    assert.equal((JSON.parse(cut.stdout) as HeadsJson).tokens, 300);
    assert.match(cut.stderr, /note: the token budget \(300\) was spent; \d+ files were not read/);
  });

  it('says what is wrong: invalid regex, no match, nothing to scan, binary and special files', async () => {
    const bad = await runCli(['heads', '--pattern', 'custom', '--from', '(a', '--to', 'b', corpus]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'error: --from: "(a" has an unclosed "(".\n');
    const risky = await runCli([
      'heads',
      '--pattern',
      'custom',
      '--from',
      '(a+)+',
      '--to',
      'b',
      corpus,
    ]);
    assert.match(risky.stderr, /^error: --from: "\(a\+\)\+" repeats a group .* refused\.\n$/);
    const none = await runCli([
      'heads',
      '--pattern',
      'custom',
      '--from',
      'zqzq',
      '--to',
      'x',
      corpus,
    ]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /error: No query position matched the pattern custom \(--from "zqzq" --to "x"\) in 8 files/,
    );
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const nothing = await runCli([
      'heads',
      '--pattern',
      'induction',
      empty,
      join(dir, 'missing*.py'),
    ]);
    assert.equal(nothing.code, 2);
    assert.match(
      nothing.stderr,
      /error: No files to scan in .*empty .*missing\*\.py \(.*missing\*\.py does not exist\)/,
    );
    const odd = join(dir, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, 'blob.bin'), Buffer.from([1, 2, 0, 3]));
    writeFileSync(join(odd, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
    execFileSync('mkfifo', [join(odd, 'pipe')]);
    symlinkSync('/etc/passwd', join(odd, 'escape'));
    writeFileSync(join(odd, '.gitignore'), 'ignored.py\n.gitignore\n');
    writeFileSync(join(odd, 'ignored.py'), 'x = (1)\n');
    const skipped = await runCli(['heads', '--pattern', 'induction', odd]);
    assert.equal(skipped.code, 2);
    assert.match(skipped.stderr, /note: skipped .*blob\.bin: binary \(it holds NUL bytes\)/);
    assert.match(skipped.stderr, /note: skipped .*latin1\.txt: not UTF-8 text/);
    assert.match(skipped.stderr, /note: skipped .*pipe: not a regular file/);
    assert.match(
      skipped.stderr,
      /note: skipped .*escape: a symbolic link leading outside the paths given/,
    );
    assert.doesNotMatch(skipped.stderr, /ignored\.py/);
    assert.match(skipped.stderr, /error: No file could be scanned: all 4 were skipped/);
  });
});
