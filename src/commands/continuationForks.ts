/**
 * The branches of the latest continuation (issue 23, "fork") on the host: the first run,
 * then a branch per alternative clicked in the panel (the same request with forced first
 * ids), each its own held result, kept held while the continuation lives. The branch on show
 * is what the ghost text shows and what "Insert Continuation" inserts; its focused step is
 * highlighted in the ghost text. A branch the engine released since is written again, saying
 * so. Nothing is written once the document changed under the continuation.
 */
import * as vscode from 'vscode';
import type { ContinuationGhost } from '../editor/continuationGhost';
import type { GenerationRequest, HeldResult } from '../engine/types';
import { BranchSet, olderContinuationMessage } from '../inspection/branchSet';
import type { Inspector } from '../inspection/inspector';
import type { ForkMessage, ShowBranchMessage } from '../protocol/continuationBranches';
import { type FocusMessage, wallClockMs } from '../protocol/webview';

/** A continuation that may still be inserted. */
export interface Written {
  document: vscode.TextDocument;
  version: number;
  at: number;
  text: string;
}

interface Family {
  set: BranchSet;
  document: vscode.TextDocument;
  range: vscode.Range;
  version: number;
  request: GenerationRequest;
  /** The branch on show and the panel's run id of it. */
  shown: number;
  runId: number | undefined;
}

export class ContinuationForks implements vscode.Disposable {
  private family: Family | undefined;
  private readonly closed = vscode.workspace.onDidCloseTextDocument((document) => {
    if (this.family?.document === document) this.end();
  });

  constructor(
    private readonly inspector: Inspector,
    private readonly ghost: ContinuationGhost,
  ) {}

  /** The branch on show, while its document is as it was written for. */
  get written(): Written | undefined {
    const family = this.family;
    const result = family?.set.branches[family.shown]?.result;
    if (!family || !result?.generation) return undefined;
    const { document, version, range } = family;
    return {
      document,
      version,
      at: document.offsetAt(range.end),
      text: result.generation.continuation,
    };
  }

  /** Writes a new continuation of `range` (its first branch); the earlier one is let go. */
  async start(
    document: vscode.TextDocument,
    range: vscode.Range,
    request: GenerationRequest,
    commandAt: number,
  ): Promise<HeldResult | undefined> {
    this.end();
    const family: Family = {
      set: new BranchSet(),
      document,
      range,
      version: document.version,
      request,
      shown: 0,
      runId: undefined,
    };
    this.family = family;
    return this.write(family, 0, commandAt);
  }

  /** A message of the panel: a fork, another branch, or a focused token (ghost highlight). */
  async handle(message: ForkMessage | ShowBranchMessage | FocusMessage): Promise<void> {
    const family = this.family;
    if (message.type === 'focusToken') return this.highlight(message);
    // Messages come from the webview: one that does not name a branch is dropped.
    if (!Number.isInteger(message.branch)) return;
    if (!family || message.family !== family.set.family) {
      void vscode.window.showInformationMessage(olderContinuationMessage(message.type));
      return;
    }
    if (family.document.isClosed || family.document.version !== family.version) {
      void vscode.window.showWarningMessage(
        'Attention Inspector: the document changed after the model wrote this continuation, so it cannot branch. Run "Continue with Attention" again.',
      );
      return;
    }
    if (message.type === 'fork') {
      const target = family.set.fork(message.branch, message.step, message.id);
      if (target) await this.write(family, target.index, wallClockMs(), target.isNew);
      return;
    }
    const branch = family.set.branches[message.branch];
    if (!branch) return;
    // A branch whose run a newer one overtook has no result yet: it is written now.
    if (branch.result && !(await this.stillHeld(branch.result))) {
      void vscode.window.showInformationMessage(
        `Attention Inspector: branch ${message.branch + 1} is no longer held by the engine (newer results took its place), so the model writes it again.`,
      );
    }
    await this.write(family, message.branch, wallClockMs());
  }

  dispose(): void {
    this.end();
    this.closed.dispose();
  }

  /** Runs branch `index` into the panel; on success it is the branch on show. */
  private async write(
    family: Family,
    index: number,
    commandAt: number,
    isNew = false,
  ): Promise<HeldResult | undefined> {
    const branch = family.set.branches[index]!;
    const { document, range, version } = family;
    const forced = branch.forced.length > 0 ? { forced: branch.forced } : {};
    const request = { ...family.request, ...forced };
    const branches = family.set.listFor(index);
    const result = await this.inspector.inspect(
      document,
      range,
      commandAt,
      undefined,
      request,
      branches,
    );
    const generation = result?.generation;
    if (!result || !generation || this.family !== family || document.version !== version) {
      if (isNew) family.set.forget(index);
      return result;
    }
    if (branch.result?.resultId !== result.resultId) {
      // Each branch keeps its result held while the continuation lives.
      if (branch.result) this.inspector.held.hide(branch.result.resultId);
      this.inspector.held.show(result.resultId);
    }
    family.set.settle(index, result);
    family.shown = index;
    family.runId = this.inspector.panelState(document.uri.toString())?.resultRunId;
    this.ghost.show(document, range.end, generation.continuation);
    return result;
  }

  /** The ghost text highlights the generated token the panel focuses. */
  private async highlight(message: FocusMessage): Promise<void> {
    const family = this.family;
    const result = family?.set.branches[family.shown]?.result;
    const generation = result?.generation;
    if (!family || !generation || message.runId !== family.runId) return;
    const token = message.index === null ? undefined : result.tokens[message.index];
    const start = result.text.length - generation.continuation.length;
    const generated = message.index !== null && message.index >= generation.promptTokens;
    this.ghost.highlight(
      token && generated ? { start: token.start - start, end: token.end - start } : undefined,
    );
  }

  private async stillHeld(result: HeldResult): Promise<boolean> {
    const [stack] = result.stacks;
    if (!stack) return false;
    try {
      await this.inspector.engine.slice(result.resultId, {
        kind: stack.kind,
        layer: 0,
        heads: [0],
        rows: [0],
      });
      return true;
    } catch {
      return false;
    }
  }

  /** Lets the continuation's branches go (a panel still showing one keeps it). */
  end(): void {
    const family = this.family;
    this.family = undefined;
    this.ghost.clear();
    for (const result of family?.set.results ?? []) this.inspector.held.hide(result.resultId);
  }
}
