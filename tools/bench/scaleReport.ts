/**
 * The scale benchmark's figures → the Markdown section of docs/performance.md (scaleBlock.ts:
 * where it goes), with each row checked against issue 22's targets.
 */
import { type MemorySeries, memoryTable } from './memoryReport';
import type { TreeRun } from './processTreeRun';
import { lastLine } from './processTreeRun';
import { markedPart, type ScaleParts } from './scaleBlock';
import type { NativeFigures } from './scaleNative';

export interface CliRow {
  tokens: number;
  cli: TreeRun;
  /** Tokens the CLI's export holds (specials included), when it wrote one. */
  cliTokens?: number;
  /** Whether the export's ids are the ids the native reference ran. */
  idsMatch?: boolean;
  native: TreeRun;
  nativeFigures?: NativeFigures;
}

export interface ScaleContext {
  date: Date;
  commit: string;
  machine: string;
  cores: number;
  loadStart: number[];
  loadEnd: number[];
  model: string;
  text: string;
  cliThreads: string;
  nativeThreads: number;
  command: string;
}

/** Issue 22's targets: CLI whole process ÷ native load + run, and the CLI's peak RSS. */
const TARGETS: Record<number, { ratio: number; peakGB: number }> = {
  512: { ratio: 2.5, peakGB: 2.0 },
  2048: { ratio: 3.0, peakGB: 3.0 },
};

const GB = 1e9;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const gb = (bytes: number): string => `${(bytes / GB).toFixed(2)} GB`;
const loads = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
/** When a part was measured: kept by a later run of other parts, it still says so. */
const measured = (c: ScaleContext): string =>
  `measured ${c.date.toISOString()} at commit ${c.commit}, load ${c.loadStart[0].toFixed(2)}–${c.loadEnd[0].toFixed(2)}`;

function failure(run: TreeRun): string {
  if (run.timedOut) return `killed after ${seconds(run.wallMs)} (timeout)`;
  const why =
    lastLine(run.stderr) || (run.signal ? `signal ${run.signal}` : `exit ${run.exitCode}`);
  return `**failed** after ${seconds(run.wallMs)}: \`${why.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
}

/** Whether something besides the benchmark kept the cores busy (the benchmark itself adds ~1–2). */
const busy = (c: ScaleContext): boolean => c.loadStart[0] > c.cores || c.loadEnd[0] > c.cores + 1;

const ok = (run: TreeRun): boolean => run.exitCode === 0 && !run.timedOut;

function verdict(row: CliRow): string {
  const target = TARGETS[row.tokens];
  if (!target) return 'no target';
  const misses: string[] = [];
  if (!ok(row.cli)) misses.push('did not complete');
  else {
    if (row.nativeFigures) {
      const ratio = row.cli.wallMs / (row.nativeFigures.loadMs + row.nativeFigures.runMs);
      if (ratio > target.ratio) misses.push(`${ratio.toFixed(1)}× > ${target.ratio}×`);
    } else misses.push('no native reference');
    if (row.cliTokens !== row.tokens) misses.push(`ran ${row.cliTokens ?? '?'} tokens`);
  }
  if (row.cli.peakRss > target.peakGB * GB) {
    misses.push(`${gb(row.cli.peakRss)} > ${target.peakGB.toFixed(1)} GB`);
  }
  return misses.length === 0 ? '**met**' : `**not met**: ${misses.join(', ')}`;
}

function cliRow(row: CliRow): string {
  const target = TARGETS[row.tokens];
  const goal = target ? `≤ ${target.ratio}×, ≤ ${target.peakGB.toFixed(1)} GB` : '—';
  const n = row.nativeFigures;
  const nativeCells = n
    ? [seconds(n.loadMs), seconds(n.runMs), seconds(n.loadMs + n.runMs), gb(row.native.peakRss)]
    : [failure(row.native), '', '', gb(row.native.peakRss)];
  const cliCells = ok(row.cli)
    ? [
        `${row.cliTokens ?? '?'}${row.idsMatch === false ? ' (other ids)' : ''}`,
        seconds(row.cli.wallMs),
      ]
    : ['—', failure(row.cli)];
  const ratio = ok(row.cli) && n ? `${(row.cli.wallMs / (n.loadMs + n.runMs)).toFixed(1)}×` : '—';
  const rssRatio = n ? `${(row.cli.peakRss / row.native.peakRss).toFixed(1)}×` : '—';
  return `| ${row.tokens} | ${cliCells.join(' | ')} | ${gb(row.cli.peakRss)} | ${nativeCells.join(' | ')} | ${ratio} | ${rssRatio} | ${goal} | ${verdict(row)} |`;
}

/** The memory table's last cell: the tree's peak and the last inspection, or the failure. */
function memoryRunCell(s: MemorySeries): string {
  const last = s.points.filter((p) => p.after > 0).at(-1);
  if (!ok(s.run)) return failure(s.run);
  return `peak ${gb(s.run.peakRss)}; last inspection ${last ? `${last.lastMs.toFixed(0)} ms` : '—'}`;
}

/**
 * The section; a part that did not run (no rows, no memory series) is `kept` as the previous
 * section had it, where it had one.
 */
export function scaleSection(
  context: ScaleContext,
  rows: CliRow[],
  memory: MemorySeries[],
  kept: ScaleParts = {},
): string {
  const lines = [
    "## Scale: a model of today's size (issue 22)",
    '',
    `Measured ${context.date.toISOString()} at commit ${context.commit}; ${context.machine}.`,
    `**Load average (1, 5, 15 min): ${loads(context.loadStart)} at the start, ${loads(context.loadEnd)} at the end**${busy(context) ? ` (above ${context.cores} cores: other work shared the machine, wall times are upper bounds)` : ''}.`,
    `Model: ${context.model}. Text: ${context.text}, cut to exactly N tokens (specials included). One run of each process.`,
  ];
  if (rows.length > 0) {
    lines.push(
      '',
      markedPart('cli', [
        `CLI (${measured(context)}): \`node dist/cli.js --model DIR --text-file F --max-tokens N --layers 0 --heads 0 --out F.json\` (threads: ${context.cliThreads}), the whole process. onnxruntime-node ${context.nativeThreads} threads: \`InferenceSession.create(model.onnx)\` (load) and one \`run\` of the same ids (run), in a Node process of its own. Peak RSS: the whole process tree (processTreeRun.ts); GB = 10⁹ bytes.`,
        '',
        '| tokens | CLI ran | CLI wall | CLI peak RSS | native load | native run | native load + run | native peak RSS | CLI ÷ native (time) | CLI ÷ native (RSS) | target | |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
        ...rows.map(cliRow),
      ]),
    );
  } else if (kept.cli) lines.push('', kept.cli);
  if (memory.length > 0) {
    lines.push(
      '',
      markedPart('memory', [
        `Memory over repeated inspections (${measured(context)}; target: flat over 50; after closing the panel the engine's memory returns): each inspection the way a panel makes it (held result, every layer's overview, the previous result released), the engine process measured after a collection at each checkpoint (memoryFlatBench.ts; the rules: docs/performance.md, *Memory over repeated inspections*).`,
        ...memoryTable(memory, memoryRunCell),
      ]),
    );
  } else if (kept.memory) lines.push('', kept.memory);
  lines.push('', `\`${context.command}\``);
  return lines.join('\n');
}
