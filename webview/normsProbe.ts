/**
 * Whether the result on show has value norms (issue 24). A stack that says so
 * (`AttentionStack.valueNorms`: the engine computes norms only when a view asks for them) is
 * answered without asking; otherwise asked once per run and attention kind: the engine
 * answers one layer's head writes, or refuses with one line saying why (a graph whose output
 * projection it cannot read, a result held without norms). The Weights switch is offered on
 * the answer and carries the refusal as its tooltip.
 */
import type { AttentionStack } from '../src/engine/types';
import type { AttentionKind } from '../src/protocol/webview';

export class NormsProbe {
  private key = '';
  /** null: norms are there; a string: why not; undefined: still asking. */
  private answer: string | null | undefined;

  constructor(
    private readonly ask: (runId: number, kind: AttentionKind) => Promise<unknown>,
    /** The answer arrived: draw again. */
    private readonly changed: () => void,
  ) {}

  /** Why run `runId` has no norms for `kind`; null when it has; undefined until known. */
  refusal(
    runId: number | null,
    kind: AttentionKind,
    stack?: Pick<AttentionStack, 'valueNorms'>,
  ): string | null | undefined {
    if (runId === null) return 'No result on show.';
    const said = stack?.valueNorms;
    if (said === true) return null;
    if (typeof said === 'string') return `Value-weighted attention is not available: ${said}.`;
    const key = `${runId}/${kind}`;
    if (key !== this.key) {
      this.key = key;
      this.answer = undefined;
      const settle = (answer: string | null) => {
        if (this.key !== key) return;
        this.answer = answer;
        this.changed();
      };
      this.ask(runId, kind).then(
        () => settle(null),
        (error: unknown) => settle(error instanceof Error ? error.message : String(error)),
      );
    }
    return this.answer;
  }
}
