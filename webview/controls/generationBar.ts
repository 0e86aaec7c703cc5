/**
 * The step control over what a model wrote (issue 23): a slider, ← / → (on the slider, as a
 * native range input does), previous / next and play over a decoder's continuation or an
 * encoder-decoder's greedy target (webview/generationSteps.ts). Step t focuses that token's
 * row in every view (so the editor shows what it attended to) and lists the candidates it
 * was chosen from — the top-k predicted at the position before it — the chosen one marked
 * with its probability; a continuation's other candidates fork it (a click asks the host for
 * a branch from that token, listed in the branch picker). Hidden where nothing was written.
 * A held result's candidates (`nextTokens`, issue 22) are asked for every step at once when
 * the bar is built, and drawn when they arrive.
 */
import type { ResultMeta } from '../../src/protocol/webview';
import { formatPercent, visibleText } from '../format';
import { type StepList, stepsOf } from '../generationSteps';
import type { NextTokenRows } from '../nextTokenRows';
import type { ResultStore } from '../resultStore';
import { postToHost } from '../vscodeApi';
import { BranchPicker } from './branchPicker';

/** What the bar asks of the app. */
export interface StepHost {
  /** Focuses (pins) the unit holding row `index` of the attention on show, in every view. */
  focusToken(index: number): void;
  /** Shows an attention whose rows are the decoder's (cross-attention) if the encoder's is on show. */
  showDecoderRows(): void;
}

/** Milliseconds between steps while playing. */
const PLAY_STEP_MS = 700;

export class GenerationBar {
  readonly element = document.createElement('div');
  private readonly slider = document.createElement('input');
  private readonly position = document.createElement('span');
  private readonly play = button('▶ Play', 'Step through the written tokens');
  private readonly about = document.createElement('span');
  private readonly candidates = document.createElement('ol');
  private readonly branches = new BranchPicker();
  private steps: StepList | undefined;
  private meta: ResultMeta | null = null;
  /** The step's candidates drawn were still on their way: draw them again when they arrive. */
  private drawnPending = false;
  private shownRun: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: StepHost,
    private readonly nextTokens: NextTokenRows,
  ) {
    this.element.className = 'generation-bar';
    this.element.hidden = true;
    this.slider.type = 'range';
    this.slider.min = '1';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'Written token');
    this.slider.addEventListener('input', () => this.step(Number(this.slider.value), true));
    const previous = button('◀', 'Previous written token (←)');
    previous.addEventListener('click', () => this.step(this.current - 1, true));
    const next = button('▶', 'Next written token (→)');
    next.addEventListener('click', () => this.step(this.current + 1, true));
    this.play.addEventListener('click', () => this.togglePlay());
    this.position.className = 'generation-position';
    this.about.className = 'generation-about';
    this.candidates.className = 'generation-candidates';
    this.candidates.setAttribute('aria-live', 'polite');
    const label = document.createElement('label');
    label.append('Step ', this.slider);
    const parts = [label, previous, next, this.play, this.position, this.about];
    parts.push(this.branches.element, this.candidates);
    this.element.append(...parts);
  }

  /** Syncs the bar with the store's result; a new one starts at step 1. */
  show(store: ResultStore): void {
    this.steps = stepsOf(store.meta);
    this.element.hidden = !this.steps;
    const branches = store.meta?.branches;
    this.branches.show(branches);
    if (!this.steps || !store.meta) {
      this.stopPlaying();
      this.shownRun = null;
      return;
    }
    this.meta = store.meta;
    this.slider.max = String(this.steps.rows.length);
    if (this.shownRun !== store.meta.runId) {
      this.shownRun = store.meta.runId;
      this.about.textContent = this.steps.about;
      // Every step's candidates in one request, before the first step reads its own.
      if (this.steps.candidateRows) this.nextTokens.all(store.meta, this.steps.candidateRows);
      // A fork opens at the step it branched at.
      this.step(branches?.list[branches.shown]?.forkedAt ?? 1, false);
    } else if (this.drawnPending) this.showCandidates(this.steps, this.current);
  }

  private get current(): number {
    return Number(this.slider.value);
  }

  /** Shows step `t` (1-based); `focus`: also focus its row in the views. */
  private step(t: number, focus: boolean): void {
    const steps = this.steps;
    if (!steps) return;
    const count = steps.rows.length;
    const at = Math.min(count, Math.max(1, t));
    this.slider.value = String(at);
    this.position.textContent = `${at} / ${count}: ${steps.written[at - 1]}`;
    this.showCandidates(steps, at);
    if (!focus) return;
    if (steps.decoderRows) this.host.showDecoderRows();
    this.host.focusToken(steps.rows[at - 1]!);
  }

  /** The candidates of step `at` (1-based), the chosen id marked, the others forks. */
  private showCandidates(steps: StepList, at: number): void {
    const row = steps.candidateRows?.[at - 1];
    const asked = row === undefined ? undefined : this.nextTokens.all(this.meta, [row])[0];
    this.drawnPending = asked === 'pending';
    this.candidates.classList.toggle('pending', this.drawnPending);
    if (this.drawnPending) this.candidates.setAttribute('aria-busy', 'true');
    else this.candidates.removeAttribute('aria-busy');
    if (asked === 'pending' || (asked && !Array.isArray(asked))) {
      const quiet = asked !== 'pending' && (asked.code === 'stale' || asked.code === 'released');
      const line = asked === 'pending' ? 'reading the candidates…' : `candidates: ${asked.refusal}`;
      this.candidates.replaceChildren(...(quiet ? [] : [item(line)]));
      return;
    }
    const top = asked;
    const chosen = steps.chosen[at - 1];
    const branches = this.branches.shown;
    const items = (top ?? []).map((p) => {
      const li = document.createElement('li');
      const text = `${visibleText(p.text)} ${formatPercent(p.prob)}`;
      if (p.id === chosen) {
        li.className = 'chosen';
        li.title = 'The token the model wrote';
        li.textContent = text;
      } else if (branches) {
        const fork = button(text, 'Continue from this token instead (a new branch)');
        fork.addEventListener('click', () => {
          const { family, shown: branch } = branches;
          postToHost({ type: 'fork', family, branch, step: at, id: p.id });
        });
        li.append(fork);
      } else li.textContent = text;
      return li;
    });
    if (top && !top.some((p) => p.id === chosen)) {
      const li = document.createElement('li');
      li.className = 'chosen';
      li.textContent = 'chosen: outside the top k (sampled)';
      items.push(li);
    }
    this.candidates.replaceChildren(...items);
  }

  private togglePlay(): void {
    if (this.timer) {
      this.stopPlaying();
      return;
    }
    const count = this.steps?.rows.length ?? 0;
    if (this.current >= count) this.step(1, true);
    this.play.textContent = '⏸ Pause';
    this.timer = setInterval(() => {
      if (this.current >= (this.steps?.rows.length ?? 0)) this.stopPlaying();
      else this.step(this.current + 1, true);
    }, PLAY_STEP_MS);
  }

  private stopPlaying(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = '▶ Play';
  }
}

function item(text: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = text;
  return li;
}

function button(text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'action';
  b.textContent = text;
  b.title = title;
  return b;
}
