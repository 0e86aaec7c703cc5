// Builds every bundle into dist/: the extension host, the engine (a worker thread for the CLI,
// a child process for the extension host), the webview and the CLI; copies onnxruntime-web's
// wasm runtime to dist/ort/.
//   node esbuild.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Prints errors in the format the `$esbuild-watch` problem matcher understands (F5 builds). */
const problemMatcher = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
  plugins: watch ? [problemMatcher] : [],
};
// onnxruntime-web's Node build calls createRequire(import.meta.url), which a CommonJS bundle
// lacks: give it the bundle's own URL.
const importMetaUrl = "const __importMetaUrl = require('url').pathToFileURL(__filename).href;";
const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
  banner: { js: importMetaUrl },
};

const configs = [
  {
    ...node,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
  },
  { ...node, entryPoints: ['src/worker/nodeWorkerMain.ts'], outfile: 'dist/engine.worker.js' },
  // The extension host runs the engine in a child process (src/worker/childProcessHandle.ts).
  { ...node, entryPoints: ['src/worker/childProcessMain.ts'], outfile: 'dist/engine.process.js' },
  {
    ...node,
    entryPoints: ['src/cli/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: `#!/usr/bin/env node\n${importMetaUrl}` },
  },
  {
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    loader: { '.css': 'css' },
  },
];

/** onnxruntime-web loads its wasm runtime (.mjs glue + .wasm) from `env.wasm.wasmPaths`. */
function copyOrtRuntime() {
  const from = 'node_modules/onnxruntime-web/dist';
  const to = 'dist/ort';
  mkdirSync(to, { recursive: true });
  for (const file of readdirSync(from)) {
    // The plain SIMD+threads build is the one the WASM backend uses; jsep/jspi/asyncify are
    // WebGPU/JSPI variants we do not ship.
    if (/^ort-wasm-simd-threaded\.(mjs|wasm)$/.test(file)) cpSync(join(from, file), join(to, file));
  }
}

try {
  copyOrtRuntime();
  const contexts = await Promise.all(configs.map((config) => esbuild.context(config)));
  if (watch) {
    await Promise.all(contexts.map((ctx) => ctx.watch()));
  } else {
    await Promise.all(contexts.map((ctx) => ctx.rebuild()));
    await Promise.all(contexts.map((ctx) => ctx.dispose()));
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
