/**
 * What a result says besides its attention: tokens, model, timings, the decoder side's
 * tokens. Both a full `InspectResult` (the CLI's) and a `HeldResult` (whose attention the
 * engine keeps, issue 22) are one, so logs, status and messages take either.
 */
import type { InspectResult, Seq2SeqResult } from '../engine/types';

export type ResultInfo = Omit<InspectResult, 'attentions' | 'seq2seq'> & {
  seq2seq?: Omit<Seq2SeqResult, 'decoderAttentions' | 'crossAttentions'>;
};
