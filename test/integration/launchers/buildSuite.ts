/**
 * Compiles the integration suite (test/integration/suite/**) to CommonJS (by default under
 * out/integration/suite/), one bundle per file so that `index.js` can find its `*.test.js`
 * siblings at run time. `vscode` comes from the extension host; mocha from node_modules.
 */
import { build, type Plugin } from 'esbuild';
import { readdirSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** The repository root. */
export const repoRoot = resolve(__dirname, '../../..');
const suiteSource = join(repoRoot, 'test/integration/suite');
/** Where the compiled suite goes by default; `--extensionTestsPath` names its `index.js`. */
export const suiteOut = join(repoRoot, 'out/integration/suite');

/**
 * Mocha 12's entry point is an ES module re-exporting `lib/mocha.cjs`; requiring the CommonJS
 * file directly gives every bundle that loads mocha the same Mocha class (and avoids
 * require(esm) inside the extension host).
 */
export const mochaAsCommonJs: Plugin = {
  name: 'mocha-as-commonjs',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^mocha$/ }, () => ({
      path: 'mocha/lib/mocha.cjs',
      external: true,
    }));
  },
};

/** Builds the suite into `outDir` and returns the path of the compiled `index.js`. */
export async function buildSuite(outDir = suiteOut): Promise<string> {
  const entryPoints = listTs(suiteSource);
  if (!entryPoints.some((file) => relative(suiteSource, file) === 'index.ts')) {
    throw new Error(`${relative(repoRoot, suiteSource)}/index.ts is missing`);
  }
  await build({
    entryPoints,
    outdir: outDir,
    outbase: suiteSource,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode'],
    plugins: [mochaAsCommonJs],
    logLevel: 'warning',
  });
  return join(outDir, 'index.js');
}

function listTs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTs(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}
