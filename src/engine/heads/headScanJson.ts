/**
 * A head scan as JSON (what `dist/cli.js heads` prints and the extension exports;
 * docs/attention-json.md, "Head scans"): the ranking best first, each head's best examples,
 * the files and what was skipped; and the ranking as CSV.
 */
import type { HeadScanResult } from './headScanTypes';

/** A file a scan did not read, and why. */
export interface SkippedFile {
  path: string;
  reason: string;
}

const round = (x: number | null, digits = 4) => (x === null ? null : Number(x.toFixed(digits)));

export function headScanJson(
  result: HeadScanResult,
  skipped: readonly SkippedFile[],
  examplesPerHead: number,
): string {
  const perHead = new Map<string, number>();
  const examples = result.examples.filter((e) => {
    const key = `${e.layer}.${e.head}`;
    const n = perHead.get(key) ?? 0;
    perHead.set(key, n + 1);
    return n < examplesPerHead;
  });
  const json = {
    pattern: result.pattern,
    definition: result.definition,
    ...(result.pattern === 'custom' ? { from: result.from, to: result.to } : {}),
    model: result.model,
    files: result.files.filter((f) => f.tokens > 0).length,
    tokens: result.tokens,
    window: {
      tokens: result.plan.windowTokens,
      stride: result.plan.stride,
      overlap: result.plan.overlap,
    },
    heads: result.heads.map((h) => ({
      layer: h.layer,
      head: h.head,
      score: round(h.score),
      spread: round(h.spread),
      count: h.count,
      windows: h.windows,
      perFile: h.perFile.map((x) => round(x, 3)),
    })),
    examples: examples.map((e) => ({ ...e, score: round(e.score) })),
    fileList: result.files,
    skipped,
  };
  return layout(json);
}

/** One key per line, and one line per element of a list of objects (a head, an example, a file). */
function layout(json: Record<string, unknown>): string {
  const lines = Object.entries(json).map(([key, value]) => {
    const name = JSON.stringify(key);
    if (Array.isArray(value) && value.length > 0 && typeof value[0] === 'object') {
      const items = value.map((item) => `  ${JSON.stringify(item)}`).join(',\n');
      return ` ${name}: [\n${items}\n ]`;
    }
    return ` ${name}: ${JSON.stringify(value)}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** One row per head, best first: layer, head, score, spread, count, windows. */
export function headScanCsv(result: HeadScanResult): string {
  const rows = result.heads.map((h) =>
    [h.layer, h.head, h.score ?? '', h.spread, h.count, h.windows].join(','),
  );
  return `layer,head,score,spread,count,windows\n${rows.join('\n')}\n`;
}
