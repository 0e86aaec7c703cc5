/** Opening a model folder as the engine runs it: one graph with its attention recomputed, or an encoder-decoder. */
import { loadModelFolder } from '../folder/loadModelFolder';
import { type ModelFiles, withListCache } from '../folder/modelFiles';
import type { GraphVariant } from '../folder/onnxGraphFiles';
import { isSeq2SeqFolder } from '../folder/seq2seqFolder';
import type { Surface } from '../surface';
import { type LoadedModel, loadSingleGraphModel, tokenizerOf } from './loadedModel';
import { loadSeq2SeqModel } from './loadSeq2SeqModel';
import type { Seq2SeqModel } from './seq2seqModel';
import { WhatMovesSession } from './whatMovesSession';
import { Seq2SeqWhatMoves } from './seq2seqWhatMoves';

/** What an engine loads into every graph beyond attention. */
export interface LoadChoices {
  /** Value norms and the logit lens (issue 24), computed when asked for. */
  whatMoves: boolean;
}

/**
 * How the inspection's graph is loaded: attention recomputed, and never the norms and lens
 * (issue 24: a second session computes them when a view asks, whatMovesSession.ts).
 */
export const INSPECTION_LOAD = { recompute: true, whatMoves: false } as const;

export async function loadAnyModel(
  files: ModelFiles,
  modelDir: string,
  surface: Surface,
  variant?: GraphVariant,
  choices: LoadChoices = { whatMoves: true },
): Promise<LoadedModel | Seq2SeqModel> {
  const listed = withListCache(files);
  if (await isSeq2SeqFolder(listed)) {
    const model = await loadSeq2SeqModel(listed, modelDir, tokenizerOf, variant);
    if (choices.whatMoves) model.whatMoves = new Seq2SeqWhatMoves(listed, model);
    return model;
  }
  const folder = await loadModelFolder(listed, {
    ...INSPECTION_LOAD,
    heldValues: choices.whatMoves,
    ...(variant ? { variant } : {}),
  });
  if (typeof folder.heldValues === 'string')
    folder.notes.push(secondSessionNote(folder.heldValues));
  const model = await loadSingleGraphModel(folder, modelDir, surface);
  // Kept whole (a merged decoder's If) too: the norms session edits its own copy of the graph.
  if (choices.whatMoves) model.whatMoves = new WhatMovesSession(listed, variant);
  return model;
}

/** Why value-weighted attention waits for a second session on this model (issue 24). */
function secondSessionNote(why: string): string {
  return `Value-weighted attention and head writes are computed by a second session over this model the first time they are asked for (a forward pass more), since its values cannot be held with the attention: ${why}.`;
}

/**
 * A model whose attention the engine cannot recompute (`why`), loaded so that its runs return
 * every layer's probabilities (bounded by memory, as before issue 22).
 */
export async function loadKeptWhole(
  files: ModelFiles,
  modelDir: string,
  surface: Surface,
  variant: GraphVariant | undefined,
  why: string,
): Promise<LoadedModel> {
  const listed = withListCache(files);
  const folder = await loadModelFolder(listed, variant ? { variant } : {});
  folder.notes.push(
    `Attention is kept whole for this model (${why}): long texts are bounded by memory.`,
  );
  const model = await loadSingleGraphModel(folder, modelDir, surface);
  // Its norms and lens come from the graph's own P·V and residual stream, not the recomputation.
  model.whatMoves = new WhatMovesSession(listed, variant);
  return model;
}
