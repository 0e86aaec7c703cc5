/**
 * Hovering an inspected token in the editor lists the tokens it attends to most, with their
 * weights: as the webview showed them when it last focused this token; otherwise from the
 * same layer/head the webview last showed, or averaged over every layer and head — one row
 * asked of the engine, which holds the attention (src/editor/rowReader.ts).
 */
import * as vscode from 'vscode';
import type { Token } from '../engine/types';
import type { EditorMirror } from './editorMirror';
import { tokenRange } from './inspection';
import type { RowReader } from './rowReader';
import { describeRowSource, tokenAt, topAttended, weightsWording } from './tokenMath';

export class AttentionHover implements vscode.HoverProvider {
  constructor(
    private readonly mirror: EditorMirror,
    private readonly topK: () => number,
    private readonly rows: RowReader,
  ) {}

  async provideHover(
    document: vscode.TextDocument,
    position: vscode.Position,
  ): Promise<vscode.Hover | undefined> {
    const key = document.uri.toString();
    const inspection = this.mirror.get(key);
    if (!inspection?.valid || inspection.document !== document) return undefined;
    const { result, base } = inspection;
    const offset = document.offsetAt(position) - base;
    if (offset < 0 || offset > result.text.length) return undefined;
    const index = tokenAt(result.tokens, offset);
    if (index === null) return undefined;
    const range = tokenRange(inspection, index);
    if (!range?.contains(position)) return undefined;

    const focus = this.mirror.focusOf(key);
    const useFocus =
      focus !== undefined && focus.runId === inspection.runId && focus.index === index;
    const source = focus?.runId === inspection.runId && focus.source ? focus.source : 'all';
    // The panel's Weights switch (issue 24): value-weighted shares, named so.
    const shown = this.mirror.weightsOf(key);
    const wording = weightsWording(shown);
    let weights: Float32Array;
    try {
      weights = useFocus ? focus.weights : await this.rows.row(result, index, source, shown);
    } catch {
      // The engine let the result go (restarted, or too many newer results): no hover.
      return undefined;
    }
    const label = useFocus ? focus.label : describeRowSource(source) + wording.suffix;
    const top = topAttended(weights, this.topK());

    const markdown = new vscode.MarkdownString();
    markdown.appendMarkdown(
      `**${wording.heading}** \`${showToken(result.text, result.tokens[index])}\` — ${escapeMarkdown(label)}\n\n`,
    );
    markdown.appendMarkdown(`| token | ${wording.column} |\n| --- | ---: |\n`);
    for (const { index: key, weight } of top) {
      const token = result.tokens[key];
      const where = token.special ? 'special' : key === index ? 'itself' : `#${key}`;
      markdown.appendMarkdown(
        `| \`${showToken(result.text, token)}\` (${where}) | ${weight.toFixed(3)} |\n`,
      );
    }
    return new vscode.Hover(markdown, range);
  }
}

/** The token's source text (vocabulary spelling for specials), safe inside backticks. */
function showToken(source: string, token: Token): string {
  const text = token.special ? token.text : source.slice(token.start, token.end);
  const visible = text
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t')
    .replace(/`/g, 'ˋ')
    .replace(/\|/g, '\\|');
  return visible.length > 40 ? `${visible.slice(0, 39)}…` : visible || '∅';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
