import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

/**
 * The import boundaries of docs/layout.md are lint rules (biome.jsonc): each probe file is
 * written at a path of the layout into a scratch copy of the project and linted with the
 * repository's own config and Biome. A broken boundary must be reported, an allowed
 * import must not.
 */
const root = join(__dirname, '..', '..', '..');
const biome = join(root, 'node_modules', '.bin', 'biome');

interface Diagnostic {
  category: string;
  message: string;
  location: { path: string };
}

/** Lints `files` (path → source) laid out as in the repository; returns their diagnostics. */
async function lint(files: Record<string, string>): Promise<Diagnostic[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ai-lint-'));
  try {
    copyFileSync(join(root, 'biome.jsonc'), join(dir, 'biome.jsonc'));
    for (const [path, source] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), source);
    }
    const args = ['lint', '--vcs-enabled=false', '--reporter=json', '--max-diagnostics=none', '.'];
    // Biome exits 1 when it reports errors: that is the outcome under test, not a failure.
    const stdout = await promisify(execFile)(biome, args, { cwd: dir }).then(
      (done) => done.stdout,
      (failed: { stdout?: string }) => failed.stdout ?? '',
    );
    return (JSON.parse(stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The files among `diagnostics` that broke an import boundary. */
const broken = (diagnostics: Diagnostic[]) =>
  diagnostics
    .filter((d) => d.category === 'lint/style/noRestrictedImports')
    .map((d) => d.location.path)
    .sort();

const importing = (from: string) => `import { x } from '${from}';\nexport const y = x;\n`;

describe('lint: the import boundaries of docs/layout.md', () => {
  it('reports the engine importing outside src/engine, or vscode', async () => {
    const found = await lint({
      'src/engine/folder/protocol.ts': importing('../../protocol/webview'),
      'src/engine/worker.ts': importing('../worker/engineClient'),
      'src/engine/graph/vscode.ts': importing('vscode'),
      'src/engine/folder/graph.ts': importing('../graph/graphIndex'),
      'src/engine/engineTypes.ts': importing('./types'),
    });
    assert.deepEqual(broken(found), [
      'src/engine/folder/protocol.ts',
      'src/engine/graph/vscode.ts',
      'src/engine/worker.ts',
    ]);
  });

  it('reports the webview importing anything but src/shared, src/protocol and engine types', async () => {
    const found = await lint({
      'webview/views/command.ts': importing('../../src/commands/inspectSelection'),
      'webview/engine.ts': importing('../src/engine/engine'),
      'webview/heatmap/vscode.ts': importing('vscode'),
      'webview/views/shared.ts': importing('../../src/shared/topK'),
      'webview/protocol.ts': importing('../src/protocol/webview'),
      'webview/views/types.ts':
        "import type { Token } from '../../src/engine/types';\nexport type T = Token;\n",
      'webview/views/local.ts': importing('../heatmap/colorMaps'),
    });
    assert.deepEqual(broken(found), [
      'webview/engine.ts',
      'webview/heatmap/vscode.ts',
      'webview/views/command.ts',
    ]);
  });

  it('reports vscode outside the extension side, and allows it there', async () => {
    const vscode = importing('vscode');
    const found = await lint({
      'src/hub/download.ts': vscode,
      'src/worker/host.ts': vscode,
      'src/cli/cli.ts': vscode,
      'test/unit/a.test.ts': vscode,
      'src/extension.ts': vscode,
      'src/commands/run.ts': vscode,
      'src/inspection/inspector.ts': vscode,
      'src/panel/panel.ts': vscode,
      'src/editor/mirror.ts': vscode,
      'src/export/files.ts': vscode,
    });
    assert.deepEqual(broken(found), [
      'src/cli/cli.ts',
      'src/hub/download.ts',
      'src/worker/host.ts',
      'test/unit/a.test.ts',
    ]);
  });

  it('keeps src/shared, src/protocol and src/worker above only what they may use', async () => {
    const found = await lint({
      'src/shared/config.ts': importing('../util/config'),
      'src/shared/types.ts': importing('../engine/types'),
      'src/protocol/worker.ts': importing('../worker/engineClient'),
      'src/protocol/engine.ts': importing('../engine/types'),
      'src/worker/panel.ts': importing('../panel/html'),
      'src/worker/service.ts': importing('../engine/engine'),
      'src/worker/rpc.ts': importing('../protocol/rpc'),
    });
    assert.deepEqual(broken(found), [
      'src/protocol/worker.ts',
      'src/shared/config.ts',
      'src/worker/panel.ts',
    ]);
  });

  it('holds at every depth of src/engine and webview', async () => {
    const found = await lint({
      'src/engine/tokenize/parts/util.ts': importing('../../../util/config'),
      'src/engine/graph/unfuse/rpc.ts': importing('../../../protocol/rpc'),
      'src/engine/graph/unfuse/deep/cli.ts': importing('../../../../cli/cli'),
      'src/engine/graph/unfuse/deep/vscode.ts': importing('vscode'),
      'src/engine/graph/unfuse/index.ts': importing('../graphIndex'),
      'src/engine/tokenize/parts/models/bpe.ts': importing('../../../types'),
      'webview/views/steps/engine.ts': importing('../../../src/engine/engine'),
      'webview/views/steps/deep/panel.ts': importing('../../../../src/panel/html'),
      'webview/views/steps/shared.ts': importing('../../../src/shared/topK'),
      'webview/views/steps/deep/types.ts':
        "import type { Token } from '../../../../src/engine/types';\nexport type T = Token;\n",
      'webview/views/steps/heatmap.ts': importing('../../heatmap/colorMaps'),
    });
    assert.deepEqual(broken(found), [
      'src/engine/graph/unfuse/deep/cli.ts',
      'src/engine/graph/unfuse/deep/vscode.ts',
      'src/engine/graph/unfuse/rpc.ts',
      'src/engine/tokenize/parts/util.ts',
      'webview/views/steps/deep/panel.ts',
      'webview/views/steps/engine.ts',
    ]);
  });

  it('keeps the engine folders layered: tokenize, graph, attention < folder < inference < steps', async () => {
    const found = await lint({
      'src/engine/graph/manifest.ts': importing('../folder/manifest'),
      'src/engine/graph/unfuse/feeds.ts': importing('../../inference/graphFeeds'),
      'src/engine/tokenize/parts/models/graph.ts': importing('../../../../graph/graphIndex'),
      'src/engine/attention/session.ts': importing('../inference/ortRuntime'),
      'src/engine/folder/session.ts': importing('../inference/ortRuntime'),
      'src/engine/inference/steps.ts': importing('../steps/stepsSession'),
      'src/engine/graph/protocol.ts': importing('../../protocol/rpc'),
      'src/engine/folder/graph.ts': importing('../graph/graphIndex'),
      'src/engine/inference/folder.ts': importing('../folder/feedPlan'),
      'src/engine/steps/inference.ts': importing('../inference/ortRuntime'),
      'src/engine/graph/unfuse/local.ts': importing('../graphIndex'),
      'src/engine/graph/errors.ts': importing('../modelError'),
    });
    assert.deepEqual(broken(found), [
      'src/engine/attention/session.ts',
      'src/engine/folder/session.ts',
      'src/engine/graph/manifest.ts',
      'src/engine/graph/protocol.ts',
      'src/engine/graph/unfuse/feeds.ts',
      'src/engine/inference/steps.ts',
      'src/engine/tokenize/parts/models/graph.ts',
    ]);
  });

  it('has a rule for the depth of every source file (biome.jsonc covers 4 levels below src/engine and webview, 1 below shared, protocol, worker)', () => {
    const deepest: Record<string, number> = {
      'src/engine': 4,
      webview: 4,
      'src/shared': 1,
      'src/protocol': 1,
      'src/worker': 1,
    };
    const tooDeep: string[] = [];
    for (const [folder, max] of Object.entries(deepest)) {
      const walk = (dir: string): void => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) walk(path);
          else if (entry.name.endsWith('.ts')) {
            const depth = relative(join(root, folder), path).split(sep).length;
            if (depth > max) tooDeep.push(relative(root, path));
          }
        }
      };
      walk(join(root, folder));
    }
    assert.deepEqual(tooDeep, [], 'add an override for this depth to biome.jsonc');
  });
});
