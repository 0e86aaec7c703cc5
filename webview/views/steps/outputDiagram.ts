/**
 * Where one head's output goes (step 7): every head of the layer writes its weighted sum
 * of values, the outputs are concatenated, the output projection W_O maps them back to
 * the model's width, and the result is added to the residual stream.
 */
const SVG = 'http://www.w3.org/2000/svg';

export function outputDiagram(
  heads: number,
  head: number,
  dv: number,
  hidden: number,
): SVGSVGElement {
  const boxW = 44;
  const gap = 6;
  const width = Math.max(360, heads * (boxW + gap) + 20);
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'output-diagram');
  svg.setAttribute('viewBox', `0 0 ${width} 170`);
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', '170');
  svg.setAttribute('role', 'img');
  svg.setAttribute(
    'aria-label',
    `Head ${head}'s output (${dv} numbers per token) is concatenated with the other ${heads - 1} heads' outputs, ` +
      `projected by W_O to ${hidden} numbers, and added to the residual stream.`,
  );
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    svg.append(el);
    return el;
  };
  for (let h = 0; h < heads; h++) {
    const x = 10 + h * (boxW + gap);
    add('rect', {
      x,
      y: 8,
      width: boxW,
      height: 26,
      rx: 3,
      class: h === head ? 'box this-head' : 'box',
    });
    add('text', { x: x + boxW / 2, y: 25, 'text-anchor': 'middle' }, `H${h}`);
    add('line', {
      x1: x + boxW / 2,
      y1: 34,
      x2: x + boxW / 2,
      y2: 52,
      class: h === head ? 'wire this-head' : 'wire',
    });
  }
  const rowW = heads * (boxW + gap) - gap;
  add('rect', { x: 10, y: 52, width: rowW, height: 18, rx: 2, class: 'box' });
  add(
    'text',
    { x: 10 + rowW / 2, y: 65, 'text-anchor': 'middle' },
    `concat: ${heads} × ${dv} = ${heads * dv}`,
  );
  add('line', { x1: 10 + rowW / 2, y1: 70, x2: 10 + rowW / 2, y2: 88, class: 'wire' });
  add('rect', { x: 10 + rowW / 2 - 90, y: 88, width: 180, height: 24, rx: 3, class: 'box' });
  add(
    'text',
    { x: 10 + rowW / 2, y: 104, 'text-anchor': 'middle' },
    `W_O: ${heads * dv} → ${hidden}`,
  );
  add('line', { x1: 10 + rowW / 2, y1: 112, x2: 10 + rowW / 2, y2: 130, class: 'wire' });
  add(
    'text',
    { x: 10 + rowW / 2, y: 148, 'text-anchor': 'middle' },
    '+ residual stream → next block',
  );
  return svg;
}
