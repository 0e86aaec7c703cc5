/**
 * Which graph variant of a folder to run, asked before anything is loaded: loading the
 * folder's best graph only to learn its variants, then the one picked, put two models in the
 * one WASM heap (a 620 MB fp32 graph beside the 4-bit one the user wanted).
 */
import * as vscode from 'vscode';
import { nodeModelFiles } from '../engine/folder/nodeModelFiles';
import { type GraphFile, type GraphVariant, rankGraphFiles } from '../engine/folder/onnxGraphFiles';
import { isSeq2SeqFolder } from '../engine/folder/seq2seqFolder';
import { formatBytes, graphFileBytes } from '../util/graphFileSize';

interface VariantPick extends vscode.QuickPickItem {
  variant: GraphVariant;
}

/**
 * The graphs a single-graph folder can run, best first; none for an encoder-decoder (its
 * graphs pair up) or a folder that cannot be read (loading it will say why).
 */
export async function runnableGraphFiles(dir: string): Promise<GraphFile[]> {
  try {
    const files = nodeModelFiles(dir);
    if (await files.read('manifest.json')) return [];
    if (await isSeq2SeqFolder(files)) return [];
    return rankGraphFiles(await files.list([]));
  } catch {
    return [];
  }
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
