/** The colour legend under the heatmap: the scale's gradient, its range, the mask swatch. */
import type { Palette } from '../theme';
import { formatWeight } from '../format';
import type { ColorScale } from './colorScale';

/** Builds the legend element for `lut` on `scale`. */
export function colorLegend(
  lut: Uint8Array,
  scale: ColorScale,
  causal: boolean,
  palette: Palette,
  /** The sliding window's size, when the matrix has one. */
  window?: number,
  /** What a cell holds ("weight", "value-weighted share"). */
  what = 'weight',
): HTMLElement {
  const legend = document.createElement('div');
  legend.className = 'legend-row';
  const ramp = document.createElement('canvas');
  ramp.className = 'legend-ramp';
  ramp.width = 256;
  ramp.height = 1;
  const image = new ImageData(256, 1);
  for (let k = 0; k < 256; k++) {
    image.data.set([lut[k * 3], lut[k * 3 + 1], lut[k * 3 + 2], 255], k * 4);
  }
  ramp.getContext('2d')!.putImageData(image, 0, 0);
  ramp.setAttribute('role', 'img');
  const top = scale.rowMax ? 'each row’s maximum' : formatWeight(scale.max);
  ramp.setAttribute('aria-label', `colour scale from 0 to ${top}`);
  const low = span('0');
  const high = span(scale.rowMax ? 'row max' : formatWeight(scale.max));
  legend.append(span(what), low, ramp, high);
  if (causal) legend.append(maskSwatch(palette), span('masked (causal)'));
  if (window) {
    const text = span(`outside the window (${window} tokens)`);
    text.className = 'legend-window';
    legend.append(maskSwatch(palette), text);
  }
  return legend;
}

/** A hatched square like the masked cells. */
function maskSwatch(palette: Palette): HTMLCanvasElement {
  const swatch = document.createElement('canvas');
  swatch.className = 'legend-mask';
  swatch.width = 14;
  swatch.height = 14;
  const g = swatch.getContext('2d')!;
  g.fillStyle = palette.mask;
  g.fillRect(0, 0, 14, 14);
  g.strokeStyle = palette.hatch;
  g.beginPath();
  for (const o of [-7, 0, 7, 14]) {
    g.moveTo(o, 14);
    g.lineTo(o + 14, 0);
  }
  g.stroke();
  return swatch;
}

function span(text: string): HTMLElement {
  const s = document.createElement('span');
  s.textContent = text;
  return s;
}
