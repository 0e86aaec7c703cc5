/**
 * memoryFlatBench.ts's checkpoints → the memory table of docs/performance.md's scale section,
 * each series checked against issue 22's targets ("memory flat over 50 inspections; after
 * closing the panel the engine's memory returns") by the rules below, documented there.
 */
import type { MemoryPoint } from './memoryFlatBench';
import type { TreeRun } from './processTreeRun';

export interface MemorySeries {
  label: string;
  points: MemoryPoint[];
  run: TreeRun;
}

/**
 * "Flat": what the engine holds alive (V8's heap in use, ArrayBuffers, the WASM heap:
 * engineMemoryProbe.cjs; the median of the last three checkpoints, as the result held at one
 * moment moves ArrayBuffers by a few MB) exceeds the reference by at most this share, and so
 * does the trend of its anonymous resident memory (a least-squares line through the
 * checkpoints, over 50 inspections): one checkpoint's RSS moves by tens of MB with garbage
 * collection and the allocator, a leak moves the line.
 */
export const FLAT_GROWTH = 0.05;
/**
 * Warm-up: checkpoints before this many inspections are not the reference. The first run
 * loads the model and sizes the WASM heap; the engine's resident memory then rises for ~30
 * runs to a plateau while what it holds alive stays flat (docs/performance.md). A series too
 * short for it (the big model's few runs) takes its second checkpoint.
 */
export const WARM_UP = 30;
/** "Memory returns": disposing the engine gives back at least this share of what it took. */
export const RETURNED = 0.9;

const MB = 1e6;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;
const signed = (bytes: number): string =>
  `${bytes >= 0 ? '+' : '−'}${Math.abs(bytes / MB).toFixed(0)} MB`;

/** Live bytes of the engine at a checkpoint, when the probe answered. */
export function liveBytes(p: MemoryPoint): number | undefined {
  const e = p.engineLive;
  return e ? e.heapUsedBytes + e.arrayBuffersBytes + e.wasmBytes : undefined;
}

/** Slope (bytes per inspection) of the least-squares line through `(after, bytes)`. */
export function trendPerInspection(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The flatness cells: live growth, RSS trend, and the verdict. */
function flatness(during: MemoryPoint[]): string[] {
  const warmed = during.filter((p) => p.after >= WARM_UP);
  const afterWarmUp = warmed.length >= 2 ? warmed : during.slice(1);
  const [reference, last] = [afterWarmUp[0], afterWarmUp.at(-1)];
  if (!reference || !last || reference === last) return ['—', '—', '—'];
  const lastLive = afterWarmUp
    .slice(-3)
    .map(liveBytes)
    .filter((b) => b !== undefined)
    .sort((a, b) => a - b);
  const [liveFrom, liveTo] = [liveBytes(reference), lastLive[Math.floor(lastLive.length / 2)]];
  const liveGrowth = liveFrom !== undefined && liveTo !== undefined ? liveTo - liveFrom : undefined;
  const anon = afterWarmUp.map((p): [number, number] => [p.after, p.engineAnonBytes ?? 0]);
  const trend50 = trendPerInspection(anon) * 50;
  const anonFrom = reference.engineAnonBytes ?? 0;
  const liveFlat = liveGrowth !== undefined && liveGrowth <= FLAT_GROWTH * (liveFrom ?? 0);
  const rssFlat = anonFrom > 0 && trend50 <= FLAT_GROWTH * anonFrom;
  return [
    liveGrowth === undefined
      ? '—'
      : `${mb(liveFrom ?? 0)} → ${mb(liveTo ?? 0)} (${signed(liveGrowth)})`,
    `${mb(anonFrom)} → ${mb(last.engineAnonBytes ?? 0)}; trend ${signed(trend50)} per 50`,
    liveFlat && rssFlat ? '**flat**' : '**not flat**',
  ];
}

function memoryRow(s: MemorySeries, lastCell: (s: MemorySeries) => string): string {
  const before = s.points.find((p) => p.after === 0);
  const closed = s.points.find((p) => p.after === -2);
  const disposed = s.points.find((p) => p.after === -1);
  const during = s.points.filter((p) => p.after > 0);
  const counts = during.map((p) => p.tokens);
  const tokens = counts.length
    ? [...new Set([Math.min(...counts), Math.max(...counts)])].join('–')
    : '—';
  const cells = [s.label, tokens, ...flatness(during)];
  const lastLive = during.at(-1) && liveBytes(during.at(-1) as MemoryPoint);
  const closedLive = closed && liveBytes(closed);
  cells.push(
    closedLive !== undefined && lastLive !== undefined
      ? `${mb(closedLive)} live (${signed(closedLive - lastLive)}), ${mb(closed?.engineAnonBytes ?? 0)} anon`
      : '—',
  );
  if (before && disposed && during.length) {
    const taken = Math.max(...during.map((p) => p.rssBytes)) - before.rssBytes;
    const kept = disposed.rssBytes - before.rssBytes;
    const returned = kept <= (1 - RETURNED) * taken;
    cells.push(`${signed(kept)}: ${returned ? '**returned**' : '**not returned**'}`);
  } else cells.push('—');
  cells.push(lastCell(s));
  return `| ${cells.join(' | ')} |`;
}

/** The table; `lastCell` says how the run went (peak, last inspection, or its failure). */
export function memoryTable(
  series: MemorySeries[],
  lastCell: (s: MemorySeries) => string,
): string[] {
  if (series.length === 0) return [];
  return [
    '',
    `| engine in its process (EngineHost) | tokens | engine live, from inspection ${WARM_UP} (or the second checkpoint) to the last three's median | engine anonymous RSS, same | flat (≤ ${FLAT_GROWTH * 100}%: live, and the RSS trend) | the last result released (panel closed): engine | engine disposed: the tree vs before (returned: ≥ ${RETURNED * 100}% given back) | |`,
    '| --- | ---: | --- | --- | --- | --- | --- | --- |',
    ...series.map((s) => memoryRow(s, lastCell)),
  ];
}
