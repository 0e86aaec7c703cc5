/**
 * One head scan from the extension (issue 25): the files read here (local file system,
 * safely: src/util/corpusFiles.ts) and scored in the engine one at a time, under a
 * cancellable progress notification that says files, tokens and tokens/s. Results are kept
 * per workspace, model and question until a file in the workspace changes.
 */
import * as vscode from 'vscode';
import type { SkippedFile } from '../engine/heads/headScanJson';
import type { HeadScanOptions, HeadScanResult } from '../engine/heads/headScanTypes';
import { readCorpusFile } from '../util/corpusFiles';
import { headScanCall } from '../worker/headScanCall';
import type { EngineClient } from '../worker/engineClient';

export interface HeadScanQuestion {
  modelDir: string;
  variant?: import('../engine/folder/onnxGraphFiles').GraphVariant;
  options: HeadScanOptions;
  /** What the files were chosen by, for the cache key and messages. */
  glob: string;
}

export interface HeadScanAnswer {
  result: HeadScanResult;
  skipped: SkippedFile[];
}

let nextScanId = 1;

export class HeadScanRuns implements vscode.Disposable {
  private readonly kept = new Map<string, HeadScanAnswer>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*');
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly engine: () => EngineClient) {
    const forget = () => this.kept.clear();
    this.subscriptions = [
      this.watcher,
      this.watcher.onDidChange(forget),
      this.watcher.onDidCreate(forget),
      this.watcher.onDidDelete(forget),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) forget();
      }),
    ];
  }

  /** The answer kept for `question`, or a new scan of `files` (undefined when cancelled). */
  async answer(
    question: HeadScanQuestion,
    files: readonly vscode.Uri[],
  ): Promise<HeadScanAnswer | undefined> {
    const key = JSON.stringify([
      vscode.workspace.workspaceFolders?.map((f) => f.uri.toString()),
      question,
    ]);
    const kept = this.kept.get(key);
    if (kept) return kept;
    const answer = await this.scan(question, files);
    if (answer) this.kept.set(key, answer);
    return answer;
  }

  private scan(
    question: HeadScanQuestion,
    files: readonly vscode.Uri[],
  ): Thenable<HeadScanAnswer | undefined> {
    const engine = this.engine();
    const scanId = nextScanId++;
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Finding ${question.options.pattern} heads`,
        cancellable: true,
      },
      async (progress, cancel) => {
        const { modelDir, variant, options } = question;
        await headScanCall(engine, 'headScanStart', {
          scanId,
          modelDir,
          ...(variant ? { variant } : {}),
          options,
        });
        const skipped: SkippedFile[] = [];
        const started = performance.now();
        let tokens = 0;
        let done = 0;
        try {
          for (const uri of files) {
            if (cancel.isCancellationRequested) return undefined;
            const read = await readCorpusFile(uri.fsPath);
            const file = vscode.workspace.asRelativePath(uri);
            done++;
            if ('skip' in read) {
              skipped.push({ path: file, reason: read.skip });
              continue;
            }
            const scanned = await headScanCall(engine, 'headScanFile', {
              scanId,
              file,
              text: read.text,
            });
            tokens += scanned.tokens;
            const rate = Math.round(tokens / ((performance.now() - started) / 1000));
            progress.report({
              message: `${done}/${files.length} files, ${tokens.toLocaleString('en-US')} tokens, ${rate.toLocaleString('en-US')} tokens/s`,
              increment: 100 / files.length,
            });
            if (scanned.tokensLeft <= 0) break;
          }
          return { result: await headScanCall(engine, 'headScanEnd', { scanId }), skipped };
        } finally {
          // A cancelled or failed scan is ended too, so the engine forgets it.
          void headScanCall(engine, 'headScanEnd', { scanId }).catch(() => undefined);
        }
      },
    );
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
