/** Zoom buttons for pointer users who do not know Ctrl+wheel (keys: + - 0). */

/** Buttons that call `zoom` with a factor (1.5 in, 1/1.5 out) or 0 to fit. */
export function zoomControls(zoom: (factor: number) => void): HTMLElement {
  const group = document.createElement('div');
  group.className = 'zoom';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-label', 'Zoom');
  const controls: [string, string, number][] = [
    ['−', 'Zoom out (-)', 1 / 1.5],
    ['+', 'Zoom in (+; Ctrl+wheel zooms at the pointer, drag pans)', 1.5],
    ['Fit', 'Fit the whole matrix (0)', 0],
  ];
  for (const [text, title, factor] of controls) {
    const button = document.createElement('button');
    button.className = 'action';
    button.textContent = text;
    button.title = title;
    button.setAttribute('aria-label', title);
    button.addEventListener('click', () => zoom(factor));
    group.append(button);
  }
  return group;
}
