/**
 * `attentionInspector.inspectTranslation`: the selection is the source of an encoder-decoder
 * model; the user types the target to teacher-force, or leaves it empty for the model's own
 * greedy output. Also the one place that turns a target text into a `TargetRequest`.
 */
import * as vscode from 'vscode';
import type { InspectResult, TargetRequest } from '../engine/types';
import { DEFAULT_TARGET } from '../engine/types';
import { wallClockMs } from '../protocol/webview';
import type { Inspector } from './inspector';
import { selectionToInspect } from './inspectSelection';

/** A typed target: empty (or only whitespace) asks the model to generate greedily. */
export function targetFromText(text: string): TargetRequest {
  return text.trim() === '' ? DEFAULT_TARGET : { kind: 'given', text };
}

/** The target that produced `result`, so a re-run decodes the same way; undefined: not seq2seq. */
export function targetOf(result: InspectResult): TargetRequest | undefined {
  const target = result.seq2seq?.target;
  if (!target) return undefined;
  return target.kind === 'given'
    ? { kind: 'given', text: target.text }
    : { kind: 'greedy', maxNewTokens: target.maxNewTokens };
}

/** The command handler; resolves with the result (undefined when cancelled or nothing ran). */
export function inspectTranslationCommand(inspector: Inspector) {
  return async (): Promise<InspectResult | undefined> => {
    const commandAt = wallClockMs();
    const chosen = selectionToInspect('Inspect Translation…');
    if (!chosen) return undefined;
    const text = await vscode.window.showInputBox({
      title: 'Attention Inspector: Inspect Translation',
      prompt:
        'The selection is the source. Type the target (translation) to inspect, ' +
        'or leave it empty to let the model generate one greedily.',
      placeHolder: 'Target text (empty: the model translates)',
    });
    if (text === undefined) return undefined;
    return inspector.inspect(chosen.document, chosen.range, commandAt, targetFromText(text));
  };
}
