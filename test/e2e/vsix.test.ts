import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { vsixEntries } from './harness/vsixEntries';
import { repoRoot } from './harness/paths';
import { vsixPath } from './harness/session';

describe('the packaged .vsix (npm run package)', () => {
  let files: string[];
  before(() => {
    files = vsixEntries(vsixPath()).map((file) => file.replace(/^extension\//, ''));
    const size = statSync(vsixPath()).size;
    console.log(`      ${files.length} files, ${(size / 2 ** 20).toFixed(2)} MiB`);
  });

  it('carries the bundles, the ONNX Runtime wasm files, media, README and LICENSE', () => {
    // vsce stores the README as readme.md and the licence as LICENSE.txt.
    const lower = files.map((file) => file.toLowerCase());
    for (const file of ['package.json', 'readme.md', 'dist/extension.js']) {
      assert.ok(lower.includes(file), `${file} is missing`);
    }
    assert.ok(
      lower.some((file) => /^license(\.txt|\.md)?$/.test(file)),
      'LICENSE is missing',
    );
    // Exactly the bundles the extension and the CLI run: nothing stale or unused ships.
    assert.deepEqual(files.filter((file) => /^dist\/[^/]+\.js$/.test(file)).sort(), [
      'dist/cli.js',
      'dist/engine.process.js',
      'dist/engine.worker.js',
      'dist/extension.js',
      'dist/webview.js',
    ]);
    assert.ok(
      files.some((file) => /^dist\/ort\/.+\.wasm$/.test(file)),
      'no dist/ort/*.wasm',
    );
    assert.ok(
      files.some((file) => /^dist\/ort\/.+\.mjs$/.test(file)),
      'no dist/ort/*.mjs',
    );
    if (existsSync(join(repoRoot, 'media'))) {
      assert.ok(
        files.some((file) => file.startsWith('media/')),
        'no media/',
      );
    }
  });

  it('carries CHANGELOG.md, and vsce packaged it without a warning', () => {
    assert.ok(
      files.some((file) => file.toLowerCase() === 'changelog.md'),
      'CHANGELOG.md is missing',
    );
    // test/e2e/run.sh keeps what `npm run package` printed.
    const printed = readFileSync(join(repoRoot, 'out', 'vsce-package.log'), 'utf8');
    assert.match(printed, /DONE\s+Packaged:/);
    const warnings = printed.split('\n').filter((line) => /warn/i.test(line));
    assert.deepEqual(warnings, []);
  });

  it('carries every model folder of models/ whole (the bundled default model)', () => {
    const inRepo = listFiles(join(repoRoot, 'models')).map((file) => `models/${file}`);
    const inVsix = files.filter((file) => file.startsWith('models/'));
    assert.deepEqual(inVsix.sort(), inRepo.sort());
  });

  it('leaves out sources, tests, fixtures, tools, caches, node_modules and source maps', () => {
    const banned = /^(src|test|tools|webview|node_modules|\.cache|\.ci|out)\/|\.map$|\.ts$/;
    const leaked = files.filter((file) => banned.test(file));
    assert.deepEqual(leaked, []);
    const docs = files.filter((file) => file.startsWith('docs/'));
    assert.ok(
      docs.every((file) => file.startsWith('docs/screenshots/')),
      docs.join(', '),
    );
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}
