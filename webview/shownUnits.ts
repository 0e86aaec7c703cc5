/**
 * The rows and columns of the attention a result's views show (resultStore.ts): its query and
 * key tokens as display units with labels, cached until the result or the kind on show
 * changes. Word level and hidden specials apply to the encoder's (the source's) alone; the
 * decoder's tokens have no characters in the editor, and cross-attention's columns are the
 * source's tokens one by one.
 */
import type { Token } from '../src/engine/types';
import type { UnitOptions } from '../src/shared/displayUnits';
import type { AttentionKind, ResultMeta } from '../src/protocol/webview';
import { targetTokens } from './targetTokens';
import { labelledUnits, type Units } from './units';

const TOKEN_LEVEL: UnitOptions = { wordLevel: false, hideSpecial: false };

export class ShownUnits {
  private rows: { key: string; units: Units } | null = null;
  private columns: Units | null = null;

  /** `shown`: the result and the kind of attention on show now. */
  constructor(private readonly shown: () => { meta: ResultMeta | null; kind: AttentionKind }) {}

  /** Forgets the units: the result or the kind on show changed. */
  forget(): void {
    this.rows = null;
    this.columns = null;
  }

  /** The shown attention's query tokens: the source, or the decoder's (no source offsets). */
  rowTokens(): readonly Token[] {
    const { meta, kind } = this.shown();
    if (kind === 'encoder' || !meta?.seq2seq) return meta?.tokens ?? [];
    return targetTokens(meta.seq2seq.decoderTokens);
  }

  /** The view's rows for `options` (query units; for the decoder side, one per token). */
  units(options: UnitOptions): Units {
    const { meta, kind } = this.shown();
    const applied = kind === 'encoder' ? options : TOKEN_LEVEL;
    const key = `${applied.wordLevel}/${applied.hideSpecial}`;
    if (this.rows?.key !== key) {
      const text = kind === 'encoder' ? (meta?.text ?? '') : '';
      this.rows = { key, units: labelledUnits(this.rowTokens(), text, applied) };
    }
    return this.rows.units;
  }

  /** The view's columns (key units): the rows' units but for cross-attention (source tokens). */
  keyUnits(options: UnitOptions): Units {
    const { meta, kind } = this.shown();
    if (kind !== 'cross') return this.units(options);
    this.columns ??= labelledUnits(meta?.tokens ?? [], meta?.text ?? '', TOKEN_LEVEL);
    return this.columns;
  }
}
