/**
 * Hostile model folders, generated at test time, given to the built CLI as a user would:
 * each must end in one clear line naming the file, in bounded time and memory, with the
 * folder left as it was.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failsClearly, withinBounds } from './helpers/expectations';
import {
  Scratch,
  computePositions,
  editJson,
  poisonRows,
  sparseFile,
} from './helpers/modelFolders';
import { runCli } from './helpers/runBounded';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Replaces `dir/file` with whatever `make(path)` puts there. */
function replace(dir: string, file: string, make: (path: string) => void): void {
  rmSync(join(dir, file), { recursive: true, force: true });
  make(join(dir, file));
}

describe('hostile model folders (CLI)', () => {
  const scratch = new Scratch();
  after(() => scratch.remove());
  const inspect = (dir: string, text = 'x = f(y)', limitMs?: number) =>
    runCli(['--model', dir, '--text', text], limitMs);

  describe('defect 1: special files are never read', () => {
    it('defect 1: model.onnx symlinked to /dev/zero is refused before reading', async () => {
      const dir = scratch.copyOf();
      replace(dir, 'model.onnx', (p) => symlinkSync('/dev/zero', p));
      // Issue 27 item 14: a link out of the folder is not followed at all.
      failsClearly(
        await inspect(dir),
        /model\.onnx: is a symbolic link to a file outside the model folder/,
      );
    });

    it('defect 1: model.onnx that is a FIFO fails at once instead of hanging', async () => {
      const dir = scratch.copyOf();
      replace(dir, 'model.onnx', (p) => execFileSync('mkfifo', [p]));
      failsClearly(await inspect(dir), /model\.onnx: is not a regular file \(a FIFO\)/, {
        ms: 30_000,
      });
    });

    it('defect 1: tokenizer.json that is a FIFO fails at once instead of hanging', async () => {
      const dir = scratch.copyOf();
      replace(dir, 'tokenizer.json', (p) => execFileSync('mkfifo', [p]));
      failsClearly(await inspect(dir), /tokenizer\.json: is not a regular file \(a FIFO\)/, {
        ms: 30_000,
      });
    });
  });

  describe('defect 11: a big model.onnx is read once, and not at all when the folder is bad', () => {
    it('defect 11: a 1.5 GB model.onnx beside a broken manifest.json is never read', async () => {
      const dir = scratch.copyOf();
      sparseFile(join(dir, 'model.onnx'), 1.5 * GiB);
      writeFileSync(join(dir, 'manifest.json'), '{"format": 1}');
      failsClearly(await inspect(dir), /manifest\.json: field "format"/, { ms: 30_000, mib: 400 });
    });

    it('defect 11: a corrupt 400 MB model.onnx costs one copy of its bytes, not two', async () => {
      const dir = scratch.copyOf();
      sparseFile(join(dir, 'model.onnx'), 400 * MiB);
      // The file's bytes once (400 MiB) plus the CLI's own ~150 MiB; a second copy breaks this.
      failsClearly(await inspect(dir), /model\.onnx: not a valid ONNX model/, { mib: 400 + 300 });
    });
  });

  describe('defect 9: sizes are checked before reading, and said plainly', () => {
    it('defect 9: a model.onnx over 2 GiB is "too large", with what to do, not "unreadable"', async () => {
      const dir = scratch.copyOf();
      sparseFile(join(dir, 'model.onnx'), 2.5 * GiB);
      failsClearly(
        await inspect(dir),
        /model\.onnx: is 2\.5 GiB, more than the 2 GiB .*external data/,
        { ms: 30_000 },
      );
    });

    it('defect 9: an oversize tokenizer.json is refused before reading', async () => {
      const dir = scratch.copyOf();
      sparseFile(join(dir, 'tokenizer.json'), 1.2 * GiB);
      failsClearly(await inspect(dir), /tokenizer\.json: is 1\.2 GiB, more than the \d+ MiB/, {
        ms: 30_000,
      });
    });
  });

  it('defect 12: a symlinked tokenizer.json never shows its target’s bytes', async () => {
    const dir = scratch.copyOf();
    const secret = scratch.path('secret.txt');
    writeFileSync(secret, 'root:SECRET-TOKEN-8c1f:0:0:root:/root:/bin/bash\n');
    replace(dir, 'tokenizer.json', (p) => symlinkSync(secret, p));
    const run = await inspect(dir);
    // Issue 27 item 14: the link leads out of the folder, so it is not even read.
    failsClearly(run, /tokenizer\.json: is a symbolic link to a file outside the model folder/);
    assert.doesNotMatch(run.stderr, /root|SECRET|8c1f|bash|secret\.txt/);
  });

  describe('defect 2: the real context of the graph bounds every run', () => {
    it('defect 2: maxPositions above the graph’s position table is a clear manifest error', async () => {
      const dir = scratch.copyOf();
      editJson(dir, 'manifest.json', (m) => (m.maxPositions = 4096));
      const run = await inspect(dir, 'word '.repeat(200));
      failsClearly(
        run,
        /manifest\.json: field "maxPositions" is 4096, but model\.onnx has 64 positions/,
      );
      assert.doesNotMatch(run.stderr, /BroadcastIterator|ORT|onnxruntime/i);
    });

    it('defect 2: a huge maxPositions and a 10 MB text stay bounded', async () => {
      const dir = scratch.copyOf('decoder-noattn');
      editJson(dir, 'manifest.json', (m) => (m.maxPositions = 1e9));
      const text = scratch.path('ten-mb.txt');
      writeFileSync(text, 'let a = b + c;\n'.repeat(700_000));
      const run = await runCli(['--model', dir, '--text-file', text]);
      failsClearly(run, /"maxPositions" is 1000000000, but model\.onnx has 64 positions/);
    });

    it('defect 2: without a position table, a huge maxPositions is capped and the graph’s limit said plainly', async () => {
      const dir = scratch.copyOf('decoder-noattn');
      computePositions(dir, 'pos.weight');
      editJson(dir, 'manifest.json', (m) => (m.maxPositions = 1e9));
      const text = scratch.path('ten-mb-2.txt');
      writeFileSync(text, 'let a = b + c;\n'.repeat(700_000));
      const run = await runCli(['--model', dir, '--text-file', text]);
      failsClearly(
        run,
        /model\.onnx: failed on 8192 tokens inside onnxruntime \(.*broadcast.*\)\. .*"maxPositions" \(1000000000\)/,
        { mib: 700 },
      );
      assert.doesNotMatch(run.stderr, /\/mnt\/|\.h:\d+|ERROR_CODE/);
    });
  });

  describe('defect 3: attention that is not a distribution never reaches the export', () => {
    it('defect 3: NaN from position 5 on is reported with its layer, head and row', async () => {
      const dir = scratch.copyOf();
      poisonRows(dir, 'pos.weight', 5, Number.NaN);
      const run = await inspect(dir, 'a b c d e f g h i j');
      failsClearly(
        run,
        /model\.onnx: attn_0 \(layer 0, head 0\) row 5 is not a probability distribution \(it holds NaN\)/,
      );
      assert.equal(run.stdout, '', 'no JSON with NaN was printed');
    });

    it('defect 3: Infinity in a late row is caught too', async () => {
      const dir = scratch.copyOf();
      poisonRows(dir, 'pos.weight', 7, Number.POSITIVE_INFINITY);
      const run = await inspect(dir, 'a b c d e f g h i j');
      failsClearly(run, /layer 0, head \d\) row 7 is not a probability distribution/);
    });
  });

  describe('defect 7: a broken BPE tokenizer is named, not a TypeError', () => {
    // biome-ignore lint/suspicious/noExplicitAny: tests break this JSON on purpose: any field, any value
    const cases: [string, (t: any) => void][] = [
      ['missing merges', (t) => delete t.model.merges],
      ['merges that are a number', (t) => (t.model.merges = 42)],
      ['merges holding garbage', (t) => (t.model.merges = [1, null, { a: 2 }])],
    ];
    for (const [what, edit] of cases) {
      it(`defect 7: ${what}`, async () => {
        const dir = scratch.copyOf();
        editJson(dir, 'tokenizer.json', edit);
        const run = await inspect(dir);
        failsClearly(run, /tokenizer\.json: .*merges/);
        assert.doesNotMatch(run.stderr, /TypeError|undefined|is not a function/);
      });
    }
  });

  describe('generated folders', () => {
    const cases: [string, string, (dir: string) => void, RegExp][] = [
      [
        'truncated model.onnx',
        'decoder-noattn',
        (dir) => {
          const bytes = readFileSync(join(dir, 'model.onnx'));
          writeFileSync(join(dir, 'model.onnx'), bytes.subarray(0, 1000));
        },
        /model\.onnx: not a valid ONNX model/,
      ],
      [
        'random bytes as model.onnx',
        'decoder-attn',
        (dir) => writeFileSync(join(dir, 'model.onnx'), randomBytes(1 << 20)),
        /model\.onnx: not a valid ONNX model/,
      ],
      [
        'random bytes as tokenizer.json',
        'decoder-attn',
        (dir) => writeFileSync(join(dir, 'tokenizer.json'), randomBytes(4096)),
        /tokenizer\.json: not valid JSON/,
      ],
      [
        'random bytes as manifest.json',
        'decoder-attn',
        (dir) => writeFileSync(join(dir, 'manifest.json'), randomBytes(512)),
        /manifest\.json: not valid JSON/,
      ],
      [
        'an empty model.onnx',
        'decoder-attn',
        (dir) => writeFileSync(join(dir, 'model.onnx'), ''),
        /model\.onnx: not a valid ONNX model/,
      ],
      [
        'a folder named model.onnx',
        'decoder-attn',
        (dir) => replace(dir, 'model.onnx', (p) => mkdirSync(p)),
        /model\.onnx: is not a regular file \(a folder\)/,
      ],
      [
        'a symlink loop as manifest.json',
        'decoder-attn',
        (dir) => replace(dir, 'manifest.json', (p) => symlinkSync(p, p)),
        /manifest\.json: cannot be read \(ELOOP/,
      ],
      [
        'a dangling symlink as model.onnx',
        'decoder-attn',
        (dir) => replace(dir, 'model.onnx', (p) => symlinkSync('/nonexistent/x.onnx', p)),
        /model\.onnx: not found/,
      ],
      [
        'a manifest with the wrong head count',
        'decoder-attn',
        (dir) => editJson(dir, 'manifest.json', (m) => (m.heads = 3)),
        /model\.onnx: .*attn_0.*head/,
      ],
      [
        'a manifest with the wrong layer count',
        'decoder-noattn',
        (dir) => editJson(dir, 'manifest.json', (m) => (m.layers = 5)),
        /model\.onnx: .*(5|layers)/,
      ],
      [
        'a tokenizer from another model (ids beyond the embedding)',
        'decoder-attn',
        (dir) => editJson(dir, 'tokenizer.json', (t) => (t.added_tokens[0].id = 100_000)),
        /tokenizer\.json: has token ids up to 100000/,
      ],
    ];
    for (const [what, from, breakIt, says] of cases) {
      it(`fails clearly on ${what}, leaving the folder as it was`, async () => {
        const dir = scratch.copyOf(from);
        breakIt(dir);
        const before = snapshot(dir);
        failsClearly(await inspect(dir), says);
        assert.deepEqual(snapshot(dir), before, 'the folder is unchanged');
      });
    }

    it("a symlink into the Hugging Face cache's blobs/ still loads", async () => {
      const repo = scratch.path('models--org--fixture');
      const dir = join(repo, 'snapshots', 'rev1');
      mkdirSync(join(repo, 'snapshots'), { recursive: true });
      cpSync(scratch.copyOf(), dir, { recursive: true });
      const blobs = join(repo, 'blobs');
      mkdirSync(blobs, { recursive: true });
      writeFileSync(join(blobs, 'abc123'), readFileSync(join(dir, 'model.onnx')));
      replace(dir, 'model.onnx', (p) => symlinkSync(join(blobs, 'abc123'), p));
      const run = await inspect(dir);
      assert.equal(run.code, 0, run.stderr);
      withinBounds(run);
      assert.equal(JSON.parse(run.stdout).attentions.length, 2);
    });
  });
});

/** Name → content of the regular files of `dir` (special files by kind). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of execFileSync('find', [dir, '-printf', '%P %y %s %T@\n'], {
    encoding: 'utf8',
  }).split('\n')) {
    out[line.split(' ')[0]] = line;
  }
  return out;
}
