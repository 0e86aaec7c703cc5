/**
 * Asks the host for a result's layer overviews (thumbnails and head summaries), first layers
 * first, at most `overviewsInFlight` at a time (a small result's all at once, a big one's two).
 * The webview pulls rather than the host pushing: a newer result simply stops the older one's
 * asks, so it waits behind those in flight at most (the reason the host used to pace its
 * pushes, issue 28), and no "took them" message is needed.
 */
import type { AttentionKind, AttentionStack, LayerOverview } from '../src/engine/types';
import { type PackedOverview, unpackOverview } from '../src/protocol/overviewWire';
import { overviewsInFlight } from '../src/shared/overviewBatch';

/** Whether `overview` is a well-formed overview of a layer of `stack` (a reply may be anything). */
export function fitsStack(overview: unknown, stack: AttentionStack | undefined): boolean {
  if (typeof overview !== 'object' || overview === null || !stack) return false;
  const o = overview as LayerOverview;
  return (
    o.kind === stack.kind &&
    Number.isInteger(o.layer) &&
    o.layer >= 0 &&
    o.layer < stack.layers &&
    o.thumbnails instanceof Float32Array &&
    o.thumbnails.length === stack.heads * o.side * o.colSide &&
    Array.isArray(o.summaries)
  );
}

/** The overviews a result's metadata brought (a message may be anything: none if not a list). */
export function sentOverviews(sent: PackedOverview[] | undefined): LayerOverview[] {
  return Array.isArray(sent) ? sent.map(unpackOverview) : [];
}

export { OVERVIEWS_IN_FLIGHT } from '../src/shared/overviewBatch';

export class OverviewPull {
  private queue: { kind: AttentionKind; layer: number }[] = [];
  private inFlight = 0;
  /** Asked and not yet answered at most (`overviewsInFlight` of the result's stacks). */
  private limit = 2;
  private generation = 0;

  constructor(
    private readonly fetch: (kind: AttentionKind, layer: number) => Promise<LayerOverview>,
    private readonly arrived: (overview: LayerOverview) => void,
    private readonly failed: (message: string) => void,
  ) {}

  /** Starts asking for every layer of `stacks` but those `had`; asks of an earlier result stop. */
  start(
    stacks: readonly AttentionStack[],
    had: (kind: AttentionKind, layer: number) => boolean = () => false,
  ): void {
    this.generation++;
    this.inFlight = 0;
    this.limit = overviewsInFlight(stacks);
    this.queue = stacks.flatMap(({ kind, layers }) =>
      Array.from({ length: layers }, (_, layer) => ({ kind, layer })).filter(
        (asked) => !had(asked.kind, asked.layer),
      ),
    );
    this.pump();
  }

  /** Stops asking (the result was dropped). */
  stop(): void {
    this.generation++;
    this.queue = [];
    this.inFlight = 0;
  }

  private pump(): void {
    const generation = this.generation;
    while (this.queue.length > 0 && this.inFlight < this.limit) {
      const { kind, layer } = this.queue.shift() as { kind: AttentionKind; layer: number };
      this.inFlight++;
      this.fetch(kind, layer).then(
        (overview) => {
          if (generation !== this.generation) return;
          this.inFlight--;
          this.arrived(overview);
          this.pump();
        },
        (error: unknown) => {
          if (generation !== this.generation) return;
          // One refusal (the result was released) refuses the rest: stop asking.
          this.stop();
          this.failed(error instanceof Error ? error.message : String(error));
        },
      );
    }
  }
}
