/**
 * A decoder's next-token predictions as the views read them (issue 22). A full result carries
 * every row's (`ResultMeta.predictions`); a held one says `nextTokens` and the engine reads a
 * row through the LM head only when asked (`WebviewHostApi.predictions`). The focused row is
 * asked latest-wins with at most one request in flight: hovering across 200 tokens must not
 * queue 200 passes through the unembedding, so while one is on its way only the newest row
 * waits, and is asked when it settles if nothing answered it meanwhile. A step list's rows
 * (the continuation bar) are asked in one request. Answers are kept per run, a few hundred
 * rows, whichever asked; a refusal is kept as its one line, never thrown. Pure: no DOM.
 */
import type { Prediction } from '../src/engine/types';
import type { ResultMeta } from '../src/protocol/webview';

/**
 * The predictions at a row: a list, still on its way, refused (why, and the host's error code
 * when it gave one: `stale`, `released`…), or none (the model predicts nothing).
 */
export type RowPredictions =
  | Prediction[]
  | 'pending'
  | { refusal: string; code?: string }
  | undefined;

/** Rows' answers kept per run: enough for every row a user hovers in a long panel. */
export const KEPT_ROWS = 512;

type Ask = (runId: number, rows: number[], k: number) => Promise<Prediction[][]>;

export class NextTokenRows {
  private runId: number | null = null;
  private readonly answers = new Map<number, Exclude<RowPredictions, undefined>>();
  /** A focus request is on its way. */
  private inFlight = false;
  /** The newest focused row not yet asked (asked when the request in flight settles). */
  private waiting: number | null = null;
  /** The row the focus panel shows: only its answer redraws. */
  private shown: number | null = null;
  private k = 1;

  constructor(
    private readonly ask: Ask,
    /** An answer the views show arrived: draw again. */
    private readonly changed: () => void,
  ) {}

  /** The predictions at the focused row `row`; asks for it (latest wins) when not known. */
  focused(meta: ResultMeta | null, row: number): RowPredictions {
    if (!meta) return undefined;
    if (!meta.nextTokens) return meta.predictions?.[row];
    this.follow(meta.runId, meta.nextTokens.k);
    this.shown = row;
    const known = this.answers.get(row);
    if (known !== undefined) {
      // Back on a row already asked: nothing older needs asking any more.
      this.waiting = null;
      return known;
    }
    if (this.inFlight) this.waiting = row;
    else this.request([row], true);
    return 'pending';
  }

  /** The predictions at each of `rows` (a step list's), asked together for those not known. */
  all(meta: ResultMeta | null, rows: readonly number[]): RowPredictions[] {
    if (!meta) return rows.map(() => undefined);
    if (!meta.nextTokens) return rows.map((row) => meta.predictions?.[row]);
    this.follow(meta.runId, meta.nextTokens.k);
    const unknown = [...new Set(rows.filter((row) => !this.answers.has(row)))];
    if (unknown.length) this.request(unknown, false);
    return rows.map((row) => this.answers.get(row));
  }

  /** A new run forgets the last one's answers; its requests still on their way are dropped. */
  private follow(runId: number, k: number): void {
    if (runId === this.runId) return;
    this.runId = runId;
    this.k = k;
    this.answers.clear();
    this.inFlight = false;
    this.waiting = null;
    this.shown = null;
  }

  private request(rows: number[], focus: boolean): void {
    const runId = this.runId!;
    for (const row of rows) this.keep(row, 'pending');
    if (focus) this.inFlight = true;
    const settle = (answer: (row: number, i: number) => Exclude<RowPredictions, undefined>) => {
      if (this.runId !== runId) return;
      let redraw = !focus;
      rows.forEach((row, i) => {
        this.keep(row, answer(row, i));
        if (row === this.shown) redraw = true;
      });
      if (focus) {
        this.inFlight = false;
        const next = this.waiting;
        this.waiting = null;
        if (next !== null && !this.answers.has(next)) this.request([next], true);
      }
      if (redraw) this.changed();
    };
    this.ask(runId, rows, this.k).then(
      (lists) =>
        settle((_, i) =>
          Array.isArray(lists?.[i])
            ? lists[i]
            : { refusal: 'the host answered with something else' },
        ),
      (error: unknown) => {
        const refusal = { refusal: error instanceof Error ? error.message : String(error) };
        const code = (error as { code?: unknown } | null)?.code;
        settle(() => (typeof code === 'string' ? { ...refusal, code } : refusal));
      },
    );
  }

  /** Keeps `answer` at `row`, the oldest rows going beyond `KEPT_ROWS`. */
  private keep(row: number, answer: Exclude<RowPredictions, undefined>): void {
    this.answers.delete(row);
    this.answers.set(row, answer);
    for (const old of this.answers.keys()) {
      if (this.answers.size <= KEPT_ROWS) break;
      if (this.answers.get(old) !== 'pending') this.answers.delete(old);
    }
  }
}
