/** Number and token formatting shared by the views. */

/** A weight as a readable number: `0.123` or `<0.001`. */
export function formatWeight(w: number): string {
  if (w === 0) return '0';
  if (w < 0.001) return '<0.001';
  return w.toFixed(3);
}

/** A probability as a percentage: `12.3%`. */
export function formatPercent(p: number): string {
  return `${(p * 100).toFixed(p >= 0.1 ? 0 : 1)}%`;
}

/** Decoded text with whitespace made visible (next-token predictions). */
export function visibleText(text: string): string {
  return text.replace(/ /g, '·').replace(/\n/g, '↵').replace(/\t/g, '→') || '∅';
}
