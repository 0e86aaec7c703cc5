/**
 * Steps 2–5 for one query as a table, one row per key: q·k, × scale, + bias, the mask,
 * the softmax weight, and the weight the model reported for the same head and row.
 */
import type { KeyStep } from './rowChecks';

/** The number as the table shows it: 4 significant digits, − for masked cells. */
export function cellText(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(4) : String(x);
}

export function scoreTable(
  rows: readonly KeyStep[],
  labels: readonly string[],
  model: ArrayLike<number> | undefined,
  options: { scale: number; softcap?: number; hasBias: boolean; focusKey: number | null },
): HTMLTableElement {
  const table = document.createElement('table');
  table.className = 'score-table';
  const head = table.createTHead().insertRow();
  const titles = [
    ['key', 'Key token'],
    ['q·k', 'Raw dot product of the query and this key'],
    options.softcap
      ? [
          `× ${cellText(options.scale)}, capped`,
          `Scaled by the model's scale, then soft-capped: ${cellText(options.softcap)} · tanh(x / ${cellText(options.softcap)})`,
        ]
      : [`× ${cellText(options.scale)}`, "Scaled by the model's scale"],
    ...(options.hasBias ? [['+ bias', 'Additive bias (relative positions, ALiBi)']] : []),
    ['mask', 'Whether the mask removes this key'],
    ['softmax', 'Softmax over the keys that are not masked'],
    ['model', 'The attention weight the model reported for this head'],
  ];
  for (const [text, title] of titles) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    th.title = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    if (r.masked) tr.className = 'masked';
    if (r.key === options.focusKey) tr.classList.add('focused');
    const cells = [
      `${labels[r.key] ?? ''} #${r.key}`,
      cellText(r.dot),
      r.masked ? '—' : cellText(r.scaled),
      ...(options.hasBias ? [r.masked ? '—' : cellText(r.bias)] : []),
      r.masked ? 'removed' : '',
      r.masked ? '0' : cellText(r.weight),
      model ? cellText(model[r.key]) : '…',
    ];
    cells.forEach((text, c) => {
      const td = tr.insertCell();
      td.textContent = text;
      if (c === cells.length - 2 && !r.masked) {
        const bar = document.createElement('span');
        bar.className = 'weight-bar';
        bar.style.width = `${Math.round(r.weight * 60)}px`;
        td.prepend(bar);
      }
    });
  }
  return table;
}
