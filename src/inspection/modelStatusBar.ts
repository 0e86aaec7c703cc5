/** The status bar item: the model in use and the last run's size and time; click to change model. */
import * as vscode from 'vscode';
import type { ResultInfo } from '../shared/resultInfo';
import { resultStatusText, statusText } from './runMessages';

export class ModelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'attentionInspector.status',
    vscode.StatusBarAlignment.Right,
    100,
  );
  private model = '';

  constructor() {
    this.item.name = 'Attention Inspector';
    this.item.command = 'attentionInspector.selectModel';
  }

  /** The model changed (setting or selection): show it, forget the last run's figures. */
  setModel(label: string, dir: string): void {
    this.model = label;
    this.item.text = statusText(label);
    this.item.tooltip = `Attention Inspector model: ${dir}\nClick to select another model.`;
    this.item.show();
  }

  running(label: string): void {
    this.item.text = `$(loading~spin) ${this.model} · inspecting ${label}`;
    this.item.show();
  }

  finished(result: ResultInfo): void {
    this.model = result.model.id;
    this.item.text = resultStatusText(result);
    const { model, timings, tokens } = result;
    this.item.tooltip = new vscode.MarkdownString(
      `**${model.name}** (${model.architecture}, ${model.layers} layers × ${model.heads} heads)\n\n` +
        `Last run: ${tokens.length} tokens in ${Math.round(timings.totalMs)} ms ` +
        `(tokenize ${Math.round(timings.tokenizeMs)} ms, inference ${Math.round(timings.inferenceMs)} ms)\n\n` +
        (model.graphFile ? `Graph: ${model.graphFile}\n\n` : '') +
        (model.notes ?? []).map((note) => `- ${note}\n`).join('') +
        'Click to select another model.',
    );
    this.item.show();
  }

  /** A run ended without a result: back to the model name. */
  idle(): void {
    this.item.text = statusText(this.model);
  }

  dispose(): void {
    this.item.dispose();
  }
}
