/**
 * The host's side of the webview's calls for the browser tests (src/protocol/webview.ts
 * `WebviewHostApi`): results are held by the engine's own `HeldResults` (holdInspection, as
 * the engine worker holds them), so overviews and slices are the engine's real answers, the
 * overviews packed as the extension's host sends them (src/protocol/overviewWire.ts).
 * Steps and positions calls wait until a test answers them (stepsPage.ts), so a test can
 * look at the view while they are on their way; so do next-token predictions once a test
 * holds them (`holdPredictions`), answered from the fixture's own full table through the
 * engine's `HeldResults.predictions` (its checks and refusals). Every call is recorded.
 */
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import type { Engine } from '../../src/engine/engine';
import { packOverview } from '../../src/protocol/overviewWire';
import type {
  AttentionSliceRequest,
  HeldResult,
  InspectResult,
  Prediction,
  SliceWeights,
  ThumbnailUnits,
} from '../../src/engine/types';

/** One call the page made: its method and argument. */
export interface HostCall {
  method: string;
  arg: Record<string, unknown> & { runId: number };
}

/** A slice the page asked for: the request as posted, with its run. */
export type SliceCall = HostCall['arg'] & Partial<AttentionSliceRequest>;

interface Waiting extends HostCall {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The calls a test answers itself. */
type Held = 'steps' | 'positions' | 'predictions';

/** The top `k` of `rows` read from a full result's table, as a held run's LM head answers. */
export function tableRows(table: Prediction[][], rows: readonly number[], k: number) {
  return rows.map((row) => table[row]!.slice(0, k));
}

/**
 * The engine's held results, each decoder's next-token predictions read from the full
 * result's table (the engine's own reader of a held run's rows is the forward pass's, which a
 * full result does not keep).
 */
class PredictingResults extends HeldResults {
  override hold(...[meta, stacks]: Parameters<HeldResults['hold']>): HeldResult {
    const table = meta.predictions;
    const [first] = stacks;
    if (table && first) first.source.predictions = { rows: async (r, k) => tableRows(table, r, k) };
    return super.hold(meta, stacks);
  }
}

export class TestHost {
  private readonly held = new PredictingResults(64);
  private readonly runs = new Map<number, HeldResult>();
  /** Runs an engine holds itself (`inspectHeld`: value norms, the logit lens; issue 24). */
  private readonly engineRuns = new Map<number, { engine: Engine; held: HeldResult }>();
  readonly calls: HostCall[] = [];
  private readonly waiting: Waiting[] = [];
  /** Overviews answered before the gate closes (`gateOverviews`); the rest wait for `openGate`. */
  private overviewsLeft = Infinity;
  private readonly gated: (() => void)[] = [];
  private answering = 0;
  /** Next-token predictions wait for `answerPredictions` (a test looks at what is on its way). */
  holdPredictions = false;
  /** Refuse next-token predictions with this message (and error code). */
  refusePredictions: string | undefined;

  /** Holds `result` as run `runId`'s, as the engine does; returns the held metadata. */
  hold(runId: number, result: InspectResult): HeldResult {
    const held = holdInspection(this.held, result);
    this.runs.set(runId, held);
    return held;
  }

  /** Answers run `runId` from what `engine` holds as `held` (an `inspectHeld` result). */
  holdInEngine(runId: number, engine: Engine, held: HeldResult): void {
    this.engineRuns.set(runId, { engine, held });
  }

  /** From now on only `count` more overviews are answered until `openGate`. */
  gateOverviews(count: number): void {
    this.overviewsLeft = count;
  }

  /** Answers the overviews held back, and every later one. */
  openGate(): void {
    this.overviewsLeft = Infinity;
    for (const go of this.gated.splice(0)) go();
  }

  /** Calls still being answered (overviews and slices; steps wait for the test). */
  get busy(): number {
    return this.answering;
  }

  /** Answers one call of the page. */
  async serve(method: string, arg: HostCall['arg']): Promise<unknown> {
    this.calls.push({ method, arg });
    if (method === 'predictions' && this.refusePredictions) throw new Error(this.refusePredictions);
    const inEngine = this.engineRuns.get(arg.runId);
    if (inEngine) return serveFromEngine(inEngine.engine, inEngine.held, method, arg);
    const held = this.runs.get(arg.runId);
    if (!held) throw new Error(`Run ${arg.runId} is no longer on show in this panel.`);
    const waits = method === 'steps' || method === 'positions';
    if (waits || (method === 'predictions' && this.holdPredictions)) {
      return new Promise((resolve, reject) => this.waiting.push({ method, arg, resolve, reject }));
    }
    this.answering++;
    try {
      if (method === 'overview') {
        if (this.overviewsLeft <= 0) await new Promise<void>((go) => this.gated.push(go));
        this.overviewsLeft--;
        const { kind, layer, units, weights } = arg as unknown as {
          kind: 'encoder';
          layer: number;
          units?: ThumbnailUnits;
          weights?: SliceWeights;
        };
        const overview = await this.held.overview(held.resultId, kind, layer, units, weights);
        return packOverview(overview, held.stacks);
      }
      if (method === 'slice') {
        const { runId: _runId, ...request } = arg as unknown as {
          runId: number;
          kind: 'encoder';
          layer: number;
        };
        return await this.held.slice(held.resultId, request);
      }
      // Results held from an InspectResult have no norms: the engine's own refusals.
      const { kind, layer, position, k } = arg as unknown as WhatMovesArg;
      if (method === 'headWrites') return this.held.headWrites(held.resultId, kind, layer);
      if (method === 'logitLens') return await this.held.logitLens(held.resultId, position, k);
      if (method === 'predictions') {
        const { rows } = arg as unknown as { rows: number[] };
        return await this.held.predictions(held.resultId, rows, k);
      }
      throw new Error(`No such method "${method}".`);
    } finally {
      this.answering--;
    }
  }

  /** Answers the waiting predictions call for `rows` (the oldest waiting when not said) as the engine would. */
  async answerPredictions(rows?: number[]): Promise<void> {
    const index = this.waiting.findIndex(
      (w) => w.method === 'predictions' && (!rows || String(w.arg.rows) === String(rows)),
    );
    if (index < 0) throw new Error(`the page asked for no predictions at ${rows ?? 'any row'}`);
    const [call] = this.waiting.splice(index, 1);
    const { rows: asked, k } = call.arg as unknown as { rows: number[]; k: number };
    const held = this.runs.get(call.arg.runId);
    if (!held) return call.reject(new Error(`Run ${call.arg.runId} is no longer on show.`));
    call.resolve(await this.held.predictions(held.resultId, asked, k));
  }

  /** The last waiting call of `method` (steps, positions, predictions), taken off the queue. */
  take(method: Held): Waiting {
    const index = this.waiting.map((w) => w.method).lastIndexOf(method);
    if (index < 0) throw new Error(`the page asked for no ${method}`);
    return this.waiting.splice(index, 1)[0];
  }

  /** Waits until the page has called `method` `count` times (a call crosses from the page as a task). */
  async calledTimes(method: string, count: number): Promise<void> {
    for (let tries = 0; this.callsOf(method).length < count; tries++) {
      if (tries > 500)
        throw new Error(`the page called ${method} ${this.callsOf(method).length} times`);
      await new Promise((go) => setTimeout(go, 10));
    }
  }

  /** The calls of `method` so far, arguments only. */
  callsOf(method: string): HostCall['arg'][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.arg);
  }

  /** The slices asked for so far. */
  sliceCalls(): SliceCall[] {
    return this.callsOf('slice') as SliceCall[];
  }
}

/** The arguments of the issue-24 calls. */
interface WhatMovesArg {
  kind: 'encoder';
  layer: number;
  position: number;
  k: number;
}

/** One call answered by the engine itself, as the extension's host relays it. */
async function serveFromEngine(
  engine: Engine,
  held: HeldResult,
  method: string,
  arg: HostCall['arg'],
): Promise<unknown> {
  const { resultId, stacks } = held;
  const { runId: _runId, ...rest } = arg;
  const { kind, layer, position, k, units, weights } = rest as unknown as WhatMovesArg & {
    units?: ThumbnailUnits;
    weights?: SliceWeights;
  };
  if (method === 'overview')
    return packOverview(await engine.overview(resultId, kind, layer, units, weights), stacks);
  if (method === 'slice')
    return engine.slice(resultId, rest as unknown as { kind: 'encoder'; layer: number });
  if (method === 'headWrites') return engine.headWrites(resultId, kind, layer);
  if (method === 'logitLens') return engine.logitLens(resultId, position, k);
  if (method === 'predictions') {
    const { rows } = rest as unknown as { rows: number[] };
    // A held result that still carries every row's (the engine before issue 22's LM head per row).
    if (held.predictions) return tableRows(held.predictions, rows, k);
    return engine.predictions(resultId, rows, k);
  }
  throw new Error(`No such method "${method}".`);
}
