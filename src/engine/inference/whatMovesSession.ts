/**
 * What attention moves, on demand (issue 24, item 5): the value norms, head writes and the
 * logit lens come from a second session over the same model whose graph carries the norm
 * and lens nodes (graph/exposeHeadNorms.ts, graph/logitLensGraph.ts). It is created the
 * first time a view asks for any of them and runs over the held result's ids; the session
 * that draws attention carries none of them, so an inspection nobody asks this of pays
 * nothing for it (docs/decisions.md, "What attention moves, on demand").
 */
import type { AttentionSource } from '../attention/attentionSource';
import type { HeadNorms } from '../attention/headNorms';
import type { LogitLens } from '../attention/logitLens';
import type { MovesOnDemand } from '../attention/movesOnDemand';
import { type LoadedModelFolder, loadModelFolder } from '../folder/loadModelFolder';
import { EngineRunError } from '../errors';
import { enterStage } from '../stage';
import type { ModelFiles } from '../folder/modelFiles';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import type { AttentionStack } from '../types';
import { makeFeeds } from './graphFeeds';
import { createSession, type InferenceSession, Tensor } from './ortRuntime';
import { addExtras, lensOfOutputs, NO_PROJECTION, normsOfRun } from './runExtras';

type Folder = Pick<LoadedModelFolder, 'normOutputs' | 'lensOutputs' | 'manifest' | 'feeds'> & {
  predictionOutputs?: LoadedModelFolder['predictionOutputs'];
};

interface Loaded {
  folder: Folder;
  session: InferenceSession;
}

export class WhatMovesSession {
  private loading: Promise<Loaded> | undefined;
  private released = false;

  constructor(
    /** The model's folder, opened again when the session is first needed. */
    private readonly files: ModelFiles,
    private readonly variant?: GraphVariant,
  ) {}

  /** What `source` (a run over `ids`) computes its norms and lens with when first asked. */
  onDemand(
    ids: readonly number[],
    stack: AttentionStack,
    spell: (id: number) => string,
  ): MovesOnDemand {
    const kept = [...ids];
    let norms: Promise<HeadNorms | string> | undefined;
    let lens: Promise<LogitLens | string> | undefined;
    return {
      norms: () => {
        norms ??= this.run(kept, stack, spell, false).then((r) => r.norms);
        return norms;
      },
      lens: () => {
        lens ??= this.run(kept, stack, spell, true).then((r) => {
          norms ??= Promise.resolve(r.norms);
          return r.lens as LogitLens | string;
        });
        return lens;
      },
    };
  }

  /** Attaches `onDemand` to a source. */
  attach(source: AttentionSource, ids: readonly number[], spell: (id: number) => string): void {
    source.moves = this.onDemand(ids, source.stack, spell);
  }

  /**
   * Attaches `onDemand` to the source of a run that kept its attention whole (issue 24: a
   * merged decoder, a model the recomputation cannot follow); `found`: the load planned
   * every layer's output projection (graph/normsPlannable.ts), else the source says why not.
   */
  attachKeptWhole(
    source: AttentionSource,
    ids: readonly number[],
    spell: (id: number) => string,
    found: boolean,
  ): void {
    source.stack.valueNorms = found ? true : NO_PROJECTION;
    this.attach(source, ids, spell);
    if (!found) source.norms = NO_PROJECTION;
  }

  /** Frees the session (with its model); later questions are refused. */
  async release(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    this.released = true;
    if (loading) await (await loading.catch(() => undefined))?.session.release();
  }

  private load(): Promise<Loaded> {
    if (this.released) {
      throw new EngineRunError(
        'The model of this result was unloaded to make room for another: run the inspection again to see what its attention moves.',
        'released',
      );
    }
    this.loading ??= (async () => {
      enterStage({
        label: `${this.files.label}: adding value norms and the logit lens`,
        kind: 'load',
      });
      const folder = await loadModelFolder(this.files, {
        recompute: true,
        whatMoves: true,
        noCacheBranch: true,
        ...(this.variant ? { variant: this.variant } : {}),
      });
      const session = await createSession(folder.onnxBytes, folder.externalData, folder.graphFile);
      const { onnxBytes: _graph, externalData: _weights, ...kept } = folder;
      return { folder: kept, session };
    })();
    const loading = this.loading;
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  /** One run over `ids`: the norms, and with `streams` the lens. */
  private async run(
    ids: readonly number[],
    stack: AttentionStack,
    spell: (id: number) => string,
    streams: boolean,
  ): Promise<{ norms: HeadNorms | string; lens?: LogitLens | string }> {
    const { folder, session } = await this.load();
    const feeds = feedsOf(folder, ids);
    const fetches: string[] = [];
    addExtras(folder, feeds, fetches, streams);
    const outputs = fetches.length > 0 ? await session.run(feeds, fetches) : {};
    const norms = normsOfRun(outputs, folder, stack);
    if (!streams) return { norms };
    const lensRun = { session, feeds: feedsOf(folder, ids.slice(0, 1)) };
    return { norms, lens: lensOfOutputs(outputs, folder, stack, lensRun, spell) };
  }
}

/** The model's feeds for `ids`, with the predictions' k when the graph takes one. */
function feedsOf(folder: Folder, ids: readonly number[]): Record<string, Tensor> {
  const feeds = makeFeeds(folder.feeds, ids);
  const k = folder.predictionOutputs?.k;
  if (k) feeds[k] = new Tensor('int64', BigInt64Array.of(1n), [1]);
  return feeds;
}
