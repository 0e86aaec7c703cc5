/** The current matrix as CSV (RFC 4180), for the clipboard and the CLI. */
import { colsOf, type SquareMatrix } from './squareMatrix';

/**
 * One header row (`query \ key`, then the key labels) and one row per query: its label,
 * then its weights. Weights keep float32 precision (up to 9 significant digits). Key
 * labels differ from query labels for cross-attention (target rows × source columns).
 */
export function matrixCsv(
  m: SquareMatrix,
  labels: readonly string[],
  keyLabels: readonly string[] = labels,
  decimals?: number,
): string {
  const cell = (w: number): string =>
    String(decimals === undefined ? Number(w.toPrecision(9)) : Number(w.toFixed(decimals)));
  const cols = colsOf(m);
  const lines = [[csvField('query \\ key'), ...keyLabels.map(csvField)].join(',')];
  for (let i = 0; i < m.n; i++) {
    const cells = [csvField(labels[i])];
    for (let j = 0; j < cols; j++) cells.push(cell(m.data[i * cols + j]));
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Quotes a field when it holds a comma, quote, line break or leading/trailing space. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
