/** Small helpers for writing standalone SVG documents by hand. */

/**
 * Escapes text for SVG content and attribute values. XML 1.0 forbids most control
 * characters even as references, so they become their visible Control Pictures (U+240C ␌
 * for a form feed), and noncharacters or lone surrogates become U+FFFD.
 */
export function esc(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters XML 1.0 forbids are what this finds
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, (c) =>
        String.fromCharCode(0x2400 + c.charCodeAt(0)),
      )
      .replace(
        /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
        '\ufffd',
      )
      .replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
  );
}

/** Wraps `body` in an `<svg>` root of `width × height` with a background. */
export function svgDocument(
  width: number,
  height: number,
  background: string,
  body: string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(width)}" height="${Math.ceil(height)}" ` +
      `viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}">`,
    `<rect width="100%" height="100%" fill="${esc(background)}"/>`,
    ...body,
    '</svg>',
  ].join('\n');
}

/** `rgb` of LUT entry `k` as `#rrggbb`. */
export function lutHex(lut: Uint8Array, k: number): string {
  return `#${[lut[k * 3], lut[k * 3 + 1], lut[k * 3 + 2]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** A horizontal gradient definition through the colour map, `id` for `fill="url(#id)"`. */
export function lutGradient(id: string, lut: Uint8Array): string {
  const stops = [];
  for (let s = 0; s <= 16; s++) {
    const k = Math.round((s / 16) * 255);
    stops.push(`<stop offset="${(s / 16).toFixed(4)}" stop-color="${lutHex(lut, k)}"/>`);
  }
  return `<linearGradient id="${id}">${stops.join('')}</linearGradient>`;
}

/** A diagonal hatch pattern definition for masked cells. */
export function hatchDef(id: string, mask: string, hatch: string): string {
  return (
    `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse">` +
    `<rect width="6" height="6" fill="${esc(mask)}"/>` +
    `<path d="M-1,1 L1,-1 M0,6 L6,0 M5,7 L7,5" stroke="${esc(hatch)}" stroke-width="1"/></pattern>`
  );
}

/** Rasterises an SVG document to a PNG data URL at `scale` × its size. */
export async function svgToPng(svg: string, scale = 2): Promise<string> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const g = canvas.getContext('2d')!;
    g.scale(scale, scale);
    g.drawImage(image, 0, 0);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}
