/**
 * An inspection's tensors handed to the held results: its stacks (the result's own
 * self-attention; an encoder-decoder's decoder and cross-attention too) and what stays
 * with the caller (everything else).
 */
import type { AttentionStack, HeldResult, InspectResult } from '../types';
import { withTensorWindows } from './appliedWindows';
import { HeldTensors } from './attentionSource';
import type { HeldResults, HeldStack } from './heldResults';
import type { MovesOnDemand } from './movesOnDemand';

export function holdInspection(
  held: HeldResults,
  result: InspectResult,
  /** An encoder-decoder's norms on demand, per stack (issue 24). */
  moves?: (stack: AttentionStack) => MovesOnDemand,
): HeldResult {
  const { attentions, seq2seq, ...meta } = result;
  const n = result.tokens.length;
  const stacks: HeldStack[] = [
    {
      source: new HeldTensors(
        withTensorWindows(
          {
            kind: 'encoder',
            layers: attentions.length,
            heads: result.model.heads,
            rows: n,
            cols: n,
            causal: result.model.architecture === 'decoder',
          },
          attentions,
          result.model.attention,
        ),
        attentions,
      ),
      queries: {
        ids: result.tokens.map((t) => t.id),
        skip: result.tokens.map((t) => t.start === t.end),
      },
    },
  ];
  if (!seq2seq) return held.hold(meta, stacks);
  const { decoderAttentions, crossAttentions, ...decoderMeta } = seq2seq;
  const t = seq2seq.decoderTokens.length;
  const common = { layers: seq2seq.decoderLayers, heads: seq2seq.decoderHeads, rows: t };
  stacks.push(
    {
      source: new HeldTensors(
        { ...common, kind: 'decoder', cols: t, causal: true },
        decoderAttentions,
      ),
      queries: {
        ids: seq2seq.decoderTokens.map((token) => token.id),
        skip: seq2seq.decoderTokens.map((token) => token.special),
      },
    },
    {
      source: new HeldTensors(
        { ...common, kind: 'cross', cols: n, causal: false },
        crossAttentions,
      ),
    },
  );
  if (moves) {
    for (const { source } of stacks) {
      source.moves = moves(source.stack);
      source.stack.valueNorms = true;
    }
  }
  return held.hold({ ...meta, seq2seq: decoderMeta }, stacks);
}
