/** `--steps L:H[,L:H…]` (`enc:L:H`, `dec:L:H`, `cross:L:H` for encoder-decoder models). */
import type { AttentionKind, HeadStepsRequest } from '../engine/types';

const KINDS: Record<string, AttentionKind> = { enc: 'encoder', dec: 'decoder', cross: 'cross' };

/** Parses the list; throws an Error whose message shows the expected form. */
export function parseStepsArg(text: string): HeadStepsRequest[] {
  return text.split(',').map((part) => {
    const fields = part.trim().split(':');
    const kind = fields.length === 3 ? KINDS[fields[0]] : undefined;
    const [layer, head] = fields.slice(-2).map((f) => (/^\d+$/.test(f) ? Number(f) : Number.NaN));
    if (
      (fields.length !== 2 && !kind) ||
      fields.length > 3 ||
      Number.isNaN(layer) ||
      Number.isNaN(head)
    ) {
      throw new Error(
        `--steps takes layer:head pairs such as 0:1,2:3 (enc:L:H, dec:L:H or cross:L:H for encoder-decoder models), not "${part}".`,
      );
    }
    return kind ? { kind, layer, head } : { layer, head };
  });
}
