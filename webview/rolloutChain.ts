/**
 * Attention rollout for the webview (issue 22): rollout through layer l multiplies every
 * layer up to l, so it needs them all. They are asked for one at a time and folded in as
 * they come, keeping only the rolled matrices; above `ROLLOUT_MAX_BYTES` of attention to
 * fetch the chain refuses, and the view says why.
 */
import { attentionRollout } from '../src/shared/attentionRollout';
import type { SquareMatrix } from '../src/shared/squareMatrix';

/** Most bytes of attention a rollout may fetch (a 512-token, 30-layer, 9-head model needs 283 MB). */
export const ROLLOUT_MAX_BYTES = 128 * 1024 * 1024;

/** The shape of the stack being rolled out. */
export interface RolloutShape {
  n: number;
  heads: number;
}

export class RolloutChain {
  private rolled: SquareMatrix[] = [];
  private running = false;
  /** Bumped by `reset`, so a chain of an earlier result or kind stops adding. */
  private generation = 0;

  constructor(
    /** Layer `layer` of the stack (`[heads, n, n]`), from the host or already at hand. */
    private readonly fetchLayer: (layer: number) => Promise<Float32Array>,
    /** A layer was folded in, or the chain failed (`error`). */
    private readonly changed: (error?: string) => void,
  ) {}

  /** Forgets what was rolled (a new result, another kind). */
  reset(): void {
    this.generation++;
    this.rolled = [];
    this.running = false;
  }

  /** Whether rollout through `layer` fits `ROLLOUT_MAX_BYTES`. */
  static fits(layer: number, { n, heads }: RolloutShape): boolean {
    return (layer + 1) * heads * n * n * 4 <= ROLLOUT_MAX_BYTES;
  }

  /** Why rollout through `layer` is refused (too much to fetch), or null when it is not. */
  static refusal(layer: number, shape: RolloutShape): string | null {
    if (RolloutChain.fits(layer, shape)) return null;
    const mb = Math.round(ROLLOUT_MAX_BYTES / (1024 * 1024));
    return (
      `Rollout through layer ${layer} needs every layer's attention up to it (over ${mb} MB at ` +
      `${shape.n} tokens): pick a head, the mean or the max, or inspect fewer tokens.`
    );
  }

  /** Rollout through `layer`, or undefined while its layers are being fetched (or refused). */
  to(layer: number, shape: RolloutShape): SquareMatrix | undefined {
    if (this.rolled.length > layer) return this.rolled[layer];
    if (!RolloutChain.fits(layer, shape) || this.running) return undefined;
    this.running = true;
    const generation = this.generation;
    const extend = async (): Promise<void> => {
      while (this.rolled.length <= layer) {
        const weights = await this.fetchLayer(this.rolled.length);
        if (generation !== this.generation) return;
        const before = this.rolled[this.rolled.length - 1];
        this.rolled.push(...attentionRollout([weights], shape.n, shape.heads, before));
      }
    };
    extend().then(
      () => {
        if (generation !== this.generation) return;
        this.running = false;
        this.changed();
      },
      (error: unknown) => {
        if (generation !== this.generation) return;
        this.changed(error instanceof Error ? error.message : String(error));
      },
    );
    return undefined;
  }
}
