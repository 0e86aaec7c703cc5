/** What a failed load or run of a single-graph model is told as, in the folder's own terms. */
import type { LoadedModelFolder } from '../folder/loadModelFolder';
import { factHome, factSays } from '../folder/manifest';
import { ModelError, modelError } from '../modelError';
import { knob, type Surface } from '../surface';
import { ortMessage } from './ortRuntime';

/**
 * An attention shape the heads do not explain, said in the terms of the folder: a Hugging
 * Face folder has no manifest.json to check, its heads come from config.json.
 */
export function headsMismatch(
  error: unknown,
  folder: Pick<LoadedModelFolder, 'label' | 'graphFile' | 'manifest'>,
): unknown {
  if (!(error instanceof ModelError) || error.problem !== 'badAttentionShape') return error;
  const advice = ' Check "heads" and "outputs.attentions" in manifest.json.';
  if (!folder.manifest.factsFrom || !error.message.endsWith(advice)) return error;
  const what = error.message.slice(0, -advice.length).replace(/^model\.onnx: /, '');
  return modelError(
    'badAttentionShape',
    folder.label,
    folder.graphFile,
    what.replace(/\.$/, ''),
    `${factSays(folder.manifest, 'heads')}, which the graph contradicts: use the config.json saved with this graph.`,
    'heads',
  );
}

/**
 * onnxruntime's own message names its C++ source; keep what it says, not where. Out of
 * memory (`std::bad_alloc`: the WASM heap is 4 GiB) is said as such; otherwise the usual
 * cause is an input longer than the graph can take (a position table or mask buffer), and
 * `maxPositions` is ours to lower only in a folder with manifest.json: a Hugging Face
 * folder's context comes from its config.json, which describes the model, not this tool.
 */
export function runFailure(
  error: unknown,
  n: number,
  folder: Pick<LoadedModelFolder, 'label' | 'graphFile' | 'manifest'>,
  surface: Surface,
): Error {
  const said = ortMessage(error);
  const fewer = `inspect fewer tokens (${knob('maxTokens', surface)})`;
  const { manifest } = folder;
  const advice = OUT_OF_MEMORY.test(said)
    ? `${n} tokens of this ${manifest.layers}-layer, ${manifest.heads}-head model do not fit in the engine's memory: ${fewer} or pick a smaller model or variant.`
    : manifest.factsFrom === undefined
      ? `If the graph cannot take that many tokens, ${fewer} or lower ${factHome(manifest, 'maxPositions', manifest.maxPositions)}; otherwise re-export the model.`
      : `If the graph cannot take that many tokens, ${fewer}; otherwise re-export the model.`;
  return modelError(
    'runFailed',
    folder.label,
    folder.graphFile,
    `failed on ${n} tokens inside onnxruntime (${said})`,
    advice,
  );
}

/** How onnxruntime-web says the WASM heap is full. */
const OUT_OF_MEMORY = /bad_alloc|out of memory|Cannot enlarge memory|memory allocation failed/i;
