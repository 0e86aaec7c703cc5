/**
 * The editor side of "what does this token attend to": attended tokens shaded in five steps
 * of a theme colour (opacity ∝ weight), marks in the overview ruler so a long selection shows
 * where they lie, and an outline around the focused token. Colours are contributed in
 * package.json (`attentionInspector.*`), so themes and users can change them.
 */
import * as vscode from 'vscode';

/** Shading steps; `attentionInspector.attendedTokenBackground1…5` in package.json. */
export const SHADE_LEVELS = 5;

/** One attended token's source range and its shading step (1…SHADE_LEVELS). */
export interface ShadedRange {
  range: vscode.Range;
  level: number;
  /** Shown when hovering the decoration, e.g. "0.412 · layer 1 head 2". */
  note: string;
}

/** What one document shows: the focused token and the tokens it attends to. */
export interface FocusDecoration {
  focused: vscode.Range | undefined;
  attended: ShadedRange[];
}

export class AttentionDecorations implements vscode.Disposable {
  private readonly shades: vscode.TextEditorDecorationType[];
  private readonly focus: vscode.TextEditorDecorationType;

  constructor() {
    const ruler = new vscode.ThemeColor('attentionInspector.attendedTokenOverviewRuler');
    this.shades = Array.from({ length: SHADE_LEVELS }, (_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(
          `attentionInspector.attendedTokenBackground${i + 1}`,
        ),
        overviewRulerColor: ruler,
        overviewRulerLane: vscode.OverviewRulerLane.Center,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.focus = vscode.window.createTextEditorDecorationType({
      outlineColor: new vscode.ThemeColor('attentionInspector.focusedTokenBorder'),
      outlineStyle: 'solid',
      outlineWidth: '1px',
      overviewRulerColor: new vscode.ThemeColor('attentionInspector.focusedTokenBorder'),
      overviewRulerLane: vscode.OverviewRulerLane.Full,
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
  }

  /** Draws `decoration` in every given editor, replacing what was there. */
  show(editors: readonly vscode.TextEditor[], decoration: FocusDecoration): void {
    const byLevel: vscode.DecorationOptions[][] = this.shades.map(() => []);
    for (const { range, level, note } of decoration.attended) {
      byLevel[level - 1].push({ range, hoverMessage: note });
    }
    for (const editor of editors) {
      this.shades.forEach((type, i) => {
        editor.setDecorations(type, byLevel[i]);
      });
      editor.setDecorations(this.focus, decoration.focused ? [decoration.focused] : []);
    }
  }

  clear(editors: readonly vscode.TextEditor[]): void {
    for (const editor of editors) {
      for (const type of [...this.shades, this.focus]) editor.setDecorations(type, []);
    }
  }

  dispose(): void {
    [...this.shades, this.focus].forEach((type) => {
      type.dispose();
    });
  }
}
