/**
 * Every layer's attention of one window, a layer at a time, then gone (issue 25: memory stays
 * flat over a scan). Two ways, chosen per model:
 * - `probabilities`: a session of the model cut to its attention outputs (no logits, no last
 *   MLP), one run per window; used while a window's L · H · N² floats fit `PROBABILITY_BYTES`
 *   (the bundled model: 16 MiB at 512 tokens);
 * - `recomputed`: the engine's own run (q and kᵀ kept per layer, inference/recomputedAttention.ts)
 *   and each layer's `[heads, N, N]` recomputed on onnxruntime's kernels, then dropped.
 */
import { asFloat32 } from '../attention/extractAttention';
import { modelError } from '../modelError';
import { loadModelFolder } from '../folder/loadModelFolder';
import type { ModelFiles } from '../folder/modelFiles';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import { refuseLossyEdit } from '../folder/lossyEdit';
import { decodeOnnx } from '../graph/decodeOnnx';
import { pruneToOutputs } from '../graph/pruneGraph';
import { sessionGraph } from '../graph/sessionGraph';
import { makeFeeds } from '../inference/graphFeeds';
import type { LoadedModel } from '../inference/loadedModel';
import { createSession, type InferenceSession } from '../inference/ortRuntime';
import type { FeedSpec } from '../folder/feedPlan';

/** A window's every layer at once is kept below this; beyond it layers are recomputed one by one. */
export const PROBABILITY_BYTES = 256 * 2 ** 20;

export interface WindowAttention {
  readonly source: 'probabilities' | 'recomputed';
  /** Calls `use` with each layer's `[heads, n, n]` in order; the array is not kept. */
  layers(
    ids: readonly number[],
    use: (layer: number, weights: Float32Array) => void,
  ): Promise<void>;
  release(): Promise<void>;
}

/** The cheaper way that fits: the pruned probabilities session, or the engine's recomputation. */
export async function windowAttention(
  model: LoadedModel,
  files: ModelFiles,
  windowTokens: number,
  variant?: GraphVariant,
  /** The most bytes a window's probabilities may take (tests pass 0 to force recomputation). */
  maxBytes = PROBABILITY_BYTES,
): Promise<WindowAttention> {
  const { layers, heads } = model.info;
  const bytes = layers * heads * windowTokens * windowTokens * 4;
  if (bytes <= maxBytes) {
    const pruned = await ProbabilitySession.load(files, heads, variant).catch(() => undefined);
    if (pruned) return pruned;
  }
  return new RecomputedLayers(model);
}

class ProbabilitySession implements WindowAttention {
  readonly source = 'probabilities';

  private constructor(
    private readonly session: InferenceSession,
    private readonly feeds: readonly FeedSpec[],
    private readonly outputs: readonly string[],
    private readonly heads: number,
    private readonly label: string,
  ) {}

  static async load(
    files: ModelFiles,
    heads: number,
    variant?: GraphVariant,
  ): Promise<ProbabilitySession | undefined> {
    const folder = await loadModelFolder(files, variant ? { variant } : {});
    if (folder.attentionOutputs.length === 0) return undefined;
    if (!folder.edited) refuseLossyEdit(folder.onnxBytes, folder.label, folder.graphFile);
    const model = decodeOnnx(folder.onnxBytes, folder.label, folder.graphFile);
    pruneToOutputs(model.graph ?? {}, folder.attentionOutputs);
    const graph = sessionGraph(model, folder.onnxBytes, folder.graphFile);
    const session = await createSession(
      graph.onnxBytes,
      [...folder.externalData, ...graph.externalData],
      folder.graphFile,
    );
    return new ProbabilitySession(
      session,
      folder.feeds,
      folder.attentionOutputs,
      heads,
      folder.label,
    );
  }

  async layers(
    ids: readonly number[],
    use: (layer: number, weights: Float32Array) => void,
  ): Promise<void> {
    const outputs = await this.session.run(makeFeeds(this.feeds, ids), [...this.outputs]);
    const n = ids.length;
    for (const [layer, name] of this.outputs.entries()) {
      const tensor = outputs[name];
      const weights = tensor ? asFloat32(tensor) : undefined;
      // Read in place, not copied: the scan scores it before the next layer is looked at.
      if (!weights || weights.length !== this.heads * n * n) {
        throw modelError(
          'badAttentionShape',
          this.label,
          'model.onnx',
          `${name} (layer ${layer}'s attention) has shape [${tensor?.dims.join(', ')}], not [1, ${this.heads}, ${n}, ${n}]`,
          'Check "heads" and "outputs.attentions" in manifest.json.',
        );
      }
      use(layer, weights);
    }
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

class RecomputedLayers implements WindowAttention {
  readonly source = 'recomputed';

  constructor(private readonly model: LoadedModel) {}

  async layers(
    ids: readonly number[],
    use: (layer: number, weights: Float32Array) => void,
  ): Promise<void> {
    const { source } = await this.model.runHeld(ids, 0);
    const heads = Array.from({ length: source.stack.heads }, (_, h) => h);
    const rows = Array.from({ length: ids.length }, (_, r) => r);
    for (let layer = 0; layer < source.stack.layers; layer++) {
      use(layer, await source.slice(layer, heads, rows));
    }
  }

  async release(): Promise<void> {
    // The engine's model stays loaded: it is the inspections' too.
  }
}
