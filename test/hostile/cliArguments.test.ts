/**
 * Hostile and careless command lines for the built CLI: each ends in one clear line (or a
 * correct export), in bounded time and memory, and never destroys a file.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failsClearly, withinBounds } from './helpers/expectations';
import { Scratch, editJson, fixtureModel } from './helpers/modelFolders';
import { CLI, runCli } from './helpers/runBounded';

const MODEL = fixtureModel('decoder-attn');

describe('hostile CLI arguments', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());

  describe('defect 4: --out never destroys the input or a previous export', () => {
    it('defect 4: --out equal to --text-file is refused and the text survives', async () => {
      const text = scratch.path('same.txt');
      writeFileSync(text, 'x = f(y)\n');
      const run = await runCli(['--model', MODEL, '--text-file', text, '--out', text]);
      failsClearly(run, /--out .*same\.txt is the text file being inspected/);
      assert.equal(readFileSync(text, 'utf8'), 'x = f(y)\n');
    });

    it('defect 4: the same file under another name (a symlink) is refused too', async () => {
      const text = scratch.path('real.txt');
      writeFileSync(text, 'a = b\n');
      symlinkSync(text, scratch.path('alias.txt'));
      const run = await runCli([
        '--model',
        MODEL,
        '--text-file',
        text,
        '--out',
        scratch.path('alias.txt'),
      ]);
      failsClearly(run, /is the text file being inspected/);
      assert.equal(readFileSync(text, 'utf8'), 'a = b\n');
    });

    it('defect 4: a write that fails half-way (file size limit) leaves the old export whole', () => {
      const dir = scratch.path('fsize');
      mkdirSync(dir);
      const out = join(dir, 'out.json');
      writeFileSync(out, '{"previous": true}');
      // ulimit -f 4: writes past 4 KiB fail with EFBIG, as on a full disk.
      const run = spawnSync(
        'bash',
        [
          '-c',
          `ulimit -f 4; exec node "${CLI}" --model "${MODEL}" --text 'x = f(y) + g(z)' --out "${out}"`,
        ],
        {
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      assert.notEqual(run.status, 0);
      assert.match(
        run.stderr.trim(),
        /^error: Cannot write --out .*out\.json: the file would be larger than allowed \(EFBIG\); any existing file there was left as it was/,
      );
      assert.equal(readFileSync(out, 'utf8'), '{"previous": true}');
      assert.deepEqual(readdirSync(dir), ['out.json'], 'no temporary file is left behind');
    });

    it('defect 4: a successful export replaces the old one completely', async () => {
      const out = scratch.path('replaced.json');
      writeFileSync(out, 'old'.repeat(100_000));
      const run = await runCli(['--model', MODEL, '--text', 'x = f(y)', '--out', out]);
      assert.equal(run.code, 0, run.stderr);
      withinBounds(run);
      assert.equal(JSON.parse(readFileSync(out, 'utf8')).text, 'x = f(y)');
    });
  });

  describe('defect 9: messages keep their hint and come before the work', () => {
    it('defect 9: a text that starts with "-" keeps Node’s hint about --text=', async () => {
      failsClearly(
        await runCli(['--model', MODEL, '--text', '-1 + x']),
        /ambiguous.*--text=-XYZ.*--help/,
      );
    });

    it('defect 9: --out in a missing folder is reported before the model is even read', async () => {
      const broken = scratch.copyOf();
      writeFileSync(join(broken, 'model.onnx'), 'not a model');
      const run = await runCli([
        '--model',
        broken,
        '--text',
        'x',
        '--out',
        scratch.path('nope/out.json'),
      ]);
      failsClearly(
        run,
        /Cannot write --out .*nope\/out\.json: the folder .*nope does not exist \(ENOENT\)/,
      );
    });

    it('defect 9: --out below a file says which part is not a folder', async () => {
      writeFileSync(scratch.path('plain'), '');
      failsClearly(
        await runCli(['--model', MODEL, '--text', 'x', '--out', scratch.path('plain/out.json')]),
        /is not a folder \(ENOTDIR\)/,
      );
    });

    it('defect 9: a manifest whose context leaves no room for text blames the manifest, not maxTokens', async () => {
      const dir = scratch.copyOf();
      editJson(dir, 'manifest.json', (m) => (m.maxPositions = 1));
      const run = await runCli(['--model', dir, '--text', 'x']);
      failsClearly(run, /"maxPositions" \(\d+\) in manifest\.json\) leaves no room/);
      assert.doesNotMatch(run.stderr, /attentionInspector\.maxTokens/);
    });
  });

  describe('defect 10: empty index lists are refused', () => {
    for (const list of ['', ',', '0,', ',1', '0,,1']) {
      it(`defect 10: --layers "${list}"`, async () => {
        failsClearly(
          await runCli(['--model', MODEL, '--text', 'x', '--layers', list]),
          /--layers takes a comma-separated list/,
        );
      });
    }
    it('defect 10: --heads "1,"', async () => {
      failsClearly(
        await runCli(['--model', MODEL, '--text', 'x', '--heads', '1,']),
        /--heads takes a comma-separated list/,
      );
    });
  });

  describe('other hostile arguments', () => {
    const cases: [string, string[], RegExp][] = [
      [
        'an unknown option',
        ['--text', 'x', '--frobnicate'],
        /Unknown option '--frobnicate'.*--help/,
      ],
      [
        'a number with a hex prefix',
        ['--text', 'x', '--digits', '0x3'],
        /--digits takes a whole number from 1 to 9, not "0x3"/,
      ],
      ['an empty --threads', ['--text', 'x', '--threads', ''], /--threads takes a whole number/],
      ['a negative --max-tokens', ['--text', 'x', '--max-tokens', '-5'], /--max-tokens/],
      [
        '--max-tokens in exponent form',
        ['--text', 'x', '--max-tokens', '1e9'],
        /--max-tokens takes a whole number/,
      ],
      ['a model that is a file', ['--model', '/etc/hostname', '--text', 'x'], /hostname/],
      ['a model at /dev/zero', ['--model', '/dev/zero', '--text', 'x'], /\/dev\/zero/],
      [
        'a --text-file that is /dev/zero',
        ['--text-file', '/dev/zero'],
        /\/dev\/zero: it is not a regular file/,
      ],
      [
        'a --text-file that is /dev/stdin',
        ['--text-file', '/dev/stdin'],
        /it is not a regular file/,
      ],
      ['--out a folder', ['--text', 'x', '--out', '/tmp'], /--out \/tmp is a folder/],
    ];
    for (const [what, args, says] of cases) {
      it(`fails clearly on ${what}`, async () => {
        const full = args.includes('--model') ? args : ['--model', MODEL, ...args];
        failsClearly(await runCli(full), says);
      });
    }

    it('--out /dev/null is written, not replaced', async () => {
      const run = await runCli(['--model', MODEL, '--text', 'x', '--out', '/dev/null']);
      assert.equal(run.code, 0, run.stderr);
      assert.ok(
        execFileSync('stat', ['-c', '%F', '/dev/null'], { encoding: 'utf8' }).includes(
          'character special',
        ),
      );
    });
  });
});
