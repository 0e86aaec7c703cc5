/**
 * Assembles the test-runner extension (see runnerExtension.ts) with the compiled integration
 * suite under out/integration/runner/, ready to be linked into code-server's extensions folder.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSuite, mochaAsCommonJs, repoRoot } from '../../integration/launchers/buildSuite';

/** The runner extension's id as code-server expects the folder name: publisher.name-version. */
export const RUNNER_EXTENSION_ID = 'attention-inspector-tests.integration-runner-0.0.0';
/** The palette title of its command. */
export const RUNNER_COMMAND_TITLE = 'Attention Inspector Tests: Run Integration Suite';

/** Builds the extension; returns its folder. */
export async function buildRunnerExtension(): Promise<string> {
  const dir = join(repoRoot, 'out/integration/runner');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: 'integration-runner',
    publisher: 'attention-inspector-tests',
    version: '0.0.0',
    engines: { vscode: '^1.90.0' },
    main: './extension.js',
    activationEvents: [],
    contributes: {
      commands: [
        {
          command: 'attentionInspectorTests.runIntegrationSuite',
          title: 'Run Integration Suite',
          category: 'Attention Inspector Tests',
        },
      ],
    },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  await build({
    entryPoints: [join(__dirname, 'runnerExtension.ts')],
    outfile: join(dir, 'extension.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [mochaAsCommonJs],
    logLevel: 'warning',
  });
  await buildSuite(join(dir, 'suite'));
  return dir;
}
