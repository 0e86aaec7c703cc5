/**
 * The special tokens a model's own tokenizer adds around one text: `tokenizer.json`'s
 * `post_processor` (what Hugging Face tokenizers run for `add_special_tokens=True`), plus
 * `add_bos_token` / `add_eos_token` from `tokenizer_config.json` where the template lacks
 * them (the slow tokenizers of Llama-style models add them that way).
 */
import { POST_PROCESSORS } from '../tokenize/parts/postProcessors';
import type { SpecialTokenPolicy } from './manifest';

interface Processor {
  type?: unknown;
  [key: string]: unknown;
}

/** The policy, or an Error naming what could not be read. */
export function specialTokensOf(
  tokenizerJson: Record<string, unknown>,
  tokenizerConfig: Record<string, unknown> = {},
): SpecialTokenPolicy {
  const policy = fromProcessor(tokenizerJson.post_processor as Processor | null | undefined);
  const bos = tokenName(tokenizerConfig.bos_token);
  const eos = tokenName(tokenizerConfig.eos_token);
  if (tokenizerConfig.add_bos_token === true && bos && !policy.prepend.includes(bos)) {
    policy.prepend.unshift(bos);
  }
  if (tokenizerConfig.add_eos_token === true && eos && !policy.append.includes(eos)) {
    policy.append.push(eos);
  }
  return policy;
}

function fromProcessor(processor: Processor | null | undefined): SpecialTokenPolicy {
  if (!processor) return { prepend: [], append: [] };
  switch (processor.type) {
    case 'ByteLevel':
      return { prepend: [], append: [] };
    case 'BertProcessing':
    case 'RobertaProcessing':
      return {
        prepend: [pairName(processor.cls, 'cls')],
        append: [pairName(processor.sep, 'sep')],
      };
    case 'TemplateProcessing':
      return fromTemplate(processor);
    case 'Sequence': {
      // Each processor wraps what the ones before it produced.
      const policy: SpecialTokenPolicy = { prepend: [], append: [] };
      for (const inner of (processor.processors as Processor[] | undefined) ?? []) {
        const next = fromProcessor(inner);
        policy.prepend = [...next.prepend, ...policy.prepend];
        policy.append = [...policy.append, ...next.append];
      }
      return policy;
    }
    default:
      throw new Error(
        `has a post_processor of type ${JSON.stringify(processor.type)}; supported: ${POST_PROCESSORS.join(', ')}`,
      );
  }
}

interface TemplatePiece {
  SpecialToken?: { id: string };
  Sequence?: { id: string };
}

function fromTemplate(processor: Processor): SpecialTokenPolicy {
  const single = processor.single as TemplatePiece[] | undefined;
  if (!Array.isArray(single))
    throw new Error('has a TemplateProcessing post_processor without "single"');
  const specials = (processor.special_tokens ?? {}) as Record<string, { tokens?: string[] }>;
  const policy: SpecialTokenPolicy = { prepend: [], append: [] };
  let seenSequence = false;
  for (const piece of single) {
    if (piece.Sequence) {
      seenSequence = true;
      continue;
    }
    const id = piece.SpecialToken?.id;
    if (typeof id !== 'string')
      throw new Error('has a TemplateProcessing piece that is neither SpecialToken nor Sequence');
    // A template's special token names one or more vocabulary tokens.
    const tokens =
      Object.hasOwn(specials, id) && Array.isArray(specials[id].tokens)
        ? specials[id].tokens
        : [id];
    (seenSequence ? policy.append : policy.prepend).push(...tokens);
  }
  return policy;
}

function pairName(pair: unknown, field: string): string {
  if (Array.isArray(pair) && typeof pair[0] === 'string') return pair[0];
  throw new Error(`has a post_processor whose "${field}" is not a [token, id] pair`);
}

/** `"<s>"` or `{ "content": "<s>", … }` (an AddedToken) → `<s>`. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { content?: unknown }).content === 'string'
  ) {
    return (value as { content: string }).content;
  }
  return undefined;
}
