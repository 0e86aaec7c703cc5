/**
 * Reads the decorations an extension drew in the visible text editor, from the DOM as VS Code
 * renders them: each `TextEditorDecorationType` becomes elements with a generated `ced-…` class
 * in the editor's view overlays, positioned in pixels. The source characters under each element
 * are found by measuring the rendered characters of the same line.
 */
import type { Page } from 'playwright-core';

/** A run of decorated characters on one line (1-based line, 0-based columns, end exclusive). */
export interface DecoratedRun {
  line: number;
  start: number;
  end: number;
  /** The generated class name, one per decoration type. */
  className: string;
  /** Computed background colour (attended-token shades) and outline style (the focused token). */
  background: string;
  outline: string;
}

/** All extension decorations (`ced-*`) in the first visible text editor. */
export async function readDecorations(page: Page): Promise<DecoratedRun[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-instance .monaco-editor');
    if (!editor) throw new Error('no text editor');
    const lines = [...editor.querySelectorAll<HTMLElement>('.view-lines .view-line')];
    const numbers = [
      ...editor.querySelectorAll<HTMLElement>('.margin-view-overlays .line-numbers'),
    ];
    const lineAt = (y: number) =>
      lines.find((l) => {
        const r = l.getBoundingClientRect();
        return y >= r.top && y < r.bottom;
      });
    const numberAt = (y: number) =>
      numbers.find((n) => {
        const r = n.getBoundingClientRect();
        return y >= r.top && y < r.bottom;
      });
    /** Horizontal centre of every character of a rendered line. */
    const charCentres = (line: HTMLElement): number[] => {
      const centres: number[] = [];
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? '';
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const r = range.getBoundingClientRect();
          centres.push(r.left + r.width / 2);
        }
      }
      return centres;
    };
    const runs: DecoratedRun[] = [];
    for (const el of editor.querySelectorAll<HTMLElement>('.view-overlays [class*="ced-"]')) {
      const box = el.getBoundingClientRect();
      const y = box.top + box.height / 2;
      const line = lineAt(y);
      const number = numberAt(y);
      if (!line || !number) continue;
      const inside = charCentres(line)
        .map((x, col) => (x >= box.left && x <= box.right ? col : -1))
        .filter((col) => col >= 0);
      if (inside.length === 0) continue;
      const style = getComputedStyle(el);
      runs.push({
        line: Number(number.textContent),
        start: inside[0],
        end: inside[inside.length - 1] + 1,
        className: [...el.classList].find((c) => c.startsWith('ced-')) ?? '',
        background: style.backgroundColor,
        outline: style.outlineStyle === 'none' ? '' : `${style.outlineStyle} ${style.outlineColor}`,
      });
    }
    return runs;
  });
}

/** Alpha of a computed `rgb(…)`/`rgba(…)` colour (1 when opaque, 0 when transparent). */
export function alphaOf(color: string): number {
  const parts = color.match(/[\d.]+/g)?.map(Number) ?? [];
  if (color.startsWith('rgba')) return parts[3] ?? 0;
  return color.startsWith('rgb') ? 1 : 0;
}
