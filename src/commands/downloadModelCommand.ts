/**
 * `attentionInspector.downloadModel`: pick a curated model or type any repository id,
 * download it into the Hugging Face cache (or, with `attentionInspector.downloadLocation`
 * = `extensionStorage`, the extension's global storage) with a cancellable progress
 * notification, then offer to use it (through **Select Model…**, which checks that it
 * loads and saves `attentionInspector.model`). The download itself is downloadModel.ts;
 * this file is only the VS Code side.
 */
import * as vscode from 'vscode';
import type { FileChoice } from '../hub/chooseFiles';
import { CURATED_MODELS } from '../hub/curatedModels';
import { downloadModel, type DownloadResult } from '../hub/downloadModel';
import { HubError } from '../hub/hubError';
import { normalizeRepoId, repoIdProblem } from '../hub/hubRepo';
import { hubCacheDir } from '../hub/hubCache';
import { formatBytes, percentDone, progressMessage } from '../hub/progressText';
import { CONFIG_SECTION, readConfig } from '../util/config';

/** What the command needs. */
export interface DownloadModelDeps {
  /** Folder that holds one folder per downloaded repository (in the global storage). */
  storageRoot: string;
}

/** Above this, the size is confirmed before anything is fetched. */
const CONFIRM_BYTES = 1 << 30;
/** The progress message changes at most this often. */
const PROGRESS_INTERVAL_MS = 250;

interface RepoPick extends vscode.QuickPickItem {
  /** Undefined for "type a repository id". */
  repo?: string;
}

/**
 * The command handler. Given a repository id (tests, other extensions) it skips the picker.
 * Resolves with the model folder, or undefined when nothing was downloaded.
 */
export function downloadModelCommand(deps: DownloadModelDeps) {
  const inFlight = new Set<string>();
  const run = async (repoArg?: unknown): Promise<string | undefined> => {
    const repo = typeof repoArg === 'string' ? normalizeRepoId(repoArg) : await pickRepo();
    if (repo === undefined) return undefined;
    if (inFlight.has(repo)) {
      void vscode.window.showInformationMessage(`${repo} is already being downloaded.`);
      return undefined;
    }
    inFlight.add(repo);
    try {
      const { downloadLocation } = readConfig(vscode.workspace.getConfiguration(CONFIG_SECTION));
      const cacheDir = downloadLocation === 'huggingFaceCache' ? hubCacheDir() : undefined;
      const result = await withProgress(repo, deps.storageRoot, cacheDir);
      void offerToUse(result);
      return result.folder;
    } catch (error) {
      if (error instanceof HubError && error.problem === 'cancelled') {
        void vscode.window.showInformationMessage(
          `The download of ${repo} was cancelled. Run the command again to resume it where it stopped.`,
        );
        return undefined;
      }
      const again = 'Try Again';
      const message = error instanceof Error ? error.message : String(error);
      void vscode.window
        .showErrorMessage(`Cannot download ${repo}: ${message}`, again)
        .then((answer) => {
          if (answer === again) void run(repo);
        });
      return undefined;
    } finally {
      inFlight.delete(repo);
    }
  };
  return run;
}

async function pickRepo(): Promise<string | undefined> {
  const picks: RepoPick[] = [
    ...CURATED_MODELS.map((m) => ({
      label: m.label,
      description: m.repo,
      detail: m.description,
      repo: m.repo,
    })),
    {
      label: '$(edit) Another repository…',
      detail: 'Any Hub repository with an ONNX export (owner/name)',
    },
  ];
  const pick = await vscode.window.showQuickPick(picks, {
    title: 'Attention Inspector: Download Model from Hugging Face',
    placeHolder: 'Only config, tokenizer and one ONNX graph are downloaded',
    matchOnDescription: true,
  });
  if (pick === undefined) return undefined;
  if (pick.repo !== undefined) return pick.repo;
  const typed = await vscode.window.showInputBox({
    title: 'Hugging Face repository id',
    placeHolder: 'owner/name, e.g. Xenova/gpt2 (a huggingface.co link works too)',
    ignoreFocusOut: true,
    validateInput: (value) =>
      value.trim() === '' ? undefined : repoIdProblem(normalizeRepoId(value)),
  });
  return typed?.trim() ? normalizeRepoId(typed) : undefined;
}

function withProgress(
  repo: string,
  storageRoot: string,
  cacheDir: string | undefined,
): Promise<DownloadResult> {
  return Promise.resolve(
    vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Downloading ${repo}`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const controller = new AbortController();
        const subscription = cancel.onCancellationRequested(() => controller.abort());
        let shownPercent = 0;
        let shownAt = 0;
        try {
          return await downloadModel({
            repo,
            root: storageRoot,
            ...(cacheDir === undefined ? {} : { cacheDir }),
            signal: controller.signal,
            confirm: (choice) => confirmSize(repo, choice),
            onProgress: (p) => {
              const percent = percentDone(p);
              const now = Date.now();
              if (percent === shownPercent && now - shownAt < PROGRESS_INTERVAL_MS) return;
              progress.report({ increment: percent - shownPercent, message: progressMessage(p) });
              shownPercent = percent;
              shownAt = now;
            },
          });
        } finally {
          subscription.dispose();
        }
      },
    ),
  );
}

/**
 * The graph to fetch: the best-ranked one, asked first when it is large, with the smallest
 * runnable variant offered instead (e.g. fp16 or q4 for a 0.5B model).
 */
async function confirmSize(repo: string, choice: FileChoice): Promise<string | undefined> {
  if (choice.totalBytes < CONFIRM_BYTES) return choice.graph.path;
  const download = `Download ${formatBytes(choice.totalBytes)}`;
  const smallest = choice.graphs.reduce((a, b) => (b.totalBytes < a.totalBytes ? b : a));
  const smaller =
    smallest.graph !== choice.graph
      ? `Download ${smallest.graph.path} (${formatBytes(smallest.totalBytes)})`
      : undefined;
  const answer = await vscode.window.showWarningMessage(
    `${repo}: ${choice.graph.path} (${choice.graph.variant}) and its files take ${formatBytes(choice.totalBytes)}.`,
    {
      modal: true,
      detail:
        'fp32 gives the attention the model computes; other variants approximate it. ' +
        'An interrupted download resumes where it stopped.',
    },
    ...(smaller ? [download, smaller] : [download]),
  );
  if (answer === download) return choice.graph.path;
  return answer !== undefined && answer === smaller ? smallest.graph.path : undefined;
}

async function offerToUse(result: DownloadResult): Promise<void> {
  const use = 'Use This Model';
  const answer = await vscode.window.showInformationMessage(
    `Downloaded ${result.repo} (${result.graph.path}, ${formatBytes(result.totalBytes)}) into ${result.folder}.`,
    use,
  );
  // Select Model… checks that the folder loads before saving it in the setting.
  if (answer === use)
    await vscode.commands.executeCommand('attentionInspector.selectModel', result.folder);
}
