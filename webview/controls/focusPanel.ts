/**
 * The side panel of the focused token: what it attends to most (with weights) and, for
 * decoders, the model's next-token predictions at that position. Also feeds the aria-live
 * region, so screen readers hear the same thing.
 */
import type { Prediction } from '../../src/engine/types';
import { formatPercent, formatWeight, visibleText } from '../format';
import type { RowPredictions } from '../nextTokenRows';
import type { Focus } from '../views/view';

/** What the panel shows besides the focus itself. */
export interface FocusDetails {
  labels: string[];
  /** Labels of the attended (key) units when they differ from `labels` (cross-attention). */
  keyLabels?: string[];
  /** Name of the matrix the weights come from. */
  source: string;
  /** The model's next-token predictions at the focused token (webview/nextTokenRows.ts). */
  predictions: RowPredictions;
  /** The logit lens at the focused token (decoders; webview/controls/logitLensTable.ts). */
  lens?: HTMLElement;
  stale: boolean;
}

export class FocusPanel {
  readonly element = document.createElement('aside');
  private readonly live = document.createElement('div');
  private announceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Items of the last predictions drawn: a pending list keeps their height (no jump per hover). */
  private predictionItems = 5;

  constructor(private readonly reveal: (unit: number) => void) {
    this.element.className = 'focus-panel';
    this.element.setAttribute('aria-label', 'Focused token');
    this.live.className = 'visually-hidden';
    this.live.setAttribute('role', 'status');
    this.live.setAttribute('aria-live', 'polite');
    this.live.id = 'announcer';
  }

  /** The live region; the app puts it in the page once. */
  get liveRegion(): HTMLElement {
    return this.live;
  }

  show(focus: Focus, d: FocusDetails): void {
    const children: HTMLElement[] = [];
    if (focus.unit === null || !focus.row) {
      children.push(
        text('p', 'hint', 'Hover, click or arrow-key to a token to see what it attends to.'),
      );
      this.element.replaceChildren(...children);
      return;
    }
    const title = text('h2', 'focus-title', d.labels[focus.unit]);
    title.title = `token ${focus.unit}`;
    children.push(
      title,
      text(
        'p',
        'focus-meta',
        `#${focus.unit} of ${d.labels.length}${focus.pinned ? ' · pinned' : ''}`,
      ),
      text('h3', '', `Attends to · ${d.source}`),
    );
    const list = document.createElement('ol');
    list.className = 'attended';
    const keyLabels = d.keyLabels ?? d.labels;
    for (const j of focus.top) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.className = 'link';
      button.textContent = keyLabels[j];
      button.title = 'Reveal in the editor';
      button.addEventListener('click', () => this.reveal(j));
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${Math.round(Math.min(1, focus.row[j]) * 100)}%`;
      item.append(button, text('span', 'weight', formatWeight(focus.row[j])), bar);
      list.append(item);
    }
    children.push(list);
    children.push(...this.predictions(d.predictions));
    if (d.lens) children.push(d.lens);
    if (d.stale)
      children.push(text('p', 'warning', 'The source changed: these weights are stale.'));
    this.element.replaceChildren(...children);
    this.announce(focus, d);
  }

  /** The "Model predicts next" list: drawn, pending, refused quietly, or nothing. */
  private predictions(p: RowPredictions): HTMLElement[] {
    if (p === undefined || (Array.isArray(p) && !p.length)) return [];
    // The result was replaced or released: the status line says so, not every hover.
    if (!Array.isArray(p) && p !== 'pending' && (p.code === 'stale' || p.code === 'released'))
      return [];
    const heading = text('h3', '', 'Model predicts next');
    if (p !== 'pending' && !Array.isArray(p)) {
      return [heading, text('p', 'hint predictions-refused', `Not available: ${p.refusal}`)];
    }
    const list = document.createElement('ol');
    list.className = 'predictions';
    if (p === 'pending') {
      list.classList.add('pending');
      list.setAttribute('aria-busy', 'true');
      list.title = 'Reading the next-token predictions…';
      for (let i = 0; i < this.predictionItems; i++) list.append(text('li', '', '…'));
      return [heading, list];
    }
    this.predictionItems = p.length;
    for (const prediction of p) list.append(predictionItem(prediction));
    return [heading, list];
  }

  /** Announces after the pointer settles, so hovering across tokens is not read aloud. */
  private announce(focus: Focus, d: FocusDetails): void {
    clearTimeout(this.announceTimer);
    const unit = focus.unit!;
    const row = focus.row!;
    const top = focus.top
      .map((j) => `${(d.keyLabels ?? d.labels)[j]} ${formatWeight(row[j])}`)
      .join(', ');
    const position = `token ${unit + 1} of ${d.labels.length}`;
    const message = `${d.labels[unit]}, ${position}, attends to ${top || 'nothing above the threshold'}`;
    this.announceTimer = setTimeout(
      () => (this.live.textContent = message),
      focus.pinned ? 0 : 300,
    );
  }
}

function predictionItem(p: Prediction): HTMLElement {
  const item = document.createElement('li');
  const bar = document.createElement('span');
  bar.className = 'bar';
  bar.style.width = `${Math.round(p.prob * 100)}%`;
  item.append(
    text('code', 'prediction', visibleText(p.text)),
    text('span', 'weight', formatPercent(p.prob)),
    bar,
  );
  return item;
}

function text(tag: string, className: string, content: string): HTMLElement {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = content;
  return el;
}
