import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { extension, VIEW_TYPE, waitFor } from './helpers';

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
  it('activates on its commands, its restored panel, and after start-up (the prewarm) only', () => {
    const manifest = extension().packageJSON as {
      activationEvents: string[];
      contributes: { commands: { command: string }[] };
    };
    assert.deepEqual(manifest.activationEvents, [
      `onWebviewPanel:${VIEW_TYPE}`,
      'onStartupFinished',
    ]);
    assert.deepEqual(
      manifest.contributes.commands.map((c) => c.command).sort(),
      [...COMMANDS].sort(),
    );
  });

  // Runs before any test inspects (this file comes first): no command has started the engine.
  it('prewarms the engine after start-up, unasked (attentionInspector.prewarm is on by default)', async function () {
    this.timeout(90_000);
    assert.equal(vscode.workspace.getConfiguration('attentionInspector').get('prewarm'), true);
    const file = (await extension().activate()).logFile();
    const logged = await waitFor(
      () => {
        const content = existsSync(file) ? readFileSync(file, 'utf8') : '';
        return /prewarm: /.test(content) && content;
      },
      `the log at ${file} to record the prewarm`,
      60_000,
    );
    assert.match(logged, /prewarm: engine ready with the bundled model in \d+ ms/);
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
