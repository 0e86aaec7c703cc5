/**
 * Canvas colours taken from VS Code's theme variables, so drawings follow light, dark and
 * high-contrast themes. Canvas cannot use CSS variables directly; they are read here and
 * re-read when VS Code swaps the body's theme class.
 */

/** The colours and line widths the canvases draw with. */
export interface Palette {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  background: string;
  /** Muted text (axis labels of unfocused tokens). */
  muted: string;
  /** Outline of the focused row/cell. */
  focus: string;
  /** Outline of highlighted (top-k) cells and tokens. */
  highlight: string;
  /** Fill of cells a causal mask hides (under the hatching). */
  mask: string;
  /** Hatching over masked cells. */
  hatch: string;
  /** Separators between cells when zoomed in; empty for none. */
  grid: string;
  /** Base line width in CSS pixels for outlines (wider in high contrast). */
  lineWidth: number;
  fontFamily: string;
  monoFamily: string;
}

/** The theme kind VS Code announces with a body class. */
export function themeKind(): Palette['kind'] {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

/** Reads the current palette from the page's CSS variables. */
export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const kind = themeKind();
  const highContrast = kind.startsWith('high-contrast');
  const dark = kind === 'dark' || kind === 'high-contrast';
  const foreground = v(
    '--vscode-editor-foreground',
    v('--vscode-foreground', dark ? '#ccc' : '#333'),
  );
  const contrastBorder = v('--vscode-contrastActiveBorder', v('--vscode-contrastBorder', ''));
  return {
    kind,
    foreground,
    background: v('--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    muted: v('--vscode-descriptionForeground', foreground),
    focus: highContrast && contrastBorder ? contrastBorder : v('--vscode-focusBorder', '#007fd4'),
    highlight: highContrast
      ? v('--vscode-contrastBorder', foreground)
      : v('--vscode-editorLink-activeForeground', dark ? '#4e94ce' : '#006ab1'),
    mask: dark ? '#3a3a3a' : '#e4e4e4',
    hatch: highContrast ? foreground : dark ? '#6b6b6b' : '#a8a8a8',
    grid: highContrast ? v('--vscode-contrastBorder', foreground) : '',
    lineWidth: highContrast ? 2 : 1.5,
    fontFamily: v('--vscode-font-family', 'system-ui, sans-serif'),
    monoFamily: v('--vscode-editor-font-family', 'monospace'),
  };
}

/** Calls `onChange` whenever VS Code changes the theme (body class or inline variables). */
export function watchTheme(onChange: () => void): void {
  const observer = new MutationObserver(() => onChange());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

/** Colour-blind-safe head colours (Okabe & Ito 2008), cycled for more heads. */
const HEAD_COLORS = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'];

/** The colour of head `h` in views that show several heads at once. */
export function headColor(h: number, palette: Palette): string {
  // Yellow vanishes on light backgrounds; swap it for the theme's foreground there.
  const color = HEAD_COLORS[h % HEAD_COLORS.length];
  return color === '#F0E442' && !palette.kind.includes('dark') && palette.kind !== 'high-contrast'
    ? palette.foreground
    : color;
}
