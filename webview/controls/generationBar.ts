/**
 * The step control over a continuation (issue 23): a slider, ← / → (on the slider, as a
 * native range input does), previous / next and play over the generated tokens. Step t
 * focuses generated token t's row in every view (so the editor shows which prompt characters
 * it attended to) and lists the candidates it was chosen from — the top-k predicted at the
 * position before it — with the chosen one marked and its probability. Hidden for results
 * without a continuation.
 */
import type { GenerationInfo, Prediction } from '../../src/engine/types';
import { formatPercent, visibleText } from '../format';
import type { ResultStore } from '../resultStore';

/** What the bar asks of the app: focus a token's row (index into `tokens`) in every view. */
export interface StepHost {
  focusToken(index: number): void;
}

/** Milliseconds between steps while playing. */
const PLAY_STEP_MS = 700;

export class GenerationBar {
  readonly element = document.createElement('div');
  private readonly slider = document.createElement('input');
  private readonly position = document.createElement('span');
  private readonly play = button('▶ Play', 'Step through the generated tokens');
  private readonly about = document.createElement('span');
  private readonly candidates = document.createElement('ol');
  private generation: GenerationInfo | undefined;
  private predictions: Prediction[][] | undefined;
  /** Each generated token as written (its range of the result's text). */
  private written: string[] = [];
  private shownRun: number | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: StepHost) {
    this.element.className = 'generation-bar';
    this.element.hidden = true;
    this.slider.type = 'range';
    this.slider.min = '1';
    this.slider.step = '1';
    this.slider.setAttribute('aria-label', 'Generated token');
    this.slider.addEventListener('input', () => this.step(Number(this.slider.value), true));
    const previous = button('◀', 'Previous generated token (←)');
    previous.addEventListener('click', () => this.step(this.current - 1, true));
    const next = button('▶', 'Next generated token (→)');
    next.addEventListener('click', () => this.step(this.current + 1, true));
    this.play.addEventListener('click', () => this.togglePlay());
    this.position.className = 'generation-position';
    this.about.className = 'generation-about';
    this.candidates.className = 'generation-candidates';
    this.candidates.setAttribute('aria-live', 'polite');
    const label = document.createElement('label');
    label.append('Step ', this.slider);
    this.element.append(
      label,
      previous,
      next,
      this.play,
      this.position,
      this.about,
      this.candidates,
    );
  }

  /** Syncs the bar with the store's result; a new continuation starts at step 1. */
  show(store: ResultStore): void {
    const meta = store.meta;
    this.generation = meta?.generation;
    this.predictions = meta?.predictions;
    const count = this.generation?.generated.length ?? 0;
    this.element.hidden = count === 0;
    if (count === 0 || !meta) {
      this.stopPlaying();
      this.shownRun = null;
      return;
    }
    this.slider.max = String(count);
    const n = (this.generation as GenerationInfo).promptTokens;
    this.written = meta.tokens
      .slice(n)
      .map((t) => (t.special ? t.text : visibleText(meta.text.slice(t.start, t.end))));
    if (this.shownRun !== meta.runId) {
      this.shownRun = meta.runId;
      this.about.textContent = describe(this.generation as GenerationInfo);
      this.step(1, false);
    }
  }

  private get current(): number {
    return Number(this.slider.value);
  }

  /** Shows step `t` (1-based); `focus`: also focus its row in the views. */
  private step(t: number, focus: boolean): void {
    const generation = this.generation;
    if (!generation) return;
    const count = generation.generated.length;
    const at = Math.min(count, Math.max(1, t));
    this.slider.value = String(at);
    const token = generation.generated[at - 1]!;
    this.position.textContent = `${at} / ${count}: ${this.written[at - 1] ?? token.text}`;
    this.showCandidates(generation.promptTokens + at - 1, token.id);
    if (focus) this.host.focusToken(generation.promptTokens + at - 1);
  }

  /** The predictions at the position before token `row`, the chosen id marked. */
  private showCandidates(row: number, chosen: number): void {
    const top = this.predictions?.[row - 1] ?? [];
    const items = top.map((p) => {
      const li = document.createElement('li');
      li.textContent = `${visibleText(p.text)} ${formatPercent(p.prob)}`;
      if (p.id === chosen) {
        li.className = 'chosen';
        li.title = 'The token the model wrote';
      }
      return li;
    });
    if (!top.some((p) => p.id === chosen)) {
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
    if (this.generation && this.current >= this.generation.generated.length) this.step(1, true);
    this.play.textContent = '⏸ Pause';
    this.timer = setInterval(() => {
      const count = this.generation?.generated.length ?? 0;
      if (this.current >= count) this.stopPlaying();
      else this.step(this.current + 1, true);
    }, PLAY_STEP_MS);
  }

  private stopPlaying(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.play.textContent = '▶ Play';
  }
}

/** How the tokens were chosen, with what repeats a sampled run. */
function describe(generation: GenerationInfo): string {
  const how =
    generation.kind === 'sample'
      ? `sampled (temperature ${generation.temperature}, top-p ${generation.topP}, seed ${generation.seed})`
      : 'greedy';
  const stop = generation.stoppedAtEos
    ? ', stopped at the end token'
    : generation.stoppedAtNewline
      ? ', stopped at a line break'
      : '';
  return `${generation.generated.length} tokens written, ${how}${stop}`;
}

function button(text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = 'action';
  b.textContent = text;
  b.title = title;
  return b;
}
