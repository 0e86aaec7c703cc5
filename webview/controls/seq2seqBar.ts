/**
 * The encoder-decoder bar: which attention the views show (the encoder's self-attention, the
 * decoder's causal self-attention, or cross-attention: target rows × source columns), the
 * target (generated greedily or typed) with a re-run, and, when the editor cursor rests on a
 * source token under cross-attention, which target tokens attend to it. Hidden for results
 * without a decoder side.
 */
import type { TargetRequest } from '../../src/engine/types';
import type { AttentionKind } from '../../src/protocol/webview';
import { ATTENTION_KINDS } from '../../src/protocol/webview';
import { colsOf } from '../../src/shared/squareMatrix';
import { topK } from '../../src/shared/topK';
import { formatWeight } from '../format';
import type { ResultStore } from '../resultStore';
import type { ViewContext, ViewHost } from '../views/view';
import { postToHost } from '../vscodeApi';

const KIND_TITLES: Record<AttentionKind, string> = {
  encoder: 'Encoder self-attention (source × source)',
  decoder: 'Decoder self-attention (target × target, causal)',
  cross: 'Cross-attention (target rows × source columns)',
};

export class Seq2seqBar {
  readonly element = document.createElement('div');
  private readonly kind = document.createElement('select');
  private readonly target = document.createElement('input');
  private readonly about = document.createElement('span');
  private readonly attendedBy = document.createElement('div');
  /** The source token the editor cursor is on, redrawn when the shown matrix arrives. */
  private sourceIndex: number | null = null;
  private shownRun: number | null = null;

  constructor(
    host: Pick<ViewHost, 'patchState'>,
    /** The run on show, whose source a re-run inspects again. */
    private readonly runId: () => number | null,
  ) {
    this.element.className = 'seq2seq-bar';
    this.element.hidden = true;
    for (const kind of ATTENTION_KINDS) {
      const option = document.createElement('option');
      option.value = kind;
      option.textContent = KIND_TITLES[kind];
      this.kind.append(option);
    }
    this.kind.addEventListener('change', () =>
      host.patchState({ attention: this.kind.value as AttentionKind }),
    );
    this.target.type = 'text';
    this.target.className = 'target-text';
    this.target.placeholder = 'Target text (empty: the model translates greedily)';
    this.target.setAttribute('aria-label', 'Target text');
    this.target.addEventListener('keydown', (e) => e.key === 'Enter' && this.runTyped());
    const run = button(
      'Re-run with this target',
      'Teacher-force the typed target (empty: generate)',
    );
    run.addEventListener('click', () => this.runTyped());
    const generate = button('Generate', 'Let the model write the target greedily');
    generate.addEventListener('click', () => this.retarget({ kind: 'greedy' }));
    this.about.className = 'target-about';
    this.attendedBy.className = 'attended-by';
    this.attendedBy.setAttribute('aria-live', 'polite');
    const kindLabel = document.createElement('label');
    kindLabel.append('Attention ', this.kind);
    const targetLabel = document.createElement('label');
    targetLabel.className = 'target-label';
    targetLabel.append('Target ', this.target);
    this.element.append(kindLabel, targetLabel, run, generate, this.about, this.attendedBy);
  }

  /**
   * Shows `kind` of the store's result (the store keeps `encoder` for a result without a
   * decoder side) and syncs the bar with it; keeps what the user is typing.
   */
  show(store: ResultStore, kind: AttentionKind): void {
    store.kind = kind;
    const seq2seq = store.meta?.seq2seq;
    this.element.hidden = !seq2seq;
    if (!seq2seq) return;
    this.kind.value = store.kind;
    if (store.runId === this.shownRun) return;
    this.shownRun = store.runId;
    this.sourceIndex = null;
    this.attendedBy.replaceChildren();
    const target = seq2seq.target;
    const tokens = seq2seq.decoderTokens;
    this.target.value =
      target.kind === 'given'
        ? target.text
        : tokens
            .filter((t) => !t.special)
            .map((t) => t.text.replace(/[▁Ġ]/g, ' '))
            .join('')
            .trim();
    this.about.textContent =
      target.kind === 'given'
        ? `typed target, ${tokens.length} decoder tokens`
        : `generated greedily: ${tokens.length - 1} tokens after the start token` +
          (target.stoppedAtEos ? ', stopped at the end token' : `, cut at ${target.maxNewTokens}`);
  }

  /**
   * The editor cursor is on source token `index` (null: off the text): under cross-attention,
   * lists the target tokens that attend to it most in the shown head (or aggregate).
   */
  showSource(index: number | null, ctx: ViewContext | undefined): void {
    this.sourceIndex = index;
    const m = ctx?.matrix;
    if (index === null || !ctx || !m || ctx.store.kind !== 'cross' || index >= colsOf(m)) {
      this.attendedBy.replaceChildren();
      return;
    }
    const cols = colsOf(m);
    const column = Float32Array.from({ length: m.n }, (_, i) => m.data[i * cols + index]);
    const top = topK(column, ctx.settings.topK);
    const title = document.createElement('strong');
    title.textContent = `“${ctx.keyUnits.labels[index]}” is attended by:`;
    const list = document.createElement('ol');
    list.className = 'attending-targets';
    for (const i of top) {
      const item = document.createElement('li');
      item.dataset.target = String(i);
      item.textContent = `${ctx.units.labels[i]} ${formatWeight(column[i])}`;
      list.append(item);
    }
    this.attendedBy.replaceChildren(title, list);
  }

  /** Draws the list again from `ctx` (the shown matrix may have arrived since). */
  redrawSource(ctx: ViewContext): void {
    if (this.sourceIndex !== null) this.showSource(this.sourceIndex, ctx);
  }

  private runTyped(): void {
    const text = this.target.value;
    this.retarget(text.trim() === '' ? { kind: 'greedy' } : { kind: 'given', text });
  }

  private retarget(target: TargetRequest): void {
    const runId = this.runId();
    if (runId !== null) postToHost({ type: 'retarget', runId, target });
  }
}

function button(text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'action';
  b.textContent = text;
  b.title = title;
  return b;
}
