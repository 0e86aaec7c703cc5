/**
 * The host's side of the webview's calls for the browser tests (src/protocol/webview.ts
 * `WebviewHostApi`): results are held by the engine's own `HeldResults` (holdInspection, as
 * the engine worker holds them), so overviews and slices are the engine's real answers, the
 * overviews packed as the extension's host sends them (src/protocol/overviewWire.ts).
 * Steps and positions calls wait until a test answers them (stepsPage.ts), so a test can
 * look at the view while they are on their way. Every call is recorded.
 */
import { HeldResults } from '../../src/engine/attention/heldResults';
import { holdInspection } from '../../src/engine/attention/holdInspection';
import type { Engine } from '../../src/engine/engine';
import { packOverview } from '../../src/protocol/overviewWire';
import type {
  AttentionSliceRequest,
  HeldResult,
  InspectResult,
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

export class TestHost {
  private readonly held = new HeldResults(64);
  private readonly runs = new Map<number, HeldResult>();
  /** Runs an engine holds itself (`inspectHeld`: value norms, the logit lens; issue 24). */
  private readonly engineRuns = new Map<number, { engine: Engine; held: HeldResult }>();
  readonly calls: HostCall[] = [];
  private readonly waiting: Waiting[] = [];
  /** Overviews answered before the gate closes (`gateOverviews`); the rest wait for `openGate`. */
  private overviewsLeft = Infinity;
  private readonly gated: (() => void)[] = [];
  private answering = 0;

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
    const inEngine = this.engineRuns.get(arg.runId);
    if (inEngine) return serveFromEngine(inEngine.engine, inEngine.held, method, arg);
    const held = this.runs.get(arg.runId);
    if (!held) throw new Error(`Run ${arg.runId} is no longer on show in this panel.`);
    if (method === 'steps' || method === 'positions') {
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
      throw new Error(`No such method "${method}".`);
    } finally {
      this.answering--;
    }
  }

  /** The last waiting call of `method` (steps, positions), taken off the queue. */
  take(method: 'steps' | 'positions'): Waiting {
    const index = this.waiting.map((w) => w.method).lastIndexOf(method);
    if (index < 0) throw new Error(`the page asked for no ${method}`);
    return this.waiting.splice(index, 1)[0];
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
  { resultId, stacks }: HeldResult,
  method: string,
  arg: HostCall['arg'],
): Promise<unknown> {
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
  throw new Error(`No such method "${method}".`);
}
