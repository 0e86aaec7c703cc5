/**
 * The line above the views: where the text came from, the model, progress of a run, and
 * banners for a truncated input, a stale result (with Re-run) or a failure.
 */
import type { ResultStore } from '../resultStore';

export class StatusLine {
  readonly element = document.createElement('div');
  private readonly info = document.createElement('div');
  private readonly banner = document.createElement('div');
  private readonly rerun = document.createElement('button');

  constructor(onRerun: () => void) {
    this.element.className = 'status';
    this.info.className = 'info';
    this.banner.className = 'banner';
    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    this.rerun.className = 'action';
    this.rerun.textContent = 'Re-run';
    this.rerun.addEventListener('click', onRerun);
    this.element.append(this.info, this.banner);
  }

  update(store: ResultStore, running: string | null, error: string | null, modes: string[]): void {
    const meta = store.meta;
    const parts: string[] = [];
    if (meta && running) parts.push(`Inspecting ${running}…`);
    if (meta) {
      const m = meta.model;
      parts.push(
        meta.source.label,
        `${m.name} (${m.architecture}, ${m.layers} layers × ${m.heads} heads)`,
        meta.seq2seq
          ? `${meta.tokens.length} source → ${meta.seq2seq.decoderTokens.length} target tokens`
          : `${meta.tokens.length} tokens`,
      );
      if (store.finished) parts.push(`${Math.round(meta.timings.totalMs)} ms`);
      else parts.push(`received ${store.receivedLayers} of ${store.expectedLayers} layers…`);
      parts.push(...modes);
    } else {
      parts.push(
        running
          ? `Inspecting ${running}…`
          : 'No result yet: select text and run “Inspect Attention of Selection”.',
      );
    }
    this.info.textContent = parts.join(' · ');
    this.element.classList.toggle('stale', store.staleReason !== null);
    let message: string | null = null;
    let withRerun = false;
    if (error) message = `Inspection failed: ${error}`;
    else if (store.staleReason !== null) {
      message = `Stale: ${store.staleReason}. Highlights are off until you re-run.`;
      withRerun = true;
    } else if (meta?.truncation) {
      message = meta.truncation.reason;
    } else if (meta?.model.notes?.length) {
      // What loading chose or assumed for a Hugging Face folder (variant, missing config facts).
      message = `Model: ${meta.model.notes.join(' ')}`;
    }
    this.banner.hidden = message === null;
    this.banner.className = `banner${error ? ' error' : ''}`;
    this.banner.replaceChildren(message ?? '');
    if (withRerun) this.banner.append(' ', this.rerun);
  }
}
