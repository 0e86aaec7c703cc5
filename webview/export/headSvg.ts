/** The head view as SVG: both token columns and the lines drawn at export time. */
import { HEAD_GAP as GAP, HEAD_ROW as ROW, type HeadLine } from '../heatmap/headLines';
import { shortLabel } from '../heatmap/matrixLayout';
import { headColor } from '../theme';
import type { Focus, ViewContext } from '../views/view';
import { esc, svgDocument } from './svg';

/** Builds the SVG document of the head view's current lines. */
export function headSvg(ctx: ViewContext, lines: HeadLine[], focus: Focus): string {
  const p = ctx.palette;
  const labels = ctx.units.labels.map((l) => shortLabel(l));
  // Cross-attention: target tokens on the left, source tokens on the right.
  const keyLabels = ctx.keyUnits.labels.map((l) => shortLabel(l));
  const longest = Math.max(...[...labels, ...keyLabels].map((l) => l.length));
  const column = Math.max(40, longest * 7.5 + 12);
  const top = 36;
  const width = column * 2 + GAP;
  const height = top + Math.max(labels.length, keyLabels.length) * ROW + 12;
  const body: string[] = [
    `<text x="8" y="18" font-family="${esc(p.fontFamily)}" font-size="13" fill="${esc(p.foreground)}">` +
      `Layer ${ctx.state.layer} — ${esc(ctx.store.meta?.source.label ?? '')}</text>`,
    `<g stroke-width="${p.lineWidth}">`,
  ];
  for (const line of lines) {
    body.push(
      `<line x1="${column}" y1="${top + (line.query + 0.5) * ROW}" x2="${column + GAP}" ` +
        `y2="${top + (line.key + 0.5) * ROW}" stroke="${headColor(line.head, p)}" ` +
        `stroke-opacity="${Math.max(0.05, Math.min(1, line.weight)).toFixed(3)}"/>`,
    );
  }
  body.push(
    '</g>',
    `<g font-family="${esc(p.monoFamily)}" font-size="12" fill="${esc(p.foreground)}">`,
  );
  labels.forEach((label, i) => {
    const y = top + (i + 0.5) * ROW;
    const weight = focus.unit === i ? ' font-weight="bold"' : '';
    body.push(
      `<text x="${column - 6}" y="${y}" text-anchor="end" dominant-baseline="middle"${weight}>${esc(label)}</text>`,
    );
  });
  keyLabels.forEach((label, j) => {
    const y = top + (j + 0.5) * ROW;
    body.push(
      `<text x="${column + GAP + 6}" y="${y}" dominant-baseline="middle">${esc(label)}</text>`,
    );
  });
  body.push('</g>');
  return svgDocument(width, height, p.background, body);
}
