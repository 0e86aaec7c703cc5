/**
 * Head steps of an encoder-decoder (`enc:L:H`, `dec:L:H`, `cross:L:H`): one steps session
 * per graph, each created on the first request for its heads. Encoder heads run the encoder
 * on the source ids; decoder and cross heads run the decoder (a merged decoder's no-past
 * branch) on the decoder ids with the encoder's hidden states, so a cross head has
 * N = decoder tokens and M = source tokens. The decoder's step tensors are split into self-
 * and cross-attention the way its attention outputs are (decoderAttention.ts).
 */
import { EngineRunError } from '../errors';
import { readExternalData } from '../folder/externalData';
import { refuseLossyEdit } from '../folder/lossyEdit';
import type { ModelFiles } from '../folder/modelFiles';
import { crossAttentionFlags } from '../graph/decoderAttention';
import { decodeGraph } from '../graph/prepareGraph';
import { exposeStepTensors, type ExposedStepTensors } from '../graph/exposeStepTensors';
import { encodeOnnx } from '../graph/exposeTensors';
import { makeFeeds } from '../inference/graphFeeds';
import { createSession, type InferenceSession } from '../inference/ortRuntime';
import { decoderFeeds, type Seq2SeqModel } from '../inference/seq2seqModel';
import { modelError } from '../modelError';
import type { AttentionKind, HeadSteps, HeadStepsRequest } from '../types';
import { MAX_STEP_HEADS, runLayerSteps } from './stepsSession';

/** A graph's session with its step tensors exposed, per attention Softmax in graph order. */
interface StepsGraph {
  session: InferenceSession;
  layers: ExposedStepTensors[];
}

export class Seq2SeqStepsSession {
  private encoder?: Promise<StepsGraph>;
  /** The decoder's self-attention layers first, then its cross-attention layers. */
  private decoder?: Promise<StepsGraph>;

  constructor(
    private readonly files: ModelFiles,
    private readonly model: Seq2SeqModel,
  ) {}

  /** The steps of each requested head, in request order; every request names its kind. */
  async run(
    sourceIds: readonly number[],
    decoderIds: readonly number[],
    requests: readonly HeadStepsRequest[],
  ): Promise<HeadSteps[]> {
    checkSeq2SeqRequests(requests, this.model);
    const { folder } = this.model;
    const found = new Map<HeadStepsRequest, HeadSteps>();
    const encoderSide = requests.filter((r) => r.kind === 'encoder');
    if (encoderSide.length > 0) {
      const graph = await this.graph('encoder');
      const feeds = makeFeeds(folder.encoder.feeds, sourceIds);
      const { heads } = folder.encoder.manifest;
      const steps = await runLayerSteps(
        graph.session,
        feeds,
        graph.layers,
        encoderSide,
        heads,
        undefined,
      );
      for (const [i, request] of encoderSide.entries()) found.set(request, steps[i]);
    }
    const decoderSide = requests.filter((r) => r.kind !== 'encoder');
    if (decoderSide.length > 0) {
      const graph = await this.graph('decoder');
      const source = await this.model.encode(sourceIds);
      const feeds = decoderFeeds(folder.decoder, source, decoderIds);
      const past = folder.decoder.feeds.find((f) => f.kind === 'emptyPast');
      const kvHeads = past?.kind === 'emptyPast' ? past.dims[1] : undefined;
      // Cross layer L is entry decoderLayers + L of the decoder's list.
      const shifted = decoderSide.map((r) => ({
        ...r,
        layer: r.kind === 'cross' ? folder.decoderLayers + r.layer : r.layer,
      }));
      const steps = await runLayerSteps(
        graph.session,
        feeds,
        graph.layers,
        shifted,
        folder.decoderHeads,
        kvHeads,
      );
      for (const [i, request] of decoderSide.entries()) {
        found.set(request, { ...steps[i], layer: request.layer });
      }
    }
    return requests.map((request) => found.get(request) as HeadSteps);
  }

  /** Frees the sessions made so far (a graph still loading is freed when it is made). */
  async release(): Promise<void> {
    const made = [this.encoder, this.decoder];
    this.encoder = undefined;
    this.decoder = undefined;
    await Promise.all(
      made.map((graph) =>
        graph?.then(
          (g) => g.session.release(),
          () => undefined,
        ),
      ),
    );
  }

  private graph(which: 'encoder' | 'decoder'): Promise<StepsGraph> {
    let graph = which === 'encoder' ? this.encoder : this.decoder;
    if (!graph) {
      graph = this.load(which);
      if (which === 'encoder') this.encoder = graph;
      else this.decoder = graph;
      // A failed load is not kept: the user may fix the folder and ask again.
      graph.catch(() => {
        if (which === 'encoder') this.encoder = undefined;
        else this.decoder = undefined;
      });
    }
    return graph;
  }

  private async load(which: 'encoder' | 'decoder'): Promise<StepsGraph> {
    const { folder } = this.model;
    const { label } = folder.encoder;
    const file = which === 'encoder' ? folder.encoder.graphFile : folder.decoder.graphFile;
    const bytes = await this.files.read(file);
    if (!bytes) throw modelError('missingFile', label, file, 'not found', 'Check the folder.');
    refuseLossyEdit(bytes, label, file);
    const { model } = decodeGraph(bytes, label, file);
    const externalData = await readExternalData(this.files, model.graph ?? {}, file);
    if (which === 'encoder') {
      const layers = exposeStepTensors(model, folder.encoder.manifest.layers, label, file);
      return { session: await createSession(encodeOnnx(model), externalData), layers };
    }
    // Classified before the edit, on the same Softmax nodes in the same order.
    const cross = crossAttentionFlags(model);
    const all = exposeStepTensors(model, 2 * folder.decoderLayers, label, file);
    const layers = [...all.filter((_, i) => !cross[i]), ...all.filter((_, i) => cross[i])];
    return { session: await createSession(encodeOnnx(model), externalData), layers };
  }
}

const LAYERS_OF: Record<AttentionKind, string> = {
  encoder: 'encoder',
  decoder: 'decoder',
  cross: 'decoder (cross-attention)',
};

/** Refuses requests an encoder-decoder cannot answer: no kind, or a head it lacks. */
export function checkSeq2SeqRequests(
  requests: readonly HeadStepsRequest[],
  model: Pick<Seq2SeqModel, 'folder'>,
): void {
  if (requests.length > MAX_STEP_HEADS) {
    throw new EngineRunError(
      `Steps were asked for ${requests.length} heads; ask for at most ${MAX_STEP_HEADS} at a time.`,
      'badInput',
    );
  }
  const { folder } = model;
  for (const { kind, layer, head } of requests) {
    if (kind === undefined) {
      throw new EngineRunError(
        `This is an encoder-decoder model: say which attention layer ${layer}, head ${head} is in, as encoder, decoder or cross (--steps enc:${layer}:${head}, dec:${layer}:${head} or cross:${layer}:${head}).`,
        'badInput',
      );
    }
    const [layers, heads] =
      kind === 'encoder'
        ? [folder.encoder.manifest.layers, folder.encoder.manifest.heads]
        : [folder.decoderLayers, folder.decoderHeads];
    const inRange = (x: number, count: number) => Number.isInteger(x) && x >= 0 && x < count;
    if (!inRange(layer, layers) || !inRange(head, heads)) {
      throw new EngineRunError(
        `There is no ${kind} layer ${layer}, head ${head}: this model's ${LAYERS_OF[kind]} has layers 0–${layers - 1} and heads 0–${heads - 1}.`,
        'badInput',
      );
    }
  }
}
