/**
 * `attentionInspector.inspectTranslation`: the selection is the source of an encoder-decoder
 * model; the user types the target to teacher-force, or leaves it empty for the model's own
 * greedy output.
 */
import * as vscode from 'vscode';
import type { HeldResult } from '../engine/types';
import type { Inspector } from '../inspection/inspector';
import { targetFromText } from '../inspection/targets';
import { wallClockMs } from '../protocol/webview';
import { selectionToInspect } from './inspectSelection';

/** The command handler; resolves with the result (undefined when cancelled or nothing ran). */
export function inspectTranslationCommand(inspector: Inspector) {
  return async (): Promise<HeldResult | undefined> => {
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
