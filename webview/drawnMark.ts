/**
 * Marks on the document when a run's first complete view was on screen, with the run's trace
 * (src/protocol/webview.ts `RunTrace`) and when its messages arrived here, so the first-view
 * benchmark (test/e2e/bench/firstViewBench.ts) can split keypress → drawn view into its stages.
 * Reads nothing back and changes nothing the user sees.
 */
import { wallClockMs, type ResultMeta } from '../src/protocol/webview';

/** What `document.body.dataset.firstView` holds (JSON) once a run's view was drawn. */
export interface DrawnRecord {
  runId: number;
  tokens: number;
  trace: ResultMeta['trace'];
  timings: ResultMeta['timings'];
  /** `didStartResult` arrived. */
  metaAt: number;
  /** The last layer arrived. */
  lastLayerAt: number;
  /** The view that shows every layer was rendered (canvases filled). */
  renderedAt: number;
  /** The next animation frame after that render: the view was painted. */
  drawnAt: number;
}

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
    });
  }
}
