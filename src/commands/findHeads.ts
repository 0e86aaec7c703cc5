/**
 * "Attention Inspector: Find Heads…" (issue 25): pick a pattern (and for a custom rule its two
 * regexes) and a file set (a glob, by default the workspace's files of the active editor's
 * language; files.exclude applies through findFiles, .gitignore through corpusFiles.ts), scan
 * them in the engine (inspection/headScanRun.ts), then show the ranking (headScanResults.ts).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GraphVariant } from '../engine/folder/onnxGraphFiles';
import { compileRule, PATTERN_DEFINITIONS } from '../engine/heads/headPatterns';
import {
  HEAD_PATTERNS,
  type HeadPattern,
  type HeadScanOptions,
} from '../engine/heads/headScanTypes';
import type { HeadScanRuns } from '../inspection/headScanRun';
import { gitignoreFilter } from '../util/corpusFiles';
import { MAX_CORPUS_FILES } from '../util/corpusFiles';
import { showHeadScanResults, type ResultActions } from './headScanResults';

export interface FindHeadsDeps {
  runs: HeadScanRuns;
  modelDir: () => string;
  variant: () => GraphVariant | undefined;
  budget: () => number;
  actions: ResultActions;
}

export function findHeadsCommand(deps: FindHeadsDeps): () => Promise<void> {
  return async () => {
    const options = await pickPattern();
    if (!options) return;
    const glob = await vscode.window.showInputBox({
      title: 'Find Heads: which files',
      prompt: 'A glob over the workspace (files.exclude and .gitignore apply)',
      value: defaultGlob(),
      ignoreFocusOut: true,
    });
    if (!glob) return;
    const files = await workspaceFiles(glob);
    if (files.length === 0) {
      void vscode.window.showWarningMessage(
        `Find Heads: no file of the workspace matches ${glob} (files.exclude and .gitignore applied).`,
      );
      return;
    }
    try {
      const answer = await deps.runs.answer(
        {
          modelDir: deps.modelDir(),
          ...(deps.variant() ? { variant: deps.variant() } : {}),
          options: { ...options, budget: deps.budget() },
          glob,
        },
        files,
      );
      if (!answer) return;
      if (answer.result.heads.every((h) => h.count === 0)) {
        void vscode.window.showWarningMessage(
          `Find Heads: no query position matched ${options.pattern} in ${answer.result.files.length} files (${answer.skipped.length} skipped).`,
        );
        return;
      }
      await showHeadScanResults(answer, deps.actions);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Find Heads: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  };
}

async function pickPattern(): Promise<HeadScanOptions | undefined> {
  const picked = await vscode.window.showQuickPick(
    HEAD_PATTERNS.map((pattern) => ({ label: pattern, detail: PATTERN_DEFINITIONS[pattern] })),
    { title: 'Find Heads: which pattern', matchOnDetail: true },
  );
  if (!picked) return undefined;
  const pattern = picked.label as HeadPattern;
  if (pattern !== 'custom') return { pattern };
  const regex = (flag: string, prompt: string) =>
    vscode.window.showInputBox({
      title: `Find Heads: custom rule, ${flag}`,
      prompt,
      ignoreFocusOut: true,
      validateInput: (value) => {
        try {
          compileRule(value, flag);
          return undefined;
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
  const from = await regex('--from', 'Queries: tokens overlapping a match of this regex');
  if (!from) return undefined;
  const to = await regex('--to', 'Targets: earlier tokens overlapping a match of this regex');
  if (!to) return undefined;
  return { pattern, from, to };
}

/** `**∕*.py` for a Python editor: the active file's extension, else every file. */
function defaultGlob(): string {
  const file = vscode.window.activeTextEditor?.document.uri.fsPath;
  const ext = file ? path.extname(file) : '';
  return ext ? `**/*${ext}` : '**/*';
}

async function workspaceFiles(glob: string): Promise<vscode.Uri[]> {
  // exclude undefined: files.exclude applies (not search.exclude); .gitignore is ours to apply.
  const found = await vscode.workspace.findFiles(glob, undefined, MAX_CORPUS_FILES);
  const kept: vscode.Uri[] = [];
  for (const uri of found.sort((a, b) => a.fsPath.localeCompare(b.fsPath))) {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (uri.scheme !== 'file' || !folder) continue;
    if (await ignoredIn(folder.uri.fsPath)(uri.fsPath)) continue;
    kept.push(uri);
  }
  return kept;
}

const filters = new Map<string, (path: string) => Promise<boolean>>();
function ignoredIn(root: string): (path: string) => Promise<boolean> {
  let filter = filters.get(root);
  if (!filter) {
    filter = gitignoreFilter(root);
    filters.set(root, filter);
  }
  return filter;
}
