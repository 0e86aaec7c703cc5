/**
 * The branches of one continuation (issue 23, "fork"), as the host keeps them: the first run,
 * then one per alternative clicked — its forced ids are the tokens its source branch wrote
 * before that step and the alternative. A click that leads where a branch already went shows
 * that branch. Pure, no `vscode`.
 */
import type { HeldResult } from '../engine/types';
import type { ContinuationBranches } from '../protocol/continuationBranches';

export interface Branch {
  /** The first generated ids, forced (empty for the first run). */
  forced: number[];
  forkedAt: number | null;
  token: string | null;
  /** Its result once written (the engine may have released it since). */
  result?: HeldResult;
}

let nextFamily = 1;

/** A continuation id no other continuation of this session has (a revived panel's too). */
export function freshFamily(): number {
  return nextFamily++;
}

export class BranchSet {
  readonly family = freshFamily();
  readonly branches: Branch[] = [{ forced: [], forkedAt: null, token: null }];

  /**
   * The branch a click on `id` at step `step` (1-based) of branch `from` leads to: one that
   * already wrote those tokens, else a new one (not written yet). Undefined for a step or a
   * branch there is not.
   */
  fork(from: number, step: number, id: number): { index: number; isNew: boolean } | undefined {
    const source = this.branches[from]?.result;
    const generation = source?.generation;
    if (!generation || !Number.isInteger(step) || step < 1 || step > generation.generated.length)
      return undefined;
    if (!Number.isInteger(id) || id < 0) return undefined;
    const forced = [...generation.generated.slice(0, step - 1).map((t) => t.id), id];
    const existing = this.branches.findIndex((branch) => startsWith(idsOf(branch), forced));
    if (existing >= 0) return { index: existing, isNew: false };
    const row = generation.promptTokens + step - 2;
    const token = source.predictions?.[row]?.find((p) => p.id === id)?.text ?? `#${id}`;
    this.branches.push({ forced, forkedAt: step, token });
    return { index: this.branches.length - 1, isNew: true };
  }

  /** Branch `index` was written (again): its result. */
  settle(index: number, result: HeldResult): void {
    const branch = this.branches[index];
    if (!branch) return;
    branch.result = result;
    // A held result's predictions are read per row (issue 22), so a fork is named by the token
    // its own run wrote at the step it forked.
    const at = branch.forkedAt;
    const written = at === null ? undefined : result.generation?.generated[at - 1];
    if (written && written.id === branch.forced.at(-1)) branch.token = written.text;
  }

  /** A new branch whose run gave nothing is forgotten (only the newest can be). */
  forget(index: number): void {
    if (index === this.branches.length - 1 && !this.branches[index]?.result) this.branches.pop();
  }

  /** What a result of branch `shown` carries to the panel. */
  listFor(shown: number): ContinuationBranches {
    return {
      family: this.family,
      shown,
      list: this.branches.map(({ forkedAt, token }) => ({ forkedAt, token })),
    };
  }

  /** Results the branches hold. */
  get results(): HeldResult[] {
    return this.branches.flatMap((branch) => (branch.result ? [branch.result] : []));
  }
}

function idsOf(branch: Branch): number[] {
  return branch.result?.generation?.generated.map((t) => t.id) ?? branch.forced;
}

function startsWith(ids: readonly number[], prefix: readonly number[]): boolean {
  return prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);
}

/**
 * What to tell a user who clicked an alternative (`fork`) or a branch (`showBranch`) in a panel
 * whose continuation the host no longer keeps: only the latest continuation's branches are
 * kept, until it is inserted or its file closes (and none survive a reload).
 */
export function olderContinuationMessage(type: 'fork' | 'showBranch'): string {
  const what = type === 'fork' ? 'can no longer branch' : 'no longer keeps its other branches';
  return `Attention Inspector: this continuation ${what} (only the latest continuation does, until it is inserted or its file closes). Run "Continue with Attention" on its prompt again to branch from there.`;
}
