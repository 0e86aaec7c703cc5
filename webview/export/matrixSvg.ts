/**
 * The matrix view as a real SVG: vector labels, legend, causal mask and sliding window; one `<rect>` per cell up
 * to 160 tokens, beyond that (over 25,600 cells) the cells as an embedded PNG so the file
 * stays usable.
 */
import { colsOf, type SquareMatrix } from '../../src/shared/squareMatrix';
import { lutIndex } from '../heatmap/colorMaps';
import { scaleTop } from '../heatmap/colorScale';
import { heatmapCanvas } from '../heatmap/heatmapImage';
import { shortLabel } from '../heatmap/matrixLayout';
import { formatWeight } from '../format';
import type { Focus, ViewContext } from '../views/view';
import { outsidePath, outsideWindow } from '../heatmap/windowMask';
import { esc, hatchDef, lutGradient, lutHex, svgDocument } from './svg';

const VECTOR_LIMIT = 160;

/** Builds the SVG document of `m`, rows labelled with `labels` and columns with `keyLabels`. */
export function matrixSvg(
  m: SquareMatrix,
  labels: string[],
  ctx: ViewContext,
  focus: Focus,
  keyLabels = labels,
): string {
  const { n } = m;
  const cols = colsOf(m);
  const longest = Math.max(n, cols);
  const p = ctx.palette;
  const cell =
    longest <= 40 ? 18 : longest <= VECTOR_LIMIT ? 8 : Math.max(2, Math.floor(2048 / longest));
  const font = Math.min(12, Math.max(4, cell - 2));
  const widest = Math.max(...[...labels, ...keyLabels].map((l) => shortLabel(l).length), 1);
  const margin = Math.ceil(Math.min(16, widest) * font * 0.62) + 12;
  const left = margin;
  const top = margin + 28;
  const size = n * cell;
  const plotWidth = cols * cell;
  const width = left + plotWidth + 16;
  const height = top + size + 56;
  const body: string[] = [
    `<defs>${lutGradient('ramp', ctx.lut)}${hatchDef('mask', p.mask, p.hatch)}</defs>`,
    `<text x="${left}" y="18" font-family="${esc(p.fontFamily)}" font-size="13" fill="${esc(p.foreground)}">` +
      `${esc(ctx.choiceLabel)} — ${esc(ctx.store.meta?.source.label ?? '')}</text>`,
  ];
  if (longest <= VECTOR_LIMIT) {
    const cells: string[] = [];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < cols; j++) {
        if ((ctx.causal && j > i) || outsideWindow(ctx.window, i, j)) continue;
        const v = m.data[i * cols + j];
        const fill = lutHex(ctx.lut, lutIndex(v, scaleTop(ctx.scale, i)));
        const title = esc(`${labels[i]} → ${keyLabels[j]}: ${formatWeight(v)}`);
        cells.push(
          `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" ` +
            `fill="${fill}"><title>${title}</title></rect>`,
        );
      }
    }
    body.push(`<g shape-rendering="crispEdges">${cells.join('')}</g>`);
  } else {
    const png = heatmapCanvas(m, ctx.lut, ctx.scale, ctx.causal, p.mask, ctx.window).toDataURL(
      'image/png',
    );
    body.push(
      `<image x="${left}" y="${top}" width="${plotWidth}" height="${size}" image-rendering="pixelated" ` +
        `preserveAspectRatio="none" href="${png}"/>`,
    );
  }
  if (ctx.causal) body.push(`<path fill="url(#mask)" d="${maskPath(left, top, cell, n)}"/>`);
  if (ctx.window) {
    const d: string[] = [];
    outsidePath(
      { rect: (x, y, w, h) => d.push(`M${x},${y}h${w}v${h}h${-w}Z`) },
      ctx.window,
      left,
      top,
      cell,
    );
    body.push(`<path class="outside-window" fill="url(#mask)" d="${d.join('')}"/>`);
  }
  if (focus.unit !== null && focus.unit < n) {
    body.push(
      `<rect x="${left}" y="${top + focus.unit * cell}" width="${plotWidth}" height="${cell}" fill="none" ` +
        `stroke="${esc(p.focus)}" stroke-width="${p.lineWidth}"/>`,
    );
  }
  const text = `font-family="${esc(p.monoFamily)}" font-size="${font}" fill="${esc(p.foreground)}"`;
  const step = cell >= 6 ? 1 : Math.ceil(6 / cell);
  const rows: string[] = [];
  for (let i = 0; i < n; i += step) {
    const y = top + (i + 0.5) * cell;
    const label = esc(shortLabel(labels[i]));
    rows.push(
      `<text x="${left - 4}" y="${y}" text-anchor="end" dominant-baseline="middle">${label}</text>`,
    );
  }
  for (let j = 0; j < cols; j += step) {
    const x = left + (j + 0.5) * cell;
    rows.push(
      `<text transform="translate(${x} ${top - 4}) rotate(-90)" dominant-baseline="middle">` +
        `${esc(shortLabel(keyLabels[j]))}</text>`,
    );
  }
  body.push(`<g ${text}>${rows.join('')}</g>`);
  const legendY = top + size + 20;
  const high = ctx.scale.rowMax ? 'row max' : formatWeight(ctx.scale.max);
  body.push(
    `<g font-family="${esc(p.fontFamily)}" font-size="11" fill="${esc(p.foreground)}">` +
      `<text x="${left}" y="${legendY + 9}" text-anchor="end" dx="-6">0</text>` +
      `<rect x="${left}" y="${legendY}" width="${Math.min(256, plotWidth)}" height="12" fill="url(#ramp)"/>` +
      `<text x="${left + Math.min(256, plotWidth) + 6}" y="${legendY + 9}">${esc(high)}</text>` +
      (ctx.causal
        ? `<rect x="${left}" y="${legendY + 18}" width="12" height="12" fill="url(#mask)"/>` +
          `<text x="${left + 18}" y="${legendY + 28}">masked (causal)</text>`
        : '') +
      (ctx.window
        ? `<rect x="${left + 140}" y="${legendY + 18}" width="12" height="12" fill="url(#mask)"/>` +
          `<text x="${left + 158}" y="${legendY + 28}">outside the window (${ctx.window.size} tokens)</text>`
        : '') +
      '</g>',
  );
  return svgDocument(width, height, p.background, body);
}

function maskPath(x: number, y: number, cell: number, n: number): string {
  const d = [
    `M${x + cell},${y}`,
    `L${x + n * cell},${y}`,
    `L${x + n * cell},${y + (n - 1) * cell}`,
  ];
  for (let i = n - 1; i >= 1; i--)
    d.push(`L${x + i * cell},${y + i * cell}`, `L${x + i * cell},${y + (i - 1) * cell}`);
  d.push('Z');
  return d.join(' ');
}
