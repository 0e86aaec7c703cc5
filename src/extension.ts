/**
 * Entry point: builds the parts and registers them. Activation happens only through the
 * commands (implicit `onCommand`) and through a panel VS Code restores after a reload
 * (`onWebviewPanel:attentionInspector.heatmap`); the engine worker starts on the first run.
 */
import * as vscode from 'vscode';
import { CursorWindows } from './commands/inspectAroundCursor';
import { EngineHost } from './worker/engineHost';
import { exportJsonCommand } from './commands/exportJson';
import { inspectSelectionCommand } from './commands/inspectSelection';
import { registerContinuation } from './commands/continueWithAttention';
import { inspectTranslationCommand } from './commands/inspectTranslation';
import { InspectionRunner } from './inspection/inspectionRunner';
import { Inspector } from './inspection/inspector';
import { ModelStatusBar } from './inspection/modelStatusBar';
import { ResultExporter } from './export/resultExporter';
import { selectModelCommand } from './commands/selectModel';
import type { GraphVariant } from './engine/folder/onnxGraphFiles';
import type { AttentionSliceRequest, HeldResult } from './engine/types';
import { AttentionDecorations } from './editor/attentionDecorations';
import { AttentionHover } from './editor/attentionHover';
import { EditorMirror } from './editor/editorMirror';
import { RowReader } from './editor/rowReader';
import { downloadModelCommand } from './commands/downloadModelCommand';
import { VIEW_TYPE } from './panel/heatmapPanel';
import { RestoreStore } from './panel/restoreStore';
import type { FeedState } from './panel/webviewFeed';
import { CONFIG_SECTION, readConfig } from './util/config';
import { modelLabel, resolveModelDir } from './util/modelLocation';
import { openSampleCommand } from './commands/openSample';
import { SHOW_LOG_COMMAND } from './inspection/showLog';
import { threadsFor } from './worker/threadChoice';
import { findHeadsCommand } from './commands/findHeads';
import { HeadScanRuns } from './inspection/headScanRun';
import { EnginePrewarm } from './worker/enginePrewarm';

/** What `activate` returns (`extension.exports`): state and runs for tests and other extensions. */
export interface ExtensionApi {
  /** What the panel of the document at `uri` shows, or undefined when it has none. */
  panelState(uri: vscode.Uri): (FeedState & { valid: boolean }) | undefined;
  /** The model folder in use. */
  modelDir(): string;
  /** Does what Inspect Selection does; resolves with the result (undefined when none). */
  inspectSelection(): Promise<HeldResult | undefined>;
  /** Does what Inspect Around Cursor does; resolves with the result (undefined when none). */
  inspectAroundCursor(): Promise<HeldResult | undefined>;
  /** The file the "Attention Inspector" log channel writes (VS Code keeps it under `logUri`). */
  logFile(): string;
  /** A part of a shown result's attention, which the engine holds (`[heads, rows, cols]`). */
  slice(resultId: number, request: AttentionSliceRequest): Promise<Float32Array>;
}

/**
 * A command's resolved value travels to whoever ran it, and the workbench (a keybinding, the
 * palette) gets it JSON-serialised: an inspection's attention would become tens of MB of JSON
 * built on the extension host's thread, ahead of the panel's own messages on the same socket.
 * So the inspection commands resolve with nothing; the API above returns results.
 */
function resolvingWithNothing(run: () => Promise<unknown>): () => Promise<void> {
  return async () => {
    await run();
  };
}

let engines: EngineHost | undefined;

/** The output channel's name; VS Code names its file after it. */
const LOG_NAME = 'Attention Inspector';

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const config = () => readConfig(vscode.workspace.getConfiguration(CONFIG_SECTION));
  const modelDir = (): string =>
    resolveModelDir(
      config().model,
      context.extensionPath,
      vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    );
  const log = vscode.window.createOutputChannel(LOG_NAME, { log: true });
  log.info(`activated (version ${context.extension.packageJSON.version as string})`);
  const statusBar = new ModelStatusBar();
  const variant = (): GraphVariant | undefined => {
    const chosen = config().modelVariant;
    return chosen === 'auto' ? undefined : chosen;
  };
  // "auto" threads fit the model in use (src/worker/threadChoice.ts).
  const threadsWanted = (): number =>
    threadsFor({
      setting: config().threads,
      modelDir: modelDir(),
      ...(variant() ? { variant: variant() } : {}),
      ...(config().maxTokens > 0 ? { tokens: config().maxTokens } : {}),
      surface: 'extension',
    });
  engines = new EngineHost(context.extensionPath, threadsWanted, () => config().runTimeoutSeconds);
  const engineHost = engines;
  const bundledDir = resolveModelDir('', context.extensionPath, undefined);
  const prewarm = new EnginePrewarm({
    engine: () => engineHost.engine,
    restart: () => engineHost.restart(),
    // Only the bundled model is small enough to load unasked (docs/decisions.md).
    warmModel: () =>
      modelDir() === bundledDir && !variant() ? { modelDir: bundledDir } : undefined,
    log: (line) => log.info(line),
  });
  prewarm.atStartup(config().prewarm);
  /** An inspection command makes a prewarm not yet due unneeded (its request starts the engine). */
  const beforePrewarm =
    <A extends unknown[], R>(command: (...args: A) => R) =>
    (...args: A): R => {
      prewarm.commandStarting();
      return command(...args);
    };
  const runner = new InspectionRunner(engineHost, statusBar, variant, log);
  const decorations = new AttentionDecorations();
  const mirror = new EditorMirror(decorations);
  const exporter = new ResultExporter();
  const inspector: Inspector = new Inspector({
    extensionUri: context.extensionUri,
    runner,
    mirror,
    restore: new RestoreStore(context.workspaceState),
    exporter,
    config,
    modelDir,
    truncated: (document, truncation, base) => void windows.offerWindow(document, truncation, base),
  });
  const windows = new CursorWindows(
    (document, range) => inspector.inspect(document, range),
    () => config().maxTokens,
  );
  const inspectSelection = beforePrewarm(inspectSelectionCommand(inspector));
  const inspectAround = beforePrewarm(() => windows.command());
  const showModel = (): void => statusBar.setModel(modelLabel(modelDir()), modelDir());
  showModel();

  const headScans = new HeadScanRuns(() => engineHost.engine);
  const { registerCommand } = vscode.commands;
  context.subscriptions.push(
    prewarm,
    headScans,
    registerCommand(
      'attentionInspector.findHeads',
      findHeadsCommand({
        runs: headScans,
        modelDir,
        variant,
        budget: () => config().headScanBudget,
        actions: {
          inspect: (document, range) => inspector.inspect(document, range),
          showHead: (document, layer, head) => inspector.showHead(document, layer, head),
        },
      }),
    ),
    log,
    registerCommand(SHOW_LOG_COMMAND, () => log.show()),
    registerCommand('attentionInspector.openSample', openSampleCommand(context.extensionUri)),
    statusBar,
    decorations,
    mirror,
    inspector,
    registerCommand('attentionInspector.inspectSelection', resolvingWithNothing(inspectSelection)),
    registerCommand(
      'attentionInspector.inspectTranslation',
      resolvingWithNothing(beforePrewarm(inspectTranslationCommand(inspector))),
    ),
    registerCommand('attentionInspector.inspectAroundCursor', resolvingWithNothing(inspectAround)),
    ...registerContinuation(inspector, config),
    registerCommand('attentionInspector.exportJson', exportJsonCommand(inspector, exporter)),
    registerCommand(
      'attentionInspector.selectModel',
      selectModelCommand({
        engine: () => engineHost.engine,
        bundledDir,
        currentDir: modelDir,
        currentVariant: variant,
      }),
    ),
    registerCommand(
      'attentionInspector.downloadModel',
      downloadModelCommand({
        storageRoot: vscode.Uri.joinPath(context.globalStorageUri, 'hub').fsPath,
      }),
    ),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => inspector.revive(panel),
    }),
    vscode.languages.registerHoverProvider(
      '*',
      new AttentionHover(mirror, () => config().topK, new RowReader(runner)),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(CONFIG_SECTION)) return;
      if (
        event.affectsConfiguration(`${CONFIG_SECTION}.threads`) ||
        event.affectsConfiguration(`${CONFIG_SECTION}.runTimeoutSeconds`)
      ) {
        log.info(
          `threads ${config().threads}, run timeout ${config().runTimeoutSeconds} s: the engine worker restarts`,
        );
        void engineHost.restart();
      }
      if (
        event.affectsConfiguration(`${CONFIG_SECTION}.model`) ||
        event.affectsConfiguration(`${CONFIG_SECTION}.modelVariant`)
      ) {
        // The folder may now hold another model: cached results could be its predecessor's.
        log.info(`model set to ${modelDir()} (variant ${config().modelVariant})`);
        runner.clearCache();
        showModel();
        if (engineHost.wantsOtherThreads()) {
          log.info(`the model in use wants ${threadsWanted()} threads: the engine worker restarts`);
          void engineHost.restart();
        } else {
          // The models no longer selected give their part of the one WASM heap back.
          const keep = { modelDir: modelDir(), ...(variant() ? { variant: variant() } : {}) };
          engineHost.engine.evict(keep).catch((error: unknown) => log.warn(`evict: ${error}`));
        }
      }
      inspector.broadcastSettings();
    }),
  );
  return {
    panelState: (uri) => inspector.panelState(uri.toString()),
    modelDir,
    inspectSelection,
    inspectAroundCursor: inspectAround,
    logFile: () => vscode.Uri.joinPath(context.logUri, `${LOG_NAME}.log`).fsPath,
    slice: (resultId, request) => runner.slice(resultId, request),
  };
}

/** Stops the engine worker. */
export async function deactivate(): Promise<void> {
  await engines?.dispose();
  engines = undefined;
}
