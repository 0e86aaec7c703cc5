/**
 * The branches of a continuation (issue 23, "fork"): a picker listing them by their first
 * differing token, shown once there are two. Choosing one asks the host to show it; the host
 * keeps the branches and sends the chosen one's result (src/commands/continuationForks.ts).
 */
import type { ContinuationBranches } from '../../src/protocol/continuationBranches';
import { visibleText } from '../format';
import { postToHost } from '../vscodeApi';

export class BranchPicker {
  readonly element = document.createElement('label');
  private readonly select = document.createElement('select');
  private branches: ContinuationBranches | undefined;

  /** The branches of the result on show, if it is a continuation the host can fork. */
  get shown(): ContinuationBranches | undefined {
    return this.branches;
  }

  constructor() {
    this.element.className = 'generation-branches';
    this.element.append('Branch ', this.select);
    this.select.title = 'The branches of this continuation: the first run and each fork';
    this.select.addEventListener('change', () => {
      const { branches } = this;
      const branch = Number(this.select.value);
      if (branches && branch !== branches.shown) {
        postToHost({ type: 'showBranch', family: branches.family, branch });
      }
    });
  }

  show(branches: ContinuationBranches | undefined): void {
    this.branches = branches;
    this.element.hidden = !branches || branches.list.length < 2;
    if (!branches) return;
    const options = branches.list.map((branch, i) => {
      const option = document.createElement('option');
      option.value = String(i);
      option.textContent = `${i + 1}: ${branchLabel(branch)}`;
      return option;
    });
    this.select.replaceChildren(...options);
    this.select.value = String(branches.shown);
  }
}

/** "as written", or where a fork left its branch and with which token. */
export function branchLabel(branch: ContinuationBranches['list'][number]): string {
  if (branch.forkedAt === null) return 'as written';
  return `step ${branch.forkedAt} → ${visibleText(branch.token ?? '')}`;
}
