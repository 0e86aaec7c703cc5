/**
 * Step 8 of the Steps view: how the model knows order. A position table (learned or
 * sinusoid) is drawn as a position × position cosine-similarity map; rotary or relative
 * positions get a note. Per head of the layer: how far attention moves when the position
 * table, or the token embedding, is zeroed (docs/decisions.md, "Positions").
 */
import type { PositionsReport } from '../../../src/engine/types';
import { divergingColor, parseColor } from '../../heatmap/divergingColor';
import type { Palette } from '../../theme';
import type { PositionsEntry } from './stepsCache';

/** cos(row i, row j) for every pair of the table's rows, `[rows, rows]`. */
export function cosineMatrix(data: Float32Array, rows: number, width: number): Float32Array {
  const norms = Array.from({ length: rows }, (_, i) => {
    let sum = 0;
    for (let c = 0; c < width; c++) sum += data[i * width + c] ** 2;
    return Math.sqrt(sum) || 1;
  });
  const out = new Float32Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let dot = 0;
      for (let c = 0; c < width; c++) dot += data[i * width + c] * data[j * width + c];
      out[i * rows + j] = dot / norms[i] / norms[j];
    }
  }
  return out;
}

export function positionsSection(
  entry: PositionsEntry,
  layer: number,
  head: number,
  palette: Palette,
): HTMLElement {
  const el = document.createElement('section');
  el.className = 'steps-section positions';
  const title = document.createElement('h3');
  title.textContent = '8. How the model knows order';
  const note = document.createElement('p');
  el.append(title, note);
  if (entry.error) {
    note.textContent = `The positions could not be measured: ${entry.error}`;
  } else if (!entry.report) {
    note.textContent = 'Measuring how the model uses positions…';
  } else {
    note.textContent = entry.report.note;
    if (entry.report.table) el.append(similarityMap(entry.report.table, palette));
    if (entry.report.effects) el.append(effectsTable(entry.report.effects, layer, head));
  }
  return el;
}

function similarityMap(
  table: NonNullable<PositionsReport['table']>,
  palette: Palette,
): HTMLElement {
  const { rows, width, totalRows, name } = table;
  const cos = cosineMatrix(table.data, rows, width);
  const cell = Math.max(2, Math.floor(320 / rows));
  const canvas = document.createElement('canvas');
  canvas.className = 'position-map';
  canvas.width = rows * cell;
  canvas.height = rows * cell;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute(
    'aria-label',
    `Cosine similarity of the first ${rows} of ${totalRows} rows of ${name}: orange similar, blue opposite`,
  );
  const g = canvas.getContext('2d');
  const background = parseColor(palette.background);
  for (let i = 0; g && i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      g.fillStyle = divergingColor(cos[i * rows + j], 1, background);
      g.fillRect(j * cell, i * cell, cell, cell);
    }
  }
  canvas.addEventListener('pointermove', (e) => {
    const [i, j] = [Math.floor(e.offsetY / cell), Math.floor(e.offsetX / cell)];
    if (i < rows && j < rows)
      canvas.title = `positions ${i} and ${j}: cos ${cos[i * rows + j].toFixed(3)}`;
  });
  const caption = document.createElement('p');
  caption.textContent = `Position × position cosine similarity of ${name} (first ${rows} of ${totalRows} positions; orange = similar, blue = opposite). Nearby positions look alike when the band along the diagonal is wide.`;
  const figure = document.createElement('figure');
  figure.append(canvas, caption);
  return figure;
}

function effectsTable(
  effects: NonNullable<PositionsReport['effects']>,
  layer: number,
  head: number,
): HTMLElement {
  const table = document.createElement('table');
  table.className = 'score-table effects-table';
  table.createCaption().textContent = `Layer ${layer}: how far each head's attention moves (mean total-variation distance over queries, 0–1) when the position table or the token embedding is zeroed`;
  const row = table.createTHead().insertRow();
  for (const text of ['head', 'without positions', 'without tokens']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    row.append(th);
  }
  const body = table.createTBody();
  const position = effects.position[layer] ?? new Float32Array(0);
  const token = effects.token[layer] ?? new Float32Array(0);
  position.forEach((p, h) => {
    const tr = body.insertRow();
    if (h === head) tr.className = 'focused';
    tr.insertCell().textContent = `H${h}`;
    for (const value of [p, token[h]]) {
      const td = tr.insertCell();
      const bar = document.createElement('span');
      bar.className = 'weight-bar';
      bar.style.width = `${Math.round(value * 60)}px`;
      td.append(bar, value.toFixed(3));
    }
  });
  return table;
}
