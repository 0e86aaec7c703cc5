/**
 * The graph variants of a model folder, read before anything is loaded: Select Model asks
 * which to run first, so that only the one picked loads (loading the folder's best graph to
 * learn its variants, then the one picked, put two models in the one WASM heap).
 */
import { nodeModelFiles } from '../engine/folder/nodeModelFiles';
import { type GraphFile, rankGraphFiles } from '../engine/folder/onnxGraphFiles';
import { isSeq2SeqFolder } from '../engine/folder/seq2seqFolder';

/**
 * The graphs a single-graph folder can run, best first; none for a folder with manifest.json
 * (one graph), an encoder-decoder (its graphs pair up) or a folder that cannot be read
 * (loading it will say why).
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
