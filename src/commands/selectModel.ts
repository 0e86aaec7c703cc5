/**
 * `attentionInspector.selectModel`: pick the bundled model, a model of the Hugging Face cache
 * (its snapshot folder) or a folder (ours with manifest.json, or a Hugging Face export), let
 * the user pick the graph variant when the folder has several, check that it loads (in the
 * worker, with a message naming the file and the problem if not), then save `attentionInspector.model` (and `.modelVariant`)
 * where the current values live.
 */
import * as vscode from 'vscode';
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import type { EngineClient } from '../worker/engineClient';
import { CONFIG_SECTION } from '../util/config';
import { cachedModelPicks } from './cachedModelPicks';
import { modelLabel } from '../util/modelLocation';
import { runnableGraphFiles } from '../util/graphVariants';
import { pickVariant } from './variantPick';

/** What the command needs. */
export interface SelectModelDeps {
  engine: () => EngineClient;
  /** The bundled model's folder. */
  bundledDir: string;
  /** The folder in use now. */
  currentDir: () => string;
  /** The graph variant setting now (undefined: fp32 first). */
  currentVariant: () => GraphVariant | undefined;
}

interface ModelPick extends vscode.QuickPickItem {
  /** Setting value to store; undefined means "browse". */
  setting?: string;
}

/**
 * The command handler. Given a folder path (other extensions, tests) it skips the folder
 * pickers (and, with a variant, the variant picker). Resolves with the folder now in use,
 * or undefined when nothing changed.
 */
export function selectModelCommand(deps: SelectModelDeps) {
  const select = async (folder?: string, variant?: GraphVariant): Promise<string | undefined> => {
    let setting = folder;
    if (setting === undefined) {
      const picks: ModelPick[] = [
        {
          label: '$(package) Bundled model',
          description: modelLabel(deps.bundledDir),
          detail: deps.bundledDir,
          setting: '',
        },
        ...(await cachedModelPicks()),
        { label: '', kind: vscode.QuickPickItemKind.Separator },
        {
          label: '$(folder-opened) Browse for a model folder…',
          detail:
            'A Hugging Face ONNX export (config.json, tokenizer.json, model.onnx or onnx/*.onnx) or a folder with manifest.json',
        },
      ];
      const pick = await vscode.window.showQuickPick(picks, {
        title: 'Attention Inspector: Select Model',
        placeHolder: `In use: ${deps.currentDir()}`,
        matchOnDescription: true,
      });
      if (!pick) return undefined;
      setting = pick.setting ?? (await browse(deps.currentDir()));
      if (setting === undefined) return undefined;
    }
    const dir = setting === '' ? deps.bundledDir : setting;
    const load = (wanted?: GraphVariant) =>
      vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Loading model ${modelLabel(dir)}`,
        },
        () => deps.engine().loadModel(dir, wanted),
      );
    try {
      let chosen = variant ?? (setting === '' ? undefined : deps.currentVariant());
      // Asked before loading: one model loads, the one picked (util/graphVariants.ts).
      const files = variant === undefined ? await runnableGraphFiles(dir) : [];
      if (files.length > 1) {
        const picked = await pickVariant(dir, files, chosen);
        if (picked === undefined) return undefined;
        chosen = picked;
      }
      // Loaded as the inspections will ask for it (fp32 is the default, saved as no variant):
      // another name would load the same graph a second time.
      const saved = chosen === 'fp32' ? undefined : chosen;
      const info = await load(saved);
      await saveSetting('model', setting === '' ? undefined : setting);
      await saveSetting('modelVariant', saved);
      void vscode.window.showInformationMessage(
        `Attention Inspector now uses ${info.name} ` +
          `(${info.architecture}, ${info.layers} layers × ${info.heads} heads` +
          `${info.graphFile && info.graphFile !== 'model.onnx' ? `, ${info.graphFile}` : ''}).` +
          (info.notes?.length ? ` ${info.notes.join(' ')}` : ''),
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
async function saveSetting(
  key: 'model' | 'modelVariant',
  value: string | undefined,
): Promise<void> {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const where = config.inspect<string>(key);
  if (
    value === undefined &&
    where?.globalValue === undefined &&
    where?.workspaceValue === undefined
  )
    return;
  const target =
    where?.workspaceFolderValue !== undefined || where?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
