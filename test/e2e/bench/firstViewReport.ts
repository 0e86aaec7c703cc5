/** The first-view benchmark's samples → a Markdown section with medians per stage. */
import type { DrawnRecord } from '../../../src/protocol/webview';

/** One measured run: when the key went down, and what the webview recorded. */
export interface Sample {
  kind: 'cold' | 'warm';
  /** Which build was measured (with `--baseline`). */
  build?: string;
  /** The token count aimed at (200 or 500). */
  size: number;
  keyAt: number;
  record: DrawnRecord;
  /** What the browser's WebSocket received for this run (test/e2e/bench/wireLog.ts). */
  wire?: { metaFrameAt?: number; megabytes: number };
}

/** Stage name → its duration in one run (ms). Stages add up to the total. */
const STAGES: [string, (s: Sample) => number][] = [
  ['key → command', (s) => trace(s).commandAt - s.keyAt],
  [
    'host',
    (s) =>
      (trace(s).requestedAt ?? 0) -
      trace(s).commandAt +
      (trace(s).postedAt - (trace(s).receivedAt ?? 0)),
  ],
  ['to worker', (s) => (s.record.timings.startedAt ?? 0) - (trace(s).requestedAt ?? 0)],
  ['model load', (s) => s.record.timings.loadMs ?? 0],
  ['tokenize', (s) => s.record.timings.tokenizeMs],
  ['forward pass', (s) => s.record.timings.inferenceMs],
  ['from worker', (s) => (trace(s).receivedAt ?? 0) - (s.record.timings.finishedAt ?? 0)],
  ['to browser', (s) => (s.wire?.metaFrameAt ?? s.record.metaAt) - trace(s).postedAt],
  [
    'into webview',
    (s) => (s.wire?.metaFrameAt === undefined ? 0 : s.record.metaAt - s.wire.metaFrameAt),
  ],
  ['layers', (s) => s.record.lastLayerAt - s.record.metaAt],
  ['draw', (s) => s.record.drawnAt - s.record.lastLayerAt],
];

/**
 * Whole milliseconds. A stage that took no time can come out a hair below zero (the layers of
 * a result whose overviews travel with its metadata arrive as it starts): 0, never "-0".
 */
export function wholeMs(ms: number): string {
  const text = ms.toFixed(0);
  return text === '-0' ? '0' : text;
}

/** One run's stages on one line, for the log while the benchmark runs. */
export function sampleLine(s: Sample): string {
  const stages = STAGES.map(([name, stage]) => `${name} ${wholeMs(stage(s))}`).join(', ');
  return `${s.kind} ${s.record.tokens} tokens: ${(s.record.drawnAt - s.keyAt).toFixed(0)} ms (${stages})`;
}

function trace(s: Sample): NonNullable<DrawnRecord['trace']> {
  if (!s.record.trace) throw new Error(`run ${s.record.runId} carries no trace (a cached result?)`);
  return s.record.trace;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The Markdown table (one row per cold/warm × size), with how it was measured. */
export function markdownSection(
  samples: Sample[],
  when: Date,
  load: number,
  /** The model folder's name when not the bundled model (`--model`). */
  model?: string,
): string {
  const header = [
    'build',
    'run',
    'tokens',
    'runs',
    '**key → drawn**',
    ...STAGES.map(([name]) => name),
    'MB on the socket',
  ];
  const rows: string[] = [];
  for (const build of new Set(samples.map((s) => s.build ?? 'this build'))) {
    for (const kind of ['cold', 'warm'] as const) {
      for (const size of [...new Set(samples.map((s) => s.size))].sort((a, b) => a - b)) {
        const group = samples.filter(
          (s) => (s.build ?? 'this build') === build && s.kind === kind && s.size === size,
        );
        if (!group.length) continue;
        const total = median(group.map((s) => s.record.drawnAt - s.keyAt));
        const cells = STAGES.map(([, stage]) => wholeMs(median(group.map(stage))));
        const megabytes = median(group.map((s) => s.wire?.megabytes ?? 0)).toFixed(1);
        const tokens = median(group.map((s) => s.record.tokens));
        rows.push(
          `| ${build} | ${kind} | ${tokens} | ${group.length} | **${total.toFixed(0)} ms** | ${cells.join(' | ')} | ${megabytes} |`,
        );
      }
    }
  }
  return [
    `## First view: keypress → drawn panel (what users feel)${model ? `, ${model}` : ''}`,
    '',
    `Measured ${when.toISOString()} in code-server 4.100.3 (VS Code 1.100.3) + headless Chromium,`,
    `the packaged extension, ${model ? `the model folder \`${model}\`` : 'bundled model'}, the generated \`long.py\` (test/e2e/harness/longSource.ts).`,
    'Medians in ms; a',
    'cold run is the first inspection in a new window (extension activation, worker start,',
    'model load, panel creation), warm runs inspect other lines afterwards. Load average',
    `when it ended: ${load.toFixed(1)} on 2 cores (other jobs share the machine; read the`,
    'stages as shares, the totals as upper bounds).',
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...rows,
    '',
    'Stages, from timestamps each run carries (`RunTrace` in src/protocol/webview.ts, the',
    "engine's `timings`, the webview's `DrawnRecord`): *key → command* is the workbench",
    'dispatching the keybinding to the extension host; *host* the command before and after',
    'the worker (panel, posting); *to worker* / *from worker* the message hops (cold: the',
    "worker starting); *to browser* until the WebSocket frame with the result's metadata",
    "reached the browser (code-server's server process deflates every frame); *into webview*",
    'from there until the webview got it (cold: the webview loading too); *layers* until its',
    'last layer arrived; *MB on the socket* what the browser received meanwhile; *draw* until the',
    'frame after the view that shows every layer was rendered. Clocks are wall clocks of',
    'different processes on one machine.',
    '',
    model
      ? `\`npx tsx test/e2e/bench/firstViewBench.ts --model DIR --sizes ${[...new Set(samples.map((s) => s.size))].join(',')}\` (docs/performance.md: first view on any model).`
      : '`npx tsx test/e2e/bench/firstViewBench.ts` (packages the extension, ~5 minutes).',
  ].join('\n');
}
