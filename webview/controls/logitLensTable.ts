/**
 * The logit lens of the focused token (issue 24): per layer the top-k next tokens read from
 * the residual stream after it through the model's final norm and unembedding, as a small
 * layers × top-k table beside the model's own predictions, so the user sees in which layer
 * the answer appears. Asked of the host once per run and position (a few kept) after the user
 * asks for it once per run: the engine reads the lens with a second pass of the model (seconds
 * and a second copy of the weights on a big model), which must not follow every hover. Where the
 * engine refuses (no final norm or unembedding found, not a decoder) it says why.
 */
import type { LogitLensLayer } from '../../src/engine/types';
import { formatPercent, visibleText } from '../format';

/** Predictions per layer, as many as the panel lists of the model's own. */
export const LENS_K = 5;
const KEPT = 16;

type Answer = { layers: LogitLensLayer[] } | { refusal: string } | undefined;

export class LogitLensTable {
  private readonly answers = new Map<string, Answer>();
  private runId: number | null = null;
  /** The run whose lens the user asked for: only then are positions asked. */
  private wanted: number | null = null;

  constructor(
    private readonly ask: (runId: number, position: number, k: number) => Promise<LogitLensLayer[]>,
    /** An answer arrived: draw again. */
    private readonly changed: () => void,
  ) {}

  /** The table (or the refusal) for token `position` of run `runId`; asks the first time. */
  element(runId: number, position: number): HTMLElement {
    if (runId !== this.runId) {
      this.runId = runId;
      this.answers.clear();
    }
    if (this.wanted !== runId) return this.offer(runId);
    const key = String(position);
    if (!this.answers.has(key)) {
      this.answers.set(key, undefined);
      if (this.answers.size > KEPT) this.answers.delete(this.answers.keys().next().value as string);
      const settle = (answer: Answer) => {
        if (this.runId !== runId || !this.answers.has(key)) return;
        this.answers.set(key, answer);
        this.changed();
      };
      this.ask(runId, position, LENS_K).then(
        (layers) =>
          settle(
            Array.isArray(layers)
              ? { layers }
              : { refusal: 'the host answered with something else' },
          ),
        (error: unknown) =>
          settle({ refusal: error instanceof Error ? error.message : String(error) }),
      );
    }
    return render(this.answers.get(key));
  }

  private offer(runId: number): HTMLElement {
    const box = heading();
    const read = text('button', 'read-lens', 'Read the logit lens');
    read.title = 'Runs the model once more over this text, keeping every layer’s residual stream';
    read.addEventListener('click', () => {
      this.wanted = runId;
      this.changed();
    });
    box.append(read);
    return box;
  }
}

function heading(): HTMLElement {
  const box = document.createElement('section');
  box.className = 'logit-lens';
  box.append(text('h3', '', 'Logit lens · next token after each layer'));
  return box;
}

function render(answer: Answer): HTMLElement {
  const box = heading();
  if (!answer) {
    box.append(text('p', 'hint', 'Reading the residual stream of every layer…'));
    return box;
  }
  if ('refusal' in answer) {
    box.append(text('p', 'lens-refused', `Not available: ${answer.refusal}`));
    return box;
  }
  const table = document.createElement('table');
  const head = document.createElement('tr');
  head.append(text('th', '', 'layer'));
  for (let r = 1; r <= LENS_K; r++) head.append(text('th', '', `#${r}`));
  const thead = document.createElement('thead');
  thead.append(head);
  const body = document.createElement('tbody');
  for (const { layer, predictions } of answer.layers) {
    const row = document.createElement('tr');
    row.append(text('th', '', `L${layer}`));
    for (const p of predictions) {
      const cell = document.createElement('td');
      cell.title = `${formatPercent(p.prob)} after layer ${layer}`;
      cell.append(
        text('code', 'prediction', visibleText(p.text)),
        text('span', 'weight', formatPercent(p.prob)),
      );
      row.append(cell);
    }
    body.append(row);
  }
  table.append(thead, body);
  box.append(table);
  return box;
}

function text(tag: string, className: string, content: string): HTMLElement {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.textContent = content;
  return el;
}
