/**
 * Marks on the document when a run's first complete view was on screen, with the run's trace
 * (src/protocol/webview.ts `RunTrace`) and when its messages arrived here, so the first-view
 * benchmark (test/e2e/bench/firstViewBench.ts) can split keypress → drawn view into its stages,
 * and tells the host (`didDraw`) so its log says where the time went. Changes nothing the user sees.
 */
import { type DrawnRecord, type ResultMeta, wallClockMs } from '../src/protocol/webview';
import { postToHost } from './vscodeApi';

export class DrawnMark {
  private meta: ResultMeta | null = null;
  private metaAt = 0;
  private lastLayerAt = 0;
  private marked: number | null = null;

  /** A result began arriving. */
  started(meta: ResultMeta): void {
    this.meta = meta;
    this.metaAt = wallClockMs();
    this.marked = null;
  }

  /** A layer of the current result arrived. */
  layer(): void {
    this.lastLayerAt = wallClockMs();
  }

  /** The view rendered with `received` of `layers` layers of run `runId`. */
  rendered(runId: number | null, received: number, layers: number): void {
    const meta = this.meta;
    if (!meta || runId !== meta.runId || received < layers || this.marked === runId) return;
    this.marked = runId;
    const renderedAt = wallClockMs();
    requestAnimationFrame(() => {
      const record: DrawnRecord = {
        runId: meta.runId,
        tokens: meta.tokens.length,
        trace: meta.trace,
        timings: meta.timings,
        metaAt: this.metaAt,
        lastLayerAt: this.lastLayerAt,
        renderedAt,
        drawnAt: wallClockMs(),
      };
      document.body.dataset.firstView = JSON.stringify(record);
      postToHost({ type: 'didDraw', record });
    });
  }
}
