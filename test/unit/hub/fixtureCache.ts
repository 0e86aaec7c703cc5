/**
 * A Hugging Face cache built in a temp folder from the committed fixture folders, in the
 * layout `huggingface_hub` writes: `models--org--name/blobs/<etag>` (sha256 for LFS files,
 * the git blob sha1 for the others), `snapshots/<commit>/<path>` relative symlinks into
 * `blobs/`, `refs/<branch>` holding the commit. Plus the cases the listing must refuse.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from '../engine/fixtures';

const HF = join(ROOT, 'test', 'fixtures', 'hf');

/** Commits of the fixture cache (40 hex digits, as the Hub's). */
export const COMMITS = {
  gpt2Main: 'a'.repeat(40),
  gpt2Old: `b${'0'.repeat(39)}`,
  t5: 'c'.repeat(40),
  noOnnx: 'd'.repeat(40),
  partial: 'e'.repeat(40),
  escape: 'f'.repeat(40),
  byCommit: '1234567'.padEnd(40, '9'),
} as const;

export interface FixtureCache {
  dir: string;
  /** A file outside the cache that a hostile snapshot links to. */
  secret: string;
}

/** Builds the cache; the caller removes `dir` (and `dirname(secret)`). */
export function buildFixtureCache(): FixtureCache {
  const root = mkdtempSync(join(tmpdir(), 'hf-cache-'));
  const dir = join(root, 'hub');
  const secret = join(root, 'secret.json');
  writeFileSync(secret, '{"token": "not for the model"}');
  const repo = (name: string) => join(dir, `models--${name.replace('/', '--')}`);

  // Two revisions: main (Optimum layout) and an older one tagged v1 (Transformers.js layout).
  addSnapshot(repo('test/gpt2'), COMMITS.gpt2Main, folderFiles('gpt2'), ['main']);
  addSnapshot(repo('test/gpt2'), COMMITS.gpt2Old, folderFiles('gpt2-merged'), ['v1']);
  // An encoder-decoder with fp32 and fp16 graphs under onnx/.
  addSnapshot(repo('test/t5-small-tiny'), COMMITS.t5, folderFiles('t5-small-tiny'), ['main']);
  // A PyTorch-only repository: no graph.
  const noOnnx = folderFiles('bert').filter(([path]) => !path.endsWith('.onnx'));
  noOnnx.push(['model.safetensors', Buffer.from('not really weights')]);
  addSnapshot(repo('test/no-onnx'), COMMITS.noOnnx, noOnnx, ['main']);
  // A download that stopped inside model.onnx: its blob is .incomplete, no snapshot link yet.
  const bert = folderFiles('bert');
  const graph = bert.find(([path]) => path === 'model.onnx')?.[1] as Buffer;
  addSnapshot(
    repo('test/partial'),
    COMMITS.partial,
    bert.filter(([path]) => path !== 'model.onnx'),
    ['main'],
  );
  writeFileSync(
    join(repo('test/partial'), 'blobs', `${etag('model.onnx', graph)}.incomplete`),
    graph.subarray(0, graph.length >> 1),
  );
  // A snapshot whose tokenizer.json links outside the cache.
  addSnapshot(repo('test/escape'), COMMITS.escape, folderFiles('roberta'), ['main']);
  const link = join(repo('test/escape'), 'snapshots', COMMITS.escape, 'tokenizer.json');
  replaceWithLink(link, secret);
  // Downloaded by commit hash only: huggingface_hub writes no refs/ then.
  addSnapshot(repo('test/by-commit'), COMMITS.byCommit, folderFiles('distilbert'), []);
  // …and whose README.md blob was deleted (a broken link the library's scan throws on).
  const readme = join(repo('test/by-commit'), 'snapshots', COMMITS.byCommit, 'README.md');
  symlinkSync('../../blobs/0123456789abcdef0123456789abcdef01234567', readme);
  return { dir, secret };
}

/** Every file of a committed fixture folder, `/`-separated paths. */
function folderFiles(name: string): [string, Buffer][] {
  const base = join(HF, name);
  const walk = (sub: string): [string, Buffer][] =>
    readdirSync(join(base, sub)).flatMap((entry) => {
      const path = sub ? `${sub}/${entry}` : entry;
      return statSync(join(base, path)).isDirectory()
        ? walk(path)
        : [[path, readFileSync(join(base, path))] as [string, Buffer]];
    });
  return walk('');
}

function addSnapshot(repoDir: string, commit: string, files: [string, Buffer][], refs: string[]) {
  const snapshot = join(repoDir, 'snapshots', commit);
  mkdirSync(join(repoDir, 'blobs'), { recursive: true });
  for (const [path, bytes] of files) {
    const blob = join(repoDir, 'blobs', etag(path, bytes));
    writeFileSync(blob, bytes);
    const pointer = join(snapshot, path);
    mkdirSync(dirname(pointer), { recursive: true });
    symlinkSync(relative(dirname(pointer), blob), pointer);
  }
  for (const ref of refs) {
    mkdirSync(join(repoDir, 'refs'), { recursive: true });
    writeFileSync(join(repoDir, 'refs', ref), commit); // no newline, as huggingface_hub writes
  }
}

/** The Hub's etag: sha256 of an LFS file (graphs, weights), the git blob sha1 of the others. */
function etag(path: string, bytes: Buffer): string {
  if (/\.(onnx|onnx_data|safetensors)$/.test(path))
    return createHash('sha256').update(bytes).digest('hex');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

function replaceWithLink(path: string, target: string): void {
  rmSync(path);
  symlinkSync(target, path);
}
