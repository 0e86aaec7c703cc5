/**
 * Reads a continuation's ghost text (issue 23) as VS Code renders it: `after` decorations are
 * inline elements of the editor's lines whose `::after` holds the text; each part with its
 * computed background (the focused step's is highlighted), in the order they render.
 */
import type { Page } from 'playwright-core';

export interface GhostPart {
  text: string;
  background: string;
}

export async function readGhost(page: Page): Promise<GhostPart[]> {
  return page.evaluate(() => {
    const editor = document.querySelector('.editor-instance .monaco-editor');
    if (!editor) throw new Error('no text editor');
    const parts: { text: string; background: string }[] = [];
    for (const el of editor.querySelectorAll<HTMLElement>('.view-lines .view-line span')) {
      const after = getComputedStyle(el, '::after');
      const content = after.content;
      if (!content || content === 'none' || content === 'normal') continue;
      // CSS content is a quoted string with escapes.
      const text = JSON.parse(
        content.replace(/\\([0-9a-f]{1,6}) ?/gi, (_, hex: string) =>
          String.fromCodePoint(Number.parseInt(hex, 16)),
        ),
      ) as string;
      parts.push({ text, background: after.backgroundColor });
    }
    return parts;
  });
}
