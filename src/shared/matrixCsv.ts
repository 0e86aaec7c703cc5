/** The current matrix as CSV (RFC 4180), for the clipboard and the CLI. */
import type { SquareMatrix } from './squareMatrix';

/**
 * One header row (`query \ key`, then the key labels) and one row per query: its label,
 * then its weights. Weights keep float32 precision (up to 9 significant digits).
 */
export function matrixCsv(m: SquareMatrix, labels: readonly string[]): string {
  const lines = [[csvField('query \\ key'), ...labels.map(csvField)].join(',')];
  for (let i = 0; i < m.n; i++) {
    const cells = [csvField(labels[i])];
    for (let j = 0; j < m.n; j++) cells.push(String(Number(m.data[i * m.n + j].toPrecision(9))));
    lines.push(cells.join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Quotes a field when it holds a comma, quote, line break or leading/trailing space. */
export function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
