/**
 * The "Weights" switch (issue 24): the matrix and head views show attention weights or
 * value-weighted shares (webview/valueWeighted.ts). Disabled, with the engine's reason as
 * its tooltip, where the result has no norms. The choice lives in the view state
 * (`ViewState.weights`).
 */
import type { SliceWeights } from '../../src/engine/types';
import type { ViewKind } from '../../src/protocol/webview';

/**
 * Views whose drawing follows the switch (the others show attention weights): the model
 * view's thumbnails come value-weighted from the engine (webview/weightedOverviews.ts).
 */
export const WEIGHTED_VIEWS: readonly ViewKind[] = ['matrix', 'head', 'model'];

const TITLE =
  'Attention weights α, or value-weighted ‖α·f(x)‖ (Kobayashi et al. 2020) as each row’s share: what each key token actually moves';

export class WeightsSwitch {
  readonly element = document.createElement('label');
  private readonly input = document.createElement('select');

  constructor(choose: (weights: SliceWeights) => void) {
    this.element.className = 'field weights-switch';
    const span = document.createElement('span');
    span.textContent = 'Weights';
    for (const [value, text] of [
      ['attention', 'attention'],
      ['value-weighted', 'value-weighted'],
    ]) {
      const o = document.createElement('option');
      o.value = value;
      o.textContent = text;
      this.input.append(o);
    }
    this.input.addEventListener('change', () => choose(this.input.value as SliceWeights));
    this.element.append(span, this.input);
  }

  /**
   * Syncs with the choice; `refusal` is why the result has no norms (null: it has them,
   * undefined: not known yet).
   */
  update(weights: SliceWeights, refusal: string | null | undefined, view: ViewKind): void {
    this.element.hidden = !WEIGHTED_VIEWS.includes(view);
    this.input.disabled = refusal !== null;
    this.input.value = refusal === null ? weights : 'attention';
    this.element.title =
      refusal === undefined
        ? 'Asking the engine whether this result has value norms…'
        : (refusal ?? TITLE);
  }
}
