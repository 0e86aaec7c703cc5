/**
 * The model view's grid as CSV: for each head score the summary view shows, a layers × heads
 * grid of it (one row per score and layer, one column per head), formatted as the summary
 * table formats it, so a spreadsheet can colour or chart the whole model at once.
 */
import type { HeadSummary } from '../../src/engine/types';
import { csvField } from '../../src/shared/matrixCsv';
import { shownColumns } from '../views/summaryView';

export function statisticsCsv(
  summaries: readonly HeadSummary[],
  layers: number,
  heads: number,
): string {
  const byHead = new Map(summaries.map((s) => [`${s.layer}/${s.head}`, s]));
  const headNames = Array.from({ length: heads }, (_, h) => `H${h}`);
  const rows = [['statistic', 'layer', ...headNames]];
  for (const column of shownColumns(summaries).filter((c) => c.key !== 'layer')) {
    for (let l = 0; l < layers; l++) {
      const cells = headNames.map((_, h) => {
        const s = byHead.get(`${l}/${h}`);
        return s ? column.format(s) : '';
      });
      rows.push([column.title, `L${l}`, ...cells]);
    }
  }
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}
