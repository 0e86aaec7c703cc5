/**
 * The scale benchmark's block of docs/performance.md (tools/bench/scaleBlock.ts,
 * scaleReport.ts): a run of some `--parts` keeps the other parts' last tables, with when they
 * were measured, and a run of every part replaces them all.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemorySeries } from '../../../tools/bench/memoryReport';
import type { TreeRun } from '../../../tools/bench/processTreeRun';
import { partsOf, readDoc, type ScalePart, writeSection } from '../../../tools/bench/scaleBlock';
import { type CliRow, type ScaleContext, scaleSection } from '../../../tools/bench/scaleReport';

const run = (wallMs: number, peakRss: number): TreeRun => ({
  exitCode: 0,
  signal: null,
  wallMs,
  peakRss,
  processes: 1,
  stdout: '',
  stderr: '',
  timedOut: false,
});

const context = (iso: string, commit: string, command: string): ScaleContext => ({
  date: new Date(iso),
  commit,
  machine: '2 cores',
  cores: 2,
  loadStart: [0.5, 0.5, 0.5],
  loadEnd: [1.5, 1, 1],
  model: 'smollm-like',
  text: 'src/engine',
  cliThreads: "the CLI's default",
  nativeThreads: 2,
  command,
});

const CLI_ROWS: CliRow[] = [
  {
    tokens: 512,
    cli: run(12_700, 1.84e9),
    cliTokens: 512,
    idsMatch: true,
    native: run(9_800, 1.33e9),
    nativeFigures: { loadMs: 8_300, runMs: 1_200 },
  },
];

const MEMORY: MemorySeries[] = [
  {
    label: 'bundled model, ~200 tokens, 2 inspections',
    points: [0, 1, 2].map((after) => ({ after, rssBytes: 1.2e8, lastMs: 60, tokens: 200 })),
    run: run(5_000, 3.2e8),
  },
];

describe('the scale benchmark block of docs/performance.md', () => {
  let dir: string;
  let doc: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ai-scaleblock-'));
    doc = join(dir, 'performance.md');
    writeFileSync(doc, '# Performance\n\nBefore.\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One benchmark run of `parts` at `iso`, written as scaleBench.ts writes it; the doc after. */
  const benchRun = (iso: string, commit: string, parts: ScalePart[]): string => {
    const section = scaleSection(
      context(iso, commit, `npm run bench:scale -- --parts ${parts.join(',')}`),
      parts.includes('cli') ? CLI_ROWS : [],
      parts.includes('memory') ? MEMORY : [],
      partsOf(readDoc(doc)),
    );
    writeSection(doc, section);
    return readFileSync(doc, 'utf8');
  };

  it('a run of the memory part alone keeps the CLI table of the run before, with its date', () => {
    const both = benchRun('2026-12-06T07:41:00Z', 'fd12e51', ['cli', 'memory']);
    const cliBefore = partsOf(both).cli;
    assert.ok(cliBefore, 'the CLI part is marked');
    assert.match(cliBefore, /measured 2026-12-06T07:41:00\.000Z at commit fd12e51/);
    assert.match(cliBefore, /\| 512 \| 512 \| 12\.7 s \| 1\.84 GB \|/);

    const after = benchRun('2026-12-06T13:34:00Z', 'eadcfa4', ['memory']);
    assert.equal(partsOf(after).cli, cliBefore, 'the CLI part as it was');
    const memory = partsOf(after).memory ?? '';
    assert.match(memory, /measured 2026-12-06T13:34:00\.000Z at commit eadcfa4/);
    assert.match(after, /^# Performance\n\nBefore\.\n\n<!-- scale:start -->\n/);
    assert.equal(after.match(/<!-- scale:start -->/g)?.length, 1, 'one block');
    assert.equal(after.match(/\| 512 \| 512 \|/g)?.length, 1, 'one CLI table');
  });

  it('a run of the CLI part alone keeps the memory table; a run of both replaces both', () => {
    const first = benchRun('2026-12-06T07:41:00Z', 'fd12e51', ['cli', 'memory']);
    const memoryBefore = partsOf(first).memory;
    assert.ok(memoryBefore?.includes('bundled model, ~200 tokens, 2 inspections'));
    const cliOnly = benchRun('2026-12-06T09:00:00Z', 'aaaaaaa', ['cli']);
    assert.equal(partsOf(cliOnly).memory, memoryBefore);
    assert.match(partsOf(cliOnly).cli ?? '', /at commit aaaaaaa/);
    const both = benchRun('2026-12-06T10:00:00Z', 'bbbbbbb', ['cli', 'memory']);
    assert.doesNotMatch(both, /fd12e51|aaaaaaa/, 'nothing of the earlier runs is left');
  });

  it('a block without part markers (or no block) has no parts to keep', () => {
    assert.deepEqual(partsOf('# Performance\n'), {});
    assert.deepEqual(partsOf('<!-- scale:start -->\n## Scale\n<!-- scale:cli:start -->\nhalf'), {});
  });
});
