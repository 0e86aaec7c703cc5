/**
 * One head as a model-view thumbnail, drawn so its structure shows at any length. A plain
 * 0–max image of a 512-token head is a dark triangle: most weight sits in one "sink" column
 * and the rest is spread thin, and shrinking 512 rows to 128 pixels averages a one-cell
 * diagonal away. So a thumbnail (1) scales each query row to its own largest weight outside
 * the sink column, (2) puts that through a square-root curve, and (3) shrinks by keeping each
 * pixel's largest cell. The sink column itself is drawn clipped at the top of the scale.
 */
import { parseHex } from './heatmapImage';

/** The thumbnails' colour scale in words, shown above the model view. */
export const THUMBNAIL_SCALE =
  'Thumbnails: each row scaled to its own largest weight (the sink column, if any, clipped), ' +
  'square-root curve, largest cell per pixel. Open a head for its exact weights.';

/** Paints `levels` (src/shared/thumbnailLevels.ts) into `canvas`, `zoom` pixels per level. */
export function paintThumbnail(
  canvas: HTMLCanvasElement,
  levels: Float32Array,
  size: number,
  zoom: number,
  lut: Uint8Array,
  maskColor: string,
): void {
  const px = size * zoom;
  canvas.width = px;
  canvas.height = px;
  const image = new ImageData(px, px);
  const pixels = new Uint32Array(image.data.buffer);
  const [mr, mg, mb] = parseHex(maskColor);
  const masked = ((255 << 24) | (mb << 16) | (mg << 8) | mr) >>> 0;
  for (let y = 0; y < px; y++) {
    for (let x = 0; x < px; x++) {
      const level = levels[Math.floor(y / zoom) * size + Math.floor(x / zoom)];
      const k = Math.round(level * 255) * 3;
      // ImageData is RGBA in memory: one little-endian word per pixel.
      pixels[y * px + x] =
        level < 0 ? masked : ((255 << 24) | (lut[k + 2] << 16) | (lut[k + 1] << 8) | lut[k]) >>> 0;
    }
  }
  canvas.getContext('2d')!.putImageData(image, 0, 0);
}
