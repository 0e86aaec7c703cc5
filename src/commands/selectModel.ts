/**
 * `attentionInspector.selectModel`: pick the bundled model or a folder, check that it loads
 * (in the worker, with a message naming the file and the problem if not), then save it in
 * `attentionInspector.model` where the current value lives.
 */
import * as vscode from 'vscode';
import type { EngineClient } from '../engine/worker/engineClient';
import { CONFIG_SECTION } from '../util/config';
import { modelLabel } from '../util/modelLocation';

/** What the command needs. */
export interface SelectModelDeps {
  engine: () => EngineClient;
  /** The bundled model's folder. */
  bundledDir: string;
  /** The folder in use now. */
  currentDir: () => string;
}

interface ModelPick extends vscode.QuickPickItem {
  /** Setting value to store; undefined means "browse". */
  setting?: string;
}

/**
 * The command handler. Given a folder path (other extensions, tests) it skips the pickers.
 * Resolves with the folder now in use, or undefined when nothing changed.
 */
export function selectModelCommand(deps: SelectModelDeps) {
  const select = async (folder?: string): Promise<string | undefined> => {
    let setting = folder;
    if (setting === undefined) {
      const picks: ModelPick[] = [
        {
          label: '$(package) Bundled model',
          description: modelLabel(deps.bundledDir),
          detail: deps.bundledDir,
          setting: '',
        },
        {
          label: '$(folder-opened) Browse for a model folder…',
          detail:
            'A folder with manifest.json, model.onnx and tokenizer.json (see docs/model-format.md)',
        },
      ];
      const pick = await vscode.window.showQuickPick(picks, {
        title: 'Attention Inspector: Select Model',
        placeHolder: `In use: ${deps.currentDir()}`,
      });
      if (!pick) return undefined;
      setting = pick.setting ?? (await browse(deps.currentDir()));
      if (setting === undefined) return undefined;
    }
    const dir = setting === '' ? deps.bundledDir : setting;
    try {
      const info = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Loading model ${modelLabel(dir)}`,
        },
        () => deps.engine().loadModel(dir),
      );
      await saveSetting(setting);
      void vscode.window.showInformationMessage(
        `Attention Inspector now uses ${info.name} ` +
          `(${info.architecture}, ${info.layers} layers × ${info.heads} heads).`,
      );
      return dir;
    } catch (error) {
      const again = 'Select Model…';
      const message = error instanceof Error ? error.message : String(error);
      vscode.window
        .showErrorMessage(`Cannot use the model in ${dir}: ${message}`, again)
        .then((answer) => {
          if (answer === again) void select();
        });
      return undefined;
    }
  };
  return select;
}

async function browse(current: string): Promise<string | undefined> {
  const folders = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Use This Model',
    title: 'Select a model folder',
    defaultUri: vscode.Uri.file(current),
  });
  return folders?.[0]?.fsPath;
}

/** Saves where the effective value comes from, so the choice takes effect. */
async function saveSetting(setting: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const where = config.inspect<string>('model');
  const target =
    where?.workspaceFolderValue !== undefined || where?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await config.update('model', setting === '' ? undefined : setting, target);
}
