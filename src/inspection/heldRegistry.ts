/**
 * The held results the host's panels show (issue 22): metadata only — the engine keeps the
 * attention. A result shown by one or more panels is kept for instant re-runs of the same
 * text; once no panel shows it, the engine is told to release it. Pure, no `vscode`.
 */
import type { HeldResult } from '../engine/types';

/** What the registry needs of the engine. */
export interface HeldEngine {
  slice(
    resultId: number,
    request: {
      kind: HeldResult['stacks'][number]['kind'];
      layer: number;
      heads: number[];
      rows: number[];
    },
  ): Promise<Float32Array>;
  release(resultId: number): Promise<void>;
}

export class HeldRegistry {
  /** Results by run key (model, variant, tokens limit, target, text). */
  private readonly byKey = new Map<string, HeldResult>();
  /** Panels showing each result. */
  private readonly shownBy = new Map<number, number>();

  constructor(private readonly engine: HeldEngine) {}

  /**
   * The result of an identical earlier run, if a panel still shows it and the engine still
   * holds it (asked with a one-cell slice: the engine keeps only its newest few results).
   */
  async reuse(key: string): Promise<HeldResult | undefined> {
    const held = this.byKey.get(key);
    if (!held) return undefined;
    const [stack] = held.stacks;
    try {
      await this.engine.slice(held.resultId, { kind: stack.kind, layer: 0, heads: [0], rows: [0] });
      return held;
    } catch {
      this.byKey.delete(key);
      return undefined;
    }
  }

  /** A fresh result of the run `key`. */
  add(key: string, held: HeldResult): void {
    this.byKey.set(key, held);
  }

  /** A panel shows `resultId` now. */
  show(resultId: number): void {
    this.shownBy.set(resultId, (this.shownBy.get(resultId) ?? 0) + 1);
  }

  /** A panel stopped showing `resultId` (closed, or shows a newer one): the last lets it go. */
  hide(resultId: number): void {
    const count = (this.shownBy.get(resultId) ?? 0) - 1;
    if (count > 0) {
      this.shownBy.set(resultId, count);
      return;
    }
    this.shownBy.delete(resultId);
    for (const [key, held] of this.byKey) if (held.resultId === resultId) this.byKey.delete(key);
    void this.engine.release(resultId).catch(() => undefined);
  }

  /** A result nobody shows (a run whose panel closed meanwhile): released at once. */
  drop(held: HeldResult): void {
    if (!this.shownBy.has(held.resultId)) {
      this.shownBy.set(held.resultId, 1);
      this.hide(held.resultId);
    }
  }

  /** Forgets every result (a model folder was replaced); panels keep what they show. */
  clear(): void {
    this.byKey.clear();
  }

  /** Result ids shown now, for tests and diagnostics. */
  get shown(): number[] {
    return [...this.shownBy.keys()];
  }
}
