import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';
import { extension, VIEW_TYPE } from './helpers';

const COMMANDS = [
  'attentionInspector.inspectSelection',
  'attentionInspector.inspectTranslation',
  'attentionInspector.inspectAroundCursor',
  'attentionInspector.exportJson',
  'attentionInspector.selectModel',
  'attentionInspector.downloadModel',
  'attentionInspector.showLog',
  'attentionInspector.openSample',
  'attentionInspector.findHeads',
  'attentionInspector.continueWithAttention',
  'attentionInspector.insertContinuation',
];

describe('activation', () => {
  it('declares no start-up activation: only its commands and its restored panel', () => {
    const manifest = extension().packageJSON as {
      activationEvents: string[];
      contributes: { commands: { command: string }[] };
    };
    assert.deepEqual(manifest.activationEvents, [`onWebviewPanel:${VIEW_TYPE}`]);
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      [...COMMANDS].sort(),
    );
  });

  it('activates through a command and registers all its commands', async () => {
    // With nothing inspected yet, export only says so (a message, not a modal dialog).
    await vscode.commands.executeCommand('attentionInspector.exportJson');
    assert.equal(extension().isActive, true);
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of COMMANDS) assert.ok(registered.has(command), `${command} is registered`);
    const api = extension().exports;
    assert.equal(typeof api.panelState, 'function');
    assert.match(api.modelDir(), /\S/);
  });

  it('has registered the panel serializer, so panels survive a reload', () => {
    // VS Code allows one serializer per view type: a second registration must throw.
    let second: vscode.Disposable | undefined;
    assert.throws(() => {
      second = vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
        deserializeWebviewPanel: async () => undefined,
      });
    }, /already registered/);
    second?.dispose();
  });
});
