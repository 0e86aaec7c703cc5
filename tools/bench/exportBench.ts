/**
 * The CLI's export as a whole process (issue 22, "Streaming export" in docs/performance.md):
 * `node dist/cli.js` on the long generated source cut at `--tokens`, writing `--out` into a
 * temporary folder, under `/usr/bin/time -v`. Prints wall time, peak RSS, the export's size
 * and the load average before the run (the machine is shared: a figure means little without
 * it). One run per flag set, in the order given; figures, not assertions.
 *
 *   npx tsx tools/bench/exportBench.ts --model DIR [--tokens 512] [--cli dist/cli.js] -- \
 *     "--layers 0 --heads 0" "--layers 0,1,2" ""
 * Needs `node esbuild.mjs` first (or `--cli` naming another build of the CLI).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { longSource } from '../../test/e2e/harness/longSource';

const ROOT = resolve(__dirname, '..', '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    tokens: { type: 'string', default: '512' },
    cli: { type: 'string', default: join(ROOT, 'dist', 'cli.js') },
  },
});
if (!values.model) throw new Error('Give --model DIR (e.g. /work/bench-cache/smollm-like).');

const dir = mkdtempSync(join(tmpdir(), 'export-bench-'));
const textFile = join(dir, 'long.py');
// More text than any token count asked for here: --max-tokens cuts it.
writeFileSync(textFile, longSource().repeat(Math.ceil(Number(values.tokens) / 512)));
const out = join(dir, 'out.json');

try {
  for (const flags of positionals.length > 0 ? positionals : ['--layers 0 --heads 0']) {
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    const start = performance.now();
    const run = spawnSync(
      '/usr/bin/time',
      [
        ...['-v', 'node', resolve(values.cli), '--model', values.model, '--text-file', textFile],
        ...['--max-tokens', values.tokens, '--out', out, ...flags.split(' ').filter(Boolean)],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    const seconds = (performance.now() - start) / 1000;
    const rssKb = run.stderr.match(/Maximum resident set size \(kbytes\): (\d+)/)?.[1];
    const error = run.status === 0 ? '' : ` FAILED: ${run.stderr.split('\n')[0]}`;
    const size = run.status === 0 ? statSync(out).size / 1e6 : 0;
    console.log(
      `${flags || '(all layers and heads)'}: ${seconds.toFixed(1)} s, ` +
        `peak RSS ${(Number(rssKb) / 1024).toFixed(0)} MiB, ${size.toFixed(1)} MB of JSON, load before ${load}${error}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
