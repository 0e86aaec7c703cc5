/**
 * The files a head scan reads (issue 25), found and read safely: a folder is walked
 * honouring every `.gitignore` on the way (the `ignore` package: git's own matching rules)
 * and never `.git`; a symbolic link is followed only when it leads inside the paths given;
 * devices, FIFOs and sockets are never opened for reading; huge and binary files are skipped
 * with a note. Plain Node: the CLI and the extension share it.
 */
import { constants } from 'node:fs';
import { lstat, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';

/** Files larger than this are skipped: generated or data, not code a head is judged on. */
export const MAX_CORPUS_FILE_BYTES = 1024 ** 2;
/** A walk stops after this many files (a home folder given by mistake ends quickly). */
export const MAX_CORPUS_FILES = 100_000;

import type { SkippedFile } from '../engine/heads/headScanJson';

export type { SkippedFile };

export interface CorpusList {
  files: string[];
  skipped: SkippedFile[];
}

/** The regular files under `paths` (files or folders), in a stable order. */
export async function listCorpus(paths: readonly string[]): Promise<CorpusList> {
  const roots: string[] = [];
  for (const p of paths) roots.push(await realpath(p).catch(() => resolve(p)));
  const inside = (real: string) => roots.some((r) => real === r || real.startsWith(r + sep));
  const out: CorpusList = { files: [], skipped: [] };
  const seen = new Set<string>();
  const visit = async (path: string, rules: { base: string; ig: Ignore }[]): Promise<void> => {
    if (out.files.length >= MAX_CORPUS_FILES) return;
    const info = await lstat(path).catch(() => undefined);
    if (!info) {
      out.skipped.push({ path, reason: 'does not exist' });
      return;
    }
    let real = path;
    if (info.isSymbolicLink()) {
      real = await realpath(path).catch(() => '');
      if (!real || !inside(real)) {
        out.skipped.push({ path, reason: 'a symbolic link leading outside the paths given' });
        return;
      }
    }
    const target = info.isSymbolicLink() ? await stat(real) : info;
    if (seen.has(real)) return;
    seen.add(real);
    if (target.isDirectory()) {
      const ig = await gitignoreOf(path);
      const here = ig ? [...rules, { base: path, ig }] : rules;
      const names = (await readdir(path).catch(() => [])).sort();
      for (const name of names) {
        if (name === '.git') continue;
        const child = join(path, name);
        const childInfo = await lstat(child).catch(() => undefined);
        const isDir = childInfo?.isDirectory() ?? false;
        if (ignoredBy(here, child, isDir)) continue;
        await visit(child, here);
      }
      return;
    }
    if (!target.isFile()) {
      out.skipped.push({ path, reason: 'not a regular file (a device, FIFO or socket)' });
      return;
    }
    out.files.push(path);
  };
  for (const p of paths) await visit(p, []);
  return out;
}

/**
 * Git's precedence: the .gitignore nearest the file decides, a deeper `!pattern` re-including
 * what a shallower one ignored; a file no rule mentions is kept.
 */
function ignoredBy(
  rules: readonly { base: string; ig: Ignore }[],
  path: string,
  isDir: boolean,
): boolean {
  for (let i = rules.length - 1; i >= 0; i--) {
    const verdict = rules[i].ig.test(relative(rules[i].base, path) + (isDir ? '/' : ''));
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

async function gitignoreOf(dir: string): Promise<Ignore | undefined> {
  const text = await readFile(join(dir, '.gitignore'), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : ignore().add(text);
}

/** A file's text, or why it is skipped (huge, binary, not UTF-8, not a regular file). */
export async function readCorpusFile(path: string): Promise<{ text: string } | { skip: string }> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    // Non-blocking and no symlink at the last step: a FIFO swapped in fails at once.
    file = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { skip: `cannot be opened (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const info = await file.stat();
    if (!info.isFile()) return { skip: 'not a regular file (a device, FIFO or socket)' };
    if (info.size > MAX_CORPUS_FILE_BYTES) {
      return {
        skip: `${(info.size / 1024 ** 2).toFixed(1)} MiB, more than the ${MAX_CORPUS_FILE_BYTES / 1024 ** 2} MiB a scanned file may have`,
      };
    }
    const bytes = new Uint8Array(info.size);
    let at = 0;
    while (at < bytes.length) {
      const { bytesRead } = await file.read(bytes, at, bytes.length - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return textOf(bytes.subarray(0, at));
  } finally {
    await file.close();
  }
}

/** Strict UTF-8 without NUL characters; anything else is binary to a scan. */
function textOf(bytes: Uint8Array): { text: string } | { skip: string } {
  if (bytes.includes(0)) return { skip: 'binary (it holds NUL bytes)' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { skip: 'not UTF-8 text' };
  }
}

/**
 * Whether `.gitignore` files between `root` and a file ignore it (for file lists that come
 * from elsewhere, e.g. VS Code's findFiles, which applies files.exclude but not .gitignore).
 */
export function gitignoreFilter(root: string): (path: string) => Promise<boolean> {
  const rules = new Map<string, Promise<Ignore | undefined>>();
  const rulesOf = (dir: string) => {
    let found = rules.get(dir);
    if (!found) {
      found = gitignoreOf(dir);
      rules.set(dir, found);
    }
    return found;
  };
  return async (path) => {
    const parts = relative(root, path).split(sep);
    if (parts[0] === '..' || parts.includes('.git')) return true;
    // Each folder on the way: ignored there (as a folder) ends it; else the file's own verdict.
    for (let depth = 1; depth <= parts.length; depth++) {
      const rules: { base: string; ig: Ignore }[] = [];
      for (let d = 0; d < depth; d++) {
        const base = join(root, ...parts.slice(0, d));
        const ig = await rulesOf(base);
        if (ig) rules.push({ base, ig });
      }
      if (ignoredBy(rules, join(root, ...parts.slice(0, depth)), depth < parts.length)) return true;
    }
    return false;
  };
}
