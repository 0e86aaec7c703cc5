/**
 * The branches of a continuation (issue 23, "fork"): clicking an alternative among a step's
 * candidates writes a second continuation from it, and the panel keeps both to compare. The
 * host keeps the branches (src/commands/continuationForks.ts); each result it shows carries
 * the list, and the webview asks for a fork or another branch with the messages below.
 */

/** What a result of a continuation with branches carries (`ResultMeta.branches`). */
export interface ContinuationBranches {
  /** Which continuation the branches belong to (a new "Continue with Attention" starts another). */
  family: number;
  /** The branch this result is (an index into `list`). */
  shown: number;
  list: BranchSummary[];
}

export interface BranchSummary {
  /** The step (1-based) whose alternative it was forked at; null for the first run. */
  forkedAt: number | null;
  /** Its first token that differs from the branch it forked from (as predictions spell it). */
  token: string | null;
}

/** Webview → host: write a branch from `id` at step `step` (1-based) of branch `branch`. */
export interface ForkMessage {
  type: 'fork';
  family: number;
  branch: number;
  step: number;
  id: number;
}

/** Webview → host: show branch `branch` of the continuation. */
export interface ShowBranchMessage {
  type: 'showBranch';
  family: number;
  branch: number;
}
