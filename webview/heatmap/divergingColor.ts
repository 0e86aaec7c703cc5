/**
 * A diverging colour map for signed values (q, k, v, scores): blue below zero, orange
 * above (a colour-blind-safe pair, Okabe & Ito), fading into the theme's background at
 * zero so the map reads the same in light and dark themes.
 */

/** RGB of a CSS colour VS Code gives (`#rgb`, `#rrggbb`, `rgb(r, g, b)`); black if unknown. */
export function parseColor(css: string): [number, number, number] {
  const hex = css.trim().match(/^#([0-9a-f]{6}|[0-9a-f]{3})\b/i)?.[1];
  if (hex) {
    const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex;
    return [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16)) as [number, number, number];
  }
  const rgb = css.match(/rgba?\(\s*(\d+)[,\s]+(\d+)[,\s]+(\d+)/i);
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : [0, 0, 0];
}

const NEGATIVE: [number, number, number] = [0, 114, 178];
const POSITIVE: [number, number, number] = [230, 159, 0];

/** The colour of `value` on a scale from −`limit` (full blue) to +`limit` (full orange). */
export function divergingColor(
  value: number,
  limit: number,
  background: [number, number, number],
): string {
  const t = limit > 0 ? Math.max(-1, Math.min(1, value / limit)) : 0;
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const a = Math.abs(t);
  const mix = background.map((b, i) => Math.round(b + (end[i] - b) * a));
  return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
}

/** The largest |value| (the symmetric limit of the scale); 0 for none. */
export function absMax(values: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}
