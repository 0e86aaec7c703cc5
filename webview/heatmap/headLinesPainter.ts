/**
 * Paints the head view's lines on one of its canvases (the base or the hover overlay): each
 * line from its query's row to its key's, coloured by head, as opaque as its weight.
 */
import { headColor, type Palette } from '../theme';
import { HEAD_GAP, HEAD_ROW, type HeadLine } from './headLines';

/** Clears `canvas` and draws `lines` (none until a palette is read). */
export function paintHeadLines(
  canvas: HTMLCanvasElement,
  lines: HeadLine[],
  palette: Palette | undefined,
): void {
  const g = canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, HEAD_GAP, canvas.height / dpr);
  if (!palette) return;
  g.lineWidth = palette.lineWidth;
  // One path per head and opacity step: thousands of lines in a few strokes.
  const buckets = new Map<string, HeadLine[]>();
  for (const line of lines) {
    const key = `${line.head}/${Math.round(Math.min(1, line.weight) * 20)}`;
    (buckets.get(key) ?? buckets.set(key, []).get(key)!).push(line);
  }
  for (const [key, group] of buckets) {
    const [head, step] = key.split('/').map(Number);
    g.strokeStyle = headColor(head, palette);
    g.globalAlpha = Math.max(0.05, step / 20);
    g.beginPath();
    for (const line of group) {
      g.moveTo(2, (line.query + 0.5) * HEAD_ROW);
      g.lineTo(HEAD_GAP - 2, (line.key + 0.5) * HEAD_ROW);
    }
    g.stroke();
  }
  g.globalAlpha = 1;
}
