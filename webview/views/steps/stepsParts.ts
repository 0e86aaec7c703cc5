/** Small DOM pieces of the Steps view: token chips, headings, sections, check lines. */

/** Largest difference still shown as "equal" (the engine's tests hold 1e-4). */
const EQUAL_WITHIN = 1e-4;

export function chip(label: string, t: number): HTMLElement {
  const el = document.createElement('span');
  el.className = 'token';
  el.id = `steps-token-${t}`;
  el.dataset.token = String(t);
  el.setAttribute('role', 'option');
  el.textContent = label;
  el.title = `${label} (#${t})`;
  return el;
}

export function heading(tag: 'h2' | 'h3', text: string): HTMLElement {
  const el = document.createElement(tag);
  el.textContent = text;
  return el;
}

export function section(title: string, text: string, body: Element): HTMLElement {
  const el = document.createElement('section');
  el.className = 'steps-section';
  const p = document.createElement('p');
  p.textContent = text;
  el.append(heading('h3', title), p, body);
  return el;
}

export function check(gap: number, ok: string, bad: string): HTMLElement {
  const el = document.createElement('p');
  const equal = gap <= EQUAL_WITHIN;
  el.className = `steps-check ${equal ? 'ok' : 'bad'}`;
  el.textContent = Number.isNaN(gap)
    ? "The head's attention row has not arrived yet."
    : `${equal ? '✓' : '✗'} ${equal ? ok : bad} (largest difference ${gap.toExponential(1)})`;
  return el;
}
