/**
 * The toolbar: view tabs, layer/head pickers, the word-level and special-token toggles,
 * colour choices, top-k, and the export buttons. Built once; `update` syncs its values.
 */
import { COLOR_MAP_NAMES, VIEW_KINDS, type ViewKind } from '../../src/protocol/webview';
import type { HeadChoice, ViewState } from '../viewState';

/** What the toolbar asks of the app. */
export interface ToolbarActions {
  patch(patch: Partial<ViewState>): void;
  copyCsv(): void;
  saveImage(format: 'png' | 'svg'): void;
  exportJson(scope: 'all' | 'selection'): void;
}

/** Each view's tab title. */
const TITLES: Record<ViewKind, string> = {
  model: 'Model',
  matrix: 'Matrix',
  head: 'Heads',
  summary: 'Summary',
  steps: 'Steps',
};

export class Toolbar {
  readonly element = document.createElement('div');
  private readonly tabs = new Map<ViewKind, HTMLButtonElement>();
  private readonly layer = select('Layer');
  private readonly head = select('Head');
  private readonly words = checkbox(
    'Word level (sub-words merged)',
    'Merge sub-word tokens into words: attention to a word is the sum over its pieces, from a word the mean',
  );
  private readonly specials = checkbox(
    'Hide special tokens (rows renormalised)',
    'Drop special tokens; each remaining row is renormalised to sum to 1',
  );
  private readonly colorMap = select('Colours');
  private readonly scale = select('Scale');
  private readonly topK = document.createElement('input');
  private readonly buttons = new Map<string, HTMLButtonElement>();

  constructor(private readonly actions: ToolbarActions) {
    this.element.className = 'toolbar';
    const tabs = document.createElement('div');
    tabs.className = 'tabs';
    tabs.setAttribute('role', 'tablist');
    tabs.setAttribute('aria-label', 'Views');
    for (const kind of VIEW_KINDS) {
      const title = TITLES[kind];
      const tab = document.createElement('button');
      tab.className = 'tab';
      tab.id = `tab-${kind}`;
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', 'view');
      tab.textContent = title;
      tab.addEventListener('click', () => actions.patch({ view: kind }));
      this.tabs.set(kind, tab);
      tabs.append(tab);
    }
    tabs.addEventListener('keydown', (e) => this.onTabKey(e));
    for (const name of COLOR_MAP_NAMES) this.colorMap.input.append(option(name, name));
    this.scale.input.append(
      option('max', '0 – max'),
      option('unit', '0 – 1'),
      option('row', '0 – row max'),
    );
    this.topK.type = 'number';
    this.topK.min = '1';
    this.topK.max = '50';
    this.topK.className = 'topk';
    this.topK.title = 'How many attended tokens to highlight per focused token (top-k)';
    const topK = labelled('Top-k', this.topK);
    this.layer.input.addEventListener('change', () =>
      actions.patch({ layer: Number(this.layer.input.value) }),
    );
    this.head.input.addEventListener('change', () => {
      const v = this.head.input.value;
      actions.patch({ head: /^\d+$/.test(v) ? Number(v) : (v as HeadChoice) });
    });
    this.words.input.addEventListener('change', () =>
      actions.patch({ wordLevel: this.words.input.checked }),
    );
    this.specials.input.addEventListener('change', () =>
      actions.patch({ hideSpecial: this.specials.input.checked }),
    );
    this.colorMap.input.addEventListener('change', () =>
      actions.patch({ colorMap: this.colorMap.input.value as ViewState['colorMap'] }),
    );
    this.scale.input.addEventListener('change', () =>
      actions.patch({ scale: this.scale.input.value as ViewState['scale'] }),
    );
    this.topK.addEventListener('change', () => {
      const k = Math.round(Number(this.topK.value));
      if (k >= 1 && k <= 50) actions.patch({ topK: k });
    });
    const exports = document.createElement('div');
    exports.className = 'group exports';
    exports.setAttribute('role', 'group');
    exports.setAttribute('aria-label', 'Export');
    const button = (id: string, text: string, title: string, run: () => void) => {
      const b = document.createElement('button');
      b.className = 'action';
      b.textContent = text;
      b.title = title;
      b.addEventListener('click', run);
      this.buttons.set(id, b);
      exports.append(b);
    };
    button('csv', 'Copy CSV', 'Copy the shown matrix (or table) as CSV', () => actions.copyCsv());
    button('png', 'PNG', 'Save the current view as a PNG image', () => actions.saveImage('png'));
    button('svg', 'SVG', 'Save the current view as an SVG image', () => actions.saveImage('svg'));
    button(
      'json-selection',
      'JSON: selection',
      'Export the selected layer (and head) as JSON',
      () => actions.exportJson('selection'),
    );
    button('json-all', 'JSON: all', 'Export every layer and head as JSON', () =>
      actions.exportJson('all'),
    );
    const pickers = group(this.layer.label, this.head.label);
    const toggles = group(this.words.label, this.specials.label);
    const colours = group(this.colorMap.label, this.scale.label, topK);
    this.element.append(tabs, pickers, toggles, colours, exports);
  }

  /** Syncs controls with the state and the result's shape. */
  update(
    state: ViewState,
    view: ViewKind,
    layers: number,
    heads: number,
    colorMap: string,
    topK: number,
    canImage: boolean,
  ): void {
    for (const [kind, tab] of this.tabs) {
      const selected = kind === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
    }
    if (this.layer.input.options.length !== layers) {
      this.layer.input.replaceChildren(
        ...Array.from({ length: layers }, (_, l) => option(String(l), `L${l}`)),
      );
    }
    if (this.head.input.options.length !== heads + 3) {
      this.head.input.replaceChildren(
        ...Array.from({ length: heads }, (_, h) => option(String(h), `H${h}`)),
        option('mean', 'mean of heads'),
        option('max', 'max over heads'),
        option('rollout', 'rollout to layer'),
      );
    }
    this.layer.input.value = String(state.layer);
    this.head.input.value = String(state.head);
    this.head.label.hidden = view !== 'matrix' && view !== 'steps';
    this.layer.label.hidden = view === 'model' || view === 'summary';
    this.words.input.checked = state.wordLevel;
    this.specials.input.checked = state.hideSpecial;
    this.colorMap.input.value = colorMap;
    this.scale.input.value = state.scale;
    // Thumbnails have their own scale, stated above them (webview/heatmap/thumbnailImage.ts).
    this.scale.label.hidden = view === 'model';
    if (document.activeElement !== this.topK) this.topK.value = String(topK);
    this.buttons.get('png')!.disabled = !canImage;
    this.buttons.get('svg')!.disabled = !canImage;
  }

  private onTabKey(e: KeyboardEvent): void {
    const kinds = VIEW_KINDS;
    const current = kinds.findIndex((k) => this.tabs.get(k) === document.activeElement);
    if (current < 0 || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
    e.preventDefault();
    const next = kinds[(current + (e.key === 'ArrowRight' ? 1 : kinds.length - 1)) % kinds.length];
    this.actions.patch({ view: next });
    this.tabs.get(next)!.focus();
  }
}

function option(value: string, text: string): HTMLOptionElement {
  const o = document.createElement('option');
  o.value = value;
  o.textContent = text;
  return o;
}

function labelled(text: string, input: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.className = 'field';
  const span = document.createElement('span');
  span.textContent = text;
  label.append(span, input);
  return label;
}

function select(text: string): { label: HTMLLabelElement; input: HTMLSelectElement } {
  const input = document.createElement('select');
  return { label: labelled(text, input), input };
}

function checkbox(
  text: string,
  title: string,
): { label: HTMLLabelElement; input: HTMLInputElement } {
  const input = document.createElement('input');
  input.type = 'checkbox';
  const label = document.createElement('label');
  label.className = 'field check';
  label.title = title;
  const span = document.createElement('span');
  span.textContent = text;
  label.append(input, span);
  return { label, input };
}

function group(...children: HTMLElement[]): HTMLElement {
  const g = document.createElement('div');
  g.className = 'group';
  g.append(...children);
  return g;
}
