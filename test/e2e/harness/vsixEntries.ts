/** Lists the files inside a `.vsix` (a zip) with Python's zipfile, which Debian always has. */
import { execFileSync } from 'node:child_process';

/** Paths of the files in the archive, e.g. `extension/dist/extension.js`. */
export function vsixEntries(vsix: string): string[] {
  const script =
    'import sys, zipfile\n' +
    'for i in zipfile.ZipFile(sys.argv[1]).infolist():\n' +
    '    print(i.filename) if not i.is_dir() else None\n';
  return execFileSync('python3', ['-c', script, vsix], { encoding: 'utf8' }).trim().split('\n');
}
