/**
 * What attention moves in an encoder-decoder (issue 24), on demand like a single graph's
 * (whatMovesSession.ts): the encoder and decoder graphs each get the norm nodes
 * (graph/exposeHeadNorms.ts) in a second session, made when a view first asks for a stack's
 * norms. The encoder runs the source ids; the decoder runs the decoder ids with the
 * encoder's output, its norm layers split into self- and cross-attention the way its
 * attention outputs are (graph/decoderAttention.ts). A cross head's values are the source
 * tokens' (M = source length), its writes the decoder tokens'.
 */
import type { HeadNorms } from '../attention/headNorms';
import type { MovesOnDemand } from '../attention/movesOnDemand';
import { readExternalData } from '../folder/externalData';
import { refuseLossyEdit } from '../folder/lossyEdit';
import type { ModelFiles } from '../folder/modelFiles';
import { crossAttentionFlags } from '../graph/decoderAttention';
import { exposeHeadNorms, type HeadNormOutputs, planHeadNorms } from '../graph/exposeHeadNorms';
import { encodeOnnx } from '../graph/exposeTensors';
import { findStepTensors } from '../graph/findStepTensors';
import { inlineNoCacheBranch } from '../graph/inlineNoCacheBranch';
import { decodeGraph } from '../graph/prepareGraph';
import type { AttentionKind, AttentionStack, InspectResult } from '../types';
import { makeFeeds } from './graphFeeds';
import { createSession, type InferenceSession } from './ortRuntime';
import { normFetches, readHeadNorms } from './readHeadNorms';
import type { LogitLens } from '../attention/logitLens';
import type { LogitLensOutputs } from '../graph/logitLensGraph';
import { idleLensFeeds } from './lensRun';
import { NO_PROJECTION } from './runExtras';
import { addDecoderLens, decoderLens } from './seq2seqLens';
import { decoderFeeds, type Seq2SeqModel } from './seq2seqModel';

/** A graph's norms session: per stack its layers' norm outputs, or why it has none. */
interface NormsGraph {
  session: InferenceSession;
  stacks: Partial<Record<AttentionKind, HeadNormOutputs[] | string>>;
  /** The decoder graph's logit lens, or why it has none. */
  lens?: LogitLensOutputs | string;
}

const NO_LENS =
  'it reads the decoder’s next-token predictions: ask it at a decoder token (the encoder’s and cross-attention’s rows predict nothing)';

export class Seq2SeqWhatMoves {
  private readonly graphs = new Map<'encoder' | 'decoder', Promise<NormsGraph>>();
  private released = false;

  constructor(
    private readonly files: ModelFiles,
    private readonly model: Seq2SeqModel,
  ) {}

  /** Per stack what computes its norms when first asked, for one inspection's ids. */
  onDemand(
    stack: AttentionStack,
    sourceIds: readonly number[],
    decoderIds: readonly number[],
  ): MovesOnDemand {
    const source = [...sourceIds];
    const decoder = [...decoderIds];
    let norms: Promise<HeadNorms | string> | undefined;
    let lens: Promise<LogitLens | string> | undefined;
    return {
      norms: () => {
        norms ??= this.norms(stack, source, decoder);
        return norms;
      },
      lens: () => {
        lens ??= stack.kind === 'decoder' ? this.lens(source, decoder) : Promise.resolve(NO_LENS);
        return lens;
      },
    };
  }

  async release(): Promise<void> {
    this.released = true;
    const made = [...this.graphs.values()];
    this.graphs.clear();
    await Promise.all(made.map((g) => g.then((x) => x.session.release()).catch(() => undefined)));
  }

  private async norms(
    stack: AttentionStack,
    sourceIds: number[],
    decoderIds: number[],
  ): Promise<HeadNorms | string> {
    if (this.released) {
      return 'the model of this result was unloaded to make room for another: run the inspection again';
    }
    const which = stack.kind === 'encoder' ? 'encoder' : 'decoder';
    const graph = await this.graph(which);
    const layers = graph.stacks[stack.kind];
    if (typeof layers !== 'object') return layers ?? NO_PROJECTION;
    const { folder } = this.model;
    const feeds =
      which === 'encoder'
        ? makeFeeds(folder.encoder.feeds, sourceIds)
        : decoderFeeds(folder.decoder, await this.model.encode(sourceIds), decoderIds);
    if (typeof graph.lens === 'object') {
      Object.assign(feeds, idleLensFeeds(graph.lens, folder.encoder.manifest.hiddenSize));
    }
    const outputs = await graph.session.run(feeds, normFetches(layers));
    return readHeadNorms(outputs, layers, stack);
  }

  /** The decoder's logit lens over `decoderIds` (seq2seqLens.ts). */
  private async lens(sourceIds: number[], decoderIds: number[]): Promise<LogitLens | string> {
    if (this.released) {
      return 'the model of this result was unloaded to make room for another: run the inspection again';
    }
    const { session, lens } = await this.graph('decoder');
    if (typeof lens !== 'object') return lens ?? NO_PROJECTION;
    const { folder, info, tokenizer } = this.model;
    const encoded = await this.model.encode(sourceIds);
    return decoderLens({
      session,
      lens,
      feeds: decoderFeeds(folder.decoder, encoded, decoderIds),
      standIn: decoderFeeds(folder.decoder, encoded, decoderIds.slice(0, 1)),
      positions: decoderIds.length,
      hidden: folder.encoder.manifest.hiddenSize,
      vocab: info.vocabSize,
      spell: (id) => tokenizer.idToToken(id) ?? `<${id}>`,
    });
  }

  private graph(which: 'encoder' | 'decoder'): Promise<NormsGraph> {
    let graph = this.graphs.get(which);
    if (!graph) {
      graph = this.load(which);
      this.graphs.set(which, graph);
      const loading = graph;
      loading.catch(() => {
        if (this.graphs.get(which) === loading) this.graphs.delete(which);
      });
    }
    return graph;
  }

  private async load(which: 'encoder' | 'decoder'): Promise<NormsGraph> {
    const { folder } = this.model;
    const { label } = folder.encoder;
    const file = which === 'encoder' ? folder.encoder.graphFile : folder.decoder.graphFile;
    const bytes = await this.files.read(file);
    if (!bytes) throw new Error(`${file} is no longer in ${label}`);
    refuseLossyEdit(bytes, label, file);
    const { model } = decodeGraph(bytes, label, file);
    const graph = model.graph ?? {};
    const externalData = await readExternalData(this.files, graph, file);
    const expected =
      which === 'encoder' ? folder.encoder.manifest.layers : 2 * folder.decoderLayers;
    // A merged decoder (Transformers.js folders) is run as its no-cache branch.
    if (which === 'decoder') inlineNoCacheBranch(model, `${label}: ${file}`);
    // Classified before the edit, on the same Softmax nodes in the same order.
    const cross = which === 'decoder' ? crossAttentionFlags(model) : [];
    const steps = findStepTensors(graph);
    const plans = steps.length === expected ? planHeadNorms(graph, steps) : undefined;
    const outputs = plans ? exposeHeadNorms(model, plans, externalData) : undefined;
    const lens =
      which === 'decoder'
        ? addDecoderLens(model, plans, cross, folder.decoder.logitsOutput)
        : undefined;
    const session = await createSession(encodeOnnx(model), externalData, file);
    if (!outputs) {
      const why = `${NO_PROJECTION} (${file})`;
      return {
        session,
        stacks: { encoder: why, decoder: why, cross: why },
        ...(lens ? { lens } : {}),
      };
    }
    if (which === 'encoder') return { session, stacks: { encoder: outputs } };
    return {
      session,
      stacks: {
        decoder: outputs.filter((_, i) => !cross[i]),
        cross: outputs.filter((_, i) => cross[i]),
      },
      ...(lens ? { lens } : {}),
    };
  }
}

/**
 * What computes each stack's norms of an encoder-decoder's result when first asked; undefined
 * for a model offered none (a single graph's source carries its own, whatMovesSession.ts).
 */
export function seq2seqMoves(
  model: { whatMoves?: unknown },
  result: InspectResult,
): ((stack: AttentionStack) => MovesOnDemand) | undefined {
  const moves = model.whatMoves;
  if (!(moves instanceof Seq2SeqWhatMoves) || !result.seq2seq) return undefined;
  const sourceIds = result.tokens.map((t) => t.id);
  const decoderIds = result.seq2seq.decoderTokens.map((t) => t.id);
  return (stack) => moves.onDemand(stack, sourceIds, decoderIds);
}
