/**
 * A block of signed vectors (q, the keys, the values, the output) as rows of coloured
 * cells on one canvas, with a label per row. Hovering a cell, or moving the keyboard
 * cursor with the arrow keys, shows its number.
 */
import { absMax, divergingColor, parseColor } from '../../heatmap/divergingColor';
import type { Palette } from '../../theme';

/** One row: its label, its values, and whether to draw it emphasised (the query). */
export interface VectorRow {
  label: string;
  values: Float32Array;
  /** Drawn with an outline (the query, the output). */
  strong?: boolean;
  /** Drawn faded (keys the mask removes). */
  faded?: boolean;
}

const ROW = 16;

export class VectorGrid {
  readonly element = document.createElement('div');
  private readonly labels = document.createElement('div');
  private readonly canvas = document.createElement('canvas');
  private readonly tip = document.createElement('div');
  private readonly said = document.createElement('div');
  private rows: VectorRow[] = [];
  private limit = 0;
  private cell = 10;
  private cursor = { row: 0, col: 0 };
  private palette: Palette | undefined;

  constructor(private readonly name: string) {
    this.element.className = 'vector-grid';
    this.labels.className = 'vector-labels';
    this.labels.setAttribute('aria-hidden', 'true');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'img');
    this.tip.className = 'steps-tip';
    this.tip.hidden = true;
    this.said.className = 'visually-hidden';
    this.said.setAttribute('aria-live', 'polite');
    const stage = document.createElement('div');
    stage.className = 'vector-stage';
    stage.append(this.canvas, this.tip);
    this.element.append(this.labels, stage, this.said);
    this.listen();
  }

  /** Draws `rows` on a symmetric scale ±`limit` (default: their largest |value|). */
  set(rows: VectorRow[], palette: Palette, limit?: number): void {
    this.rows = rows;
    this.palette = palette;
    this.limit = limit ?? Math.max(...rows.map((r) => absMax(r.values)), 0);
    const width = rows[0]?.values.length ?? 0;
    this.cell = Math.max(4, Math.min(14, Math.floor(448 / Math.max(1, width))));
    this.cursor = {
      row: Math.min(this.cursor.row, rows.length - 1),
      col: Math.min(this.cursor.col, width - 1),
    };
    this.labels.replaceChildren(
      ...rows.map((r) => {
        const el = document.createElement('div');
        el.textContent = r.label;
        el.title = r.label;
        if (r.faded) el.className = 'faded';
        return el;
      }),
    );
    this.canvas.setAttribute(
      'aria-label',
      `${this.name}: ${rows.length} vectors of ${width} numbers, colour scale ±${this.limit.toPrecision(3)}; arrow keys read the numbers`,
    );
    this.paint();
  }

  private paint(): void {
    const { palette, rows } = this;
    if (!palette) return;
    const width = rows[0]?.values.length ?? 0;
    const dpr = window.devicePixelRatio || 1;
    const w = width * this.cell;
    const h = rows.length * ROW;
    this.canvas.width = Math.max(1, w * dpr);
    this.canvas.height = Math.max(1, h * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    const g = this.canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const background = parseColor(palette.background);
    rows.forEach((row, r) => {
      g.globalAlpha = row.faded ? 0.35 : 1;
      for (let c = 0; c < width; c++) {
        g.fillStyle = divergingColor(row.values[c], this.limit, background);
        g.fillRect(c * this.cell, r * ROW + 1, this.cell - (this.cell > 6 ? 1 : 0), ROW - 2);
      }
      g.globalAlpha = 1;
      if (row.strong) {
        g.strokeStyle = palette.foreground;
        g.lineWidth = 1;
        g.strokeRect(0.5, r * ROW + 0.5, w - 1, ROW - 1);
      }
    });
    if (document.activeElement === this.canvas && rows.length) {
      g.strokeStyle = palette.focus;
      g.lineWidth = palette.lineWidth;
      g.strokeRect(this.cursor.col * this.cell, this.cursor.row * ROW, this.cell, ROW);
    }
  }

  private text(row: number, col: number): string {
    const r = this.rows[row];
    return r ? `${r.label} [${col}] = ${r.values[col].toPrecision(4)}` : '';
  }

  private listen(): void {
    this.canvas.addEventListener('pointermove', (e) => {
      const row = Math.floor(e.offsetY / ROW);
      const col = Math.floor(e.offsetX / this.cell);
      if (!this.rows[row] || col >= this.rows[row].values.length) {
        this.hideTip();
        return;
      }
      this.showTip(this.text(row, col), e.offsetX, e.offsetY);
    });
    this.canvas.addEventListener('pointerleave', () => this.hideTip());
    this.canvas.addEventListener('focus', () => this.paint());
    this.canvas.addEventListener('blur', () => {
      this.hideTip();
      this.paint();
    });
    this.canvas.addEventListener('keydown', (e) => {
      const move = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[
        e.key
      ];
      if (!move || !this.rows.length) return;
      e.preventDefault();
      const width = this.rows[0].values.length;
      this.cursor = {
        row: Math.max(0, Math.min(this.rows.length - 1, this.cursor.row + move[0])),
        col: Math.max(0, Math.min(width - 1, this.cursor.col + move[1])),
      };
      const text = this.text(this.cursor.row, this.cursor.col);
      this.said.textContent = text;
      this.showTip(text, (this.cursor.col + 1) * this.cell, this.cursor.row * ROW);
      this.paint();
    });
  }

  private showTip(text: string, x: number, y: number): void {
    this.tip.textContent = text;
    this.tip.hidden = false;
    this.tip.style.left = `${x + 12}px`;
    this.tip.style.top = `${y + 12}px`;
  }

  private hideTip(): void {
    this.tip.hidden = true;
  }
}
