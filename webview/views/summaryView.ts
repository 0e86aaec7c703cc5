/**
 * Summary view: per-head scores in a sortable table, with the labels the scores justify.
 * A row's button opens that head in the matrix view.
 */
import { describeAttentionFeatures } from '../../src/shared/attentionFeatures';
import { HEAD_LABEL_THRESHOLDS } from '../../src/engine/types';
import { csvField } from '../../src/shared/matrixCsv';
import { type SummaryRow, summaryRows } from './summaryRows';
import type { CsvCopy, Focus, View, ViewContext, ViewHost } from './view';

export type Column = {
  key: keyof SummaryRow;
  title: string;
  help: string;
  format: (s: SummaryRow) => string;
  /** Fraction of the cell a bar fills (0…1), for share-like columns. */
  bar?: (s: SummaryRow) => number;
};

const COLUMNS: Column[] = [
  { key: 'layer', title: 'Head', help: 'Layer and head', format: (s) => `L${s.layer} H${s.head}` },
  {
    key: 'entropy',
    title: 'Entropy (bits)',
    help: 'Mean entropy of a query row; low = focused, high = spread out',
    format: (s) => s.entropy.toFixed(2),
    bar: (s) => s.normalisedEntropy,
  },
  {
    key: 'meanDistance',
    title: 'Mean distance',
    help: 'Mean distance in tokens between a query and what it attends to',
    format: (s) => (s.meanDistance === null ? '—' : s.meanDistance.toFixed(1)),
  },
  {
    key: 'previousTokenShare',
    title: 'Previous token',
    help: 'Mean weight on the token just before the query (— for cross-attention)',
    format: (s) => (s.previousTokenShare === null ? '—' : s.previousTokenShare.toFixed(2)),
    bar: (s) => s.previousTokenShare ?? 0,
  },
  {
    key: 'firstTokenShare',
    title: 'First token',
    help: 'Mean weight on the first token (often a special token used as an attention sink)',
    format: (s) => s.firstTokenShare.toFixed(2),
    bar: (s) => s.firstTokenShare,
  },
  {
    key: 'inductionShare',
    title: 'Induction',
    help: 'Mean weight on the tokens that followed earlier occurrences of the query token (— when fewer than 4 tokens repeat)',
    format: (s) => (s.inductionShare === null ? '—' : s.inductionShare.toFixed(2)),
    bar: (s) => s.inductionShare ?? 0,
  },
  {
    key: 'alignment',
    title: 'Alignment',
    help: 'Cross-attention: how diagonal/monotonic the head is, from −1 (backwards) through 0 (no order) to 1 (each target token on the next source token); — for self-attention',
    format: (s) => (s.alignment === null ? '—' : s.alignment.toFixed(2)),
    bar: (s) => s.alignment ?? 0,
  },
  {
    key: 'write',
    title: 'Writes',
    help: 'Mean over query tokens of what the head adds to the residual stream, ‖Σ_j α_ij f(x_j)‖, relative to the stream’s norm there (absolute where that norm could not be read): a sink head that writes nothing scores near 0 (issue 24)',
    format: (s) => (s.write == null ? '—' : s.write.toFixed(3)),
    bar: (s) => s.write ?? 0,
  },
  {
    key: 'labels',
    title: 'Role',
    help: 'Labels justified by the scores',
    format: (s) => s.labels.join(', '),
  },
];

/** Scores of self-attention only, and of cross-attention only: a table shows one set. */
const SELF_ONLY = new Set<keyof SummaryRow>([
  'meanDistance',
  'previousTokenShare',
  'inductionShare',
]);
const CROSS_ONLY = new Set<keyof SummaryRow>(['alignment']);

/** The columns a table of `summaries` shows: self-attention's scores or cross-attention's. */
export function shownColumns(summaries: readonly SummaryRow[]): Column[] {
  const cross = summaries.some((s) => s.alignment !== null);
  // Without norms (the engine could not read them) there are no writes to show.
  const writes = summaries.some((s) => s.write != null);
  return COLUMNS.filter(
    (c) => !(cross ? SELF_ONLY : CROSS_ONLY).has(c.key) && (writes || c.key !== 'write'),
  );
}

export class SummaryView implements View {
  private columns = COLUMNS;
  /** The rows on show, in the table's order. */
  private shown: SummaryRow[] = [];
  readonly element = document.createElement('div');
  private readonly table = document.createElement('table');
  /** The model's sliding window and soft-cap, when it has them. */
  private readonly features = document.createElement('p');
  private sort: { key: keyof SummaryRow; descending: boolean } = {
    key: 'layer',
    descending: false,
  };

  constructor(private readonly host: ViewHost) {
    this.element.className = 'summary-view';
    this.table.className = 'summary-table';
    const note = document.createElement('p');
    note.className = 'note';
    const t = HEAD_LABEL_THRESHOLDS;
    note.textContent =
      `Roles: previous-token when the previous-token share ≥ ${t.previousToken}; first-token ` +
      `(sink) when the first-token share ≥ ${t.firstToken}; broad when the entropy is ≥ ` +
      `${t.broad * 100}% of the uniform maximum; induction when, for tokens seen before, the ` +
      `weight on what followed their earlier occurrences is ≥ ${t.induction} (causal models); ` +
      `aligned when the cross-attention alignment (source position correlated with target ` +
      `position, times sharpness) is ≥ ${t.aligned}. ` +
      'Scores are means over query tokens (for causal models, from the second token on), at token level.';
    this.features.className = 'note attention-features';
    this.element.append(this.features, this.table, note);
  }

  render(ctx: ViewContext): void {
    const model = ctx.store.meta?.model;
    const features = describeAttentionFeatures(model?.attention, model?.layers ?? 0);
    this.features.textContent = features.join(' ');
    this.features.hidden = features.length === 0;
    const summaries = summaryRows(ctx.store.overviews, ctx.writes);
    this.columns = shownColumns(summaries);
    this.shown = summaries;
    const { key, descending } = this.sort;
    const value = (s: SummaryRow) =>
      key === 'layer'
        ? s.layer * 1000 + s.head
        : key === 'labels'
          ? s.labels.join(',')
          : ((s[key] as number | null) ?? -1);
    summaries.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const order =
        va < vb ? -1 : va > vb ? 1 : a.layer * 1000 + a.head - (b.layer * 1000 + b.head);
      return descending ? -order : order;
    });
    const head = document.createElement('thead');
    const headRow = document.createElement('tr');
    for (const column of this.columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      const sorted = column.key === key;
      th.setAttribute('aria-sort', sorted ? (descending ? 'descending' : 'ascending') : 'none');
      const button = document.createElement('button');
      button.className = 'sort';
      button.title = column.help;
      button.textContent = `${column.title}${sorted ? (descending ? ' ▼' : ' ▲') : ''}`;
      button.addEventListener('click', () => {
        this.sort = { key: column.key, descending: sorted ? !descending : column.key !== 'layer' };
        this.render(ctx);
        (
          this.table.querySelector(
            `th:nth-child(${this.columns.indexOf(column) + 1}) button`,
          ) as HTMLElement
        )?.focus();
      });
      th.append(button);
      headRow.append(th);
    }
    head.append(headRow);
    const body = document.createElement('tbody');
    for (const s of summaries) body.append(this.row(s, ctx));
    this.table.replaceChildren(head, body);
    this.table.setAttribute('aria-label', `Head summaries of ${summaries.length} heads`);
  }

  private row(s: SummaryRow, ctx: ViewContext): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.classList.toggle('selected', ctx.state.layer === s.layer && ctx.state.head === s.head);
    for (const column of this.columns) {
      const td = document.createElement('td');
      if (column.key === 'layer') {
        const open = document.createElement('button');
        open.className = 'link';
        open.textContent = column.format(s);
        open.title = `Open layer ${s.layer} head ${s.head} in the matrix view`;
        open.addEventListener('click', () => this.host.open(s.layer, s.head));
        td.append(open);
      } else if (column.key === 'labels') {
        for (const label of s.labels) {
          const chip = document.createElement('span');
          chip.className = `role role-${label}`;
          chip.textContent = label;
          td.append(chip);
        }
      } else {
        td.className = 'number';
        if (column.bar) {
          const bar = document.createElement('span');
          bar.className = 'bar';
          bar.style.width = `${Math.round(Math.min(1, Math.max(0, column.bar(s))) * 100)}%`;
          td.append(bar);
        }
        const text = document.createElement('span');
        text.className = 'value';
        text.textContent = column.format(s);
        td.append(text);
      }
      tr.append(td);
    }
    return tr;
  }

  showFocus(_focus: Focus): void {}

  focusInside(): void {
    this.table.querySelector<HTMLElement>('th button')?.focus();
  }

  toSvg(): string | undefined {
    return undefined;
  }

  /** The table as shown (columns, order, formatted values) as CSV, for the clipboard. */
  csv(): CsvCopy {
    const rows = [this.columns.map((c) => c.title)];
    for (const s of this.shown) rows.push(this.columns.map((c) => c.format(s)));
    const text = `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
    return { text, what: 'head summaries as CSV' };
  }
}
