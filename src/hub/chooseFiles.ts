/**
 * Which files of a repository a download fetches: the configuration and tokenizer files a
 * model folder needs, and ONE ONNX graph (the best by `rankGraphFiles`, the same order the
 * folder loader uses) with its external-data files. Repositories hold many variants of a
 * graph (fp16, quantized, q4, …) and PyTorch weights; fetching only what runs keeps a
 * download to the size of one model. Pure, for plain-Node tests.
 */
import { isExternalDataOf, rankGraphFiles, type GraphFile } from '../engine/folder/onnxGraphFiles';
import { HubError } from './hubError';
import type { RepoFile } from './repoListing';

/** Files at the top of an export folder that the model cannot do without. */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json'] as const;

/** Files at the top of an export folder that are fetched when the repository has them. */
export const OPTIONAL_FILES = [
  'tokenizer_config.json',
  'special_tokens_map.json',
  'generation_config.json',
] as const;

/** What a download fetches. */
export interface FileChoice {
  /** The graph chosen. */
  graph: GraphFile;
  /** Every file to fetch, the graph and its external data included, smallest first. */
  files: RepoFile[];
  /** Bytes of all of them. */
  totalBytes: number;
  /** Every runnable graph, best first, with the bytes a download of it would take. */
  graphs: { graph: GraphFile; totalBytes: number }[];
}

/**
 * Chooses the files to fetch from `listing`. `graphPath` picks a graph other than the
 * best one (it must be one `rankGraphFiles` accepts).
 */
export function chooseFiles(
  repo: string,
  listing: readonly RepoFile[],
  graphPath?: string,
): FileChoice {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const missing = REQUIRED_FILES.filter((name) => !byPath.has(name));
  const ranked = rankGraphFiles(listing.map((f) => f.path));
  if (ranked.length === 0)
    throw new HubError(
      'noGraph',
      `${repo} has no ONNX graph that Attention Inspector can run (model.onnx, decoder_model.onnx or ` +
        `decoder_model_merged.onnx, at the top or under onnx/). Look for an ONNX port of the model ` +
        `(Xenova/… or onnx-community/… repositories), or export one with ` +
        `"optimum-cli export onnx --model ${repo} out/" and select that folder.`,
    );
  if (missing.length > 0)
    throw new HubError(
      'missingFile',
      `${repo} has no ${missing.join(' or ')} at the top of the repository, which a model folder ` +
        `needs next to its ONNX graph. Choose a repository that has them (Transformers.js ports do).`,
    );
  const graph = graphPath === undefined ? ranked[0] : ranked.find((g) => g.path === graphPath);
  if (graph === undefined)
    throw new HubError(
      'missingFile',
      `${repo} has no runnable graph ${graphPath}; it has ${ranked.map((g) => g.path).join(', ')}.`,
    );
  const files = filesFor(listing, graph).sort(
    (a, b) => a.size - b.size || a.path.localeCompare(b.path),
  );
  return {
    graph,
    files,
    totalBytes: bytesOf(files),
    graphs: ranked.map((g) => ({ graph: g, totalBytes: bytesOf(filesFor(listing, g)) })),
  };
}

function filesFor(listing: readonly RepoFile[], graph: GraphFile): RepoFile[] {
  return listing.filter(
    (f) =>
      (REQUIRED_FILES as readonly string[]).includes(f.path) ||
      (OPTIONAL_FILES as readonly string[]).includes(f.path) ||
      f.path === graph.path ||
      isExternalDataOf(graph.path, f.path),
  );
}

const bytesOf = (files: readonly RepoFile[]) => files.reduce((sum, f) => sum + f.size, 0);
