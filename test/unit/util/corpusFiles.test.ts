/** The files a head scan reads: .gitignore honoured, symlinks kept inside the paths given. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitignoreFilter, listCorpus, readCorpusFile } from '../../../src/util/corpusFiles';

describe('corpus files (issue 25)', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'ai-corpus-'));
    mkdirSync(join(dir, 'src', 'gen'), { recursive: true });
    mkdirSync(join(dir, 'build'));
    mkdirSync(join(dir, '.git'));
    writeFileSync(join(dir, '.gitignore'), 'build/\n*.log\n');
    writeFileSync(join(dir, 'src', '.gitignore'), 'gen/\n!keep.log\n');
    for (const f of [
      'src/a.py',
      'src/gen/b.py',
      'build/c.py',
      'x.log',
      'src/keep.log',
      '.git/HEAD',
    ])
      writeFileSync(join(dir, f), 'x = 1\n');
    symlinkSync(join(dir, 'src', 'a.py'), join(dir, 'inside-link.py'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('walks folders honouring nested .gitignore files, never .git, following inner links', async () => {
    const { files, skipped } = await listCorpus([dir]);
    const names = files.map((f) => f.slice(dir.length + 1)).sort();
    // src/a.py was reached first through the link: each file is read once.
    assert.deepEqual(names, ['.gitignore', 'inside-link.py', 'src/.gitignore', 'src/keep.log']);
    assert.deepEqual(skipped, []);
  });

  it('filters lists from elsewhere (findFiles) by the same rules', async () => {
    const ignored = gitignoreFilter(dir);
    const verdicts = await Promise.all(
      ['src/a.py', 'src/gen/b.py', 'build/c.py', 'x.log', 'src/keep.log', '.git/HEAD'].map((f) =>
        ignored(join(dir, f)),
      ),
    );
    assert.deepEqual(verdicts, [false, true, true, true, false, true]);
  });

  it('reads UTF-8 text and refuses what is not', async () => {
    assert.deepEqual(await readCorpusFile(join(dir, 'src', 'a.py')), { text: 'x = 1\n' });
    assert.deepEqual(await readCorpusFile(dir), {
      skip: 'not a regular file (a device, FIFO or socket)',
    });
  });
});
