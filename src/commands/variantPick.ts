/**
 * Which graph variant of a folder to run, asked before anything is loaded (the folder's
 * variants: src/util/graphVariants.ts, which says why).
 */
import * as vscode from 'vscode';
import type { GraphFile, GraphVariant } from '../engine/folder/onnxGraphFiles';
import { formatBytes, graphFileBytes } from '../util/graphFileSize';

interface VariantPick extends vscode.QuickPickItem {
  variant: GraphVariant;
}

/**
 * Asks which graph file to run, each with its size on disk (weights included); the one
 * `current` names (else the best) comes first.
 */
export async function pickVariant(
  dir: string,
  files: readonly GraphFile[],
  current: GraphVariant | undefined,
): Promise<GraphVariant | undefined> {
  const first = files.find((file) => file.variant === current) ?? files[0];
  const ordered = [first, ...files.filter((file) => file !== first)];
  const picks: VariantPick[] = ordered.map((file, i) => ({
    label: file.variant,
    description: sized(dir, file.path),
    detail:
      i === 0
        ? 'Current choice'
        : file.variant === 'fp32'
          ? 'Full precision'
          : 'Approximates the fp32 attention',
    variant: file.variant,
  }));
  const pick = await vscode.window.showQuickPick(picks, {
    title: 'Attention Inspector: Which graph of this folder?',
    placeHolder: 'The folder holds several variants of the model',
  });
  return pick?.variant;
}

function sized(dir: string, file: string): string {
  const bytes = graphFileBytes(dir, file);
  return bytes === undefined ? file : `${file} · ${formatBytes(bytes)}`;
}
