/**
 * The `steps` of the export (docs/attention-json.md): per requested head, its arithmetic
 * as nested arrays, numbers with the export's significant digits, `masked` as booleans.
 */
import type { HeadSteps } from '../types';

/** How the export writes a number (`formatWeight` of attentionJson.ts, passed in). */
type FormatNumber = (value: number, digits: number) => string;

/** `,\n"steps": [...]` for the export document; one head per line. */
export function stepsJson(
  steps: readonly HeadSteps[],
  digits: number,
  formatWeight: FormatNumber,
): string {
  return `,\n"steps": [\n${steps.map((s) => headJson(s, digits, formatWeight)).join(',\n')}\n]`;
}

function headJson(s: HeadSteps, digits: number, formatWeight: FormatNumber): string {
  const numbers = (data: ArrayLike<number>, cols: number): string =>
    matrix(data, cols, (x) => formatWeight(x, digits));
  const fields: [string, string][] = [
    ...(s.kind ? [['kind', JSON.stringify(s.kind)] as [string, string]] : []),
    ['layer', String(s.layer)],
    ['head', String(s.head)],
    ['kvHead', String(s.kvHead)],
    ['scale', formatWeight(s.scale, 9)],
    ['scaleAt', JSON.stringify(s.scaleAt)],
    ...(s.softcap ? [['softcap', formatWeight(s.softcap, 9)] as [string, string]] : []),
    ['q', numbers(s.q, s.d)],
    ['k', numbers(s.k, s.d)],
    ['v', numbers(s.v, s.dv)],
    ['scores', numbers(s.scores, s.m)],
    ['bias', s.bias ? numbers(s.bias, s.m) : 'null'],
    ['masked', matrix(s.masked, s.m, (x) => (x ? 'true' : 'false'))],
    ['output', numbers(s.output, s.dv)],
  ];
  return `{${fields.map(([key, value]) => `"${key}": ${value}`).join(', ')}}`;
}

/** A row-major array as `[[...],[...]]`. */
function matrix(data: ArrayLike<number>, cols: number, format: (x: number) => string): string {
  const rows: string[] = [];
  for (let start = 0; start < data.length; start += cols) {
    const row: string[] = [];
    for (let c = 0; c < cols; c++) row.push(format(data[start + c]));
    rows.push(`[${row.join(',')}]`);
  }
  return `[${rows.join(',')}]`;
}
