/**
 * The texts of the scale benchmark: real source (this repository's engine, its files in name
 * order) cut so that the model sees exactly N tokens, special tokens included; and the token
 * ids the model runs, for the onnxruntime-node reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createTokenizer } from '../../src/engine/tokenize/createTokenizer';

export interface BenchText {
  tokens: number;
  text: string;
  /** The ids the model runs: the folder's template specials around the text's tokens. */
  ids: number[];
}

interface Template {
  before: number[];
  after: number[];
}

/** The source the texts are cut from, and where it comes from. */
export function engineSource(root: string): { text: string; origin: string } {
  const dir = join(root, 'src', 'engine');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .sort()
    .map((name) => join(dir, name));
  return {
    text: files.map((file) => readFileSync(file, 'utf8')).join('\n'),
    origin: `${relative(root, dir)}/**/*.ts (${files.length} files in name order, concatenated)`,
  };
}

/** The special tokens tokenizer.json's TemplateProcessing puts around a single sequence. */
function templateOf(tokenizerJson: Record<string, unknown>): Template {
  const template: Template = { before: [], after: [] };
  const find = (part: unknown): Record<string, unknown> | undefined => {
    if (!part || typeof part !== 'object') return undefined;
    const p = part as Record<string, unknown>;
    if (p.type === 'TemplateProcessing') return p;
    if (Array.isArray(p.processors)) return p.processors.map(find).find(Boolean);
    return undefined;
  };
  const processor = find(tokenizerJson.post_processor);
  if (!processor) return template;
  const specials = processor.special_tokens as Record<string, { ids: number[] }>;
  let seenSequence = false;
  for (const item of processor.single as Record<string, { id: string }>[]) {
    if (item.Sequence) seenSequence = true;
    else if (item.SpecialToken) {
      (seenSequence ? template.after : template.before).push(...specials[item.SpecialToken.id].ids);
    }
  }
  return template;
}

/** Texts of exactly `sizes` tokens each (specials included) from `source`. */
export function benchTexts(modelDir: string, source: string, sizes: number[]): BenchText[] {
  const json = JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8'));
  const tokenizer = createTokenizer(json);
  const { before, after } = templateOf(json);
  const pieces = tokenizer.tokenize(source);
  return sizes.map((tokens) => {
    const wanted = tokens - before.length - after.length;
    if (pieces.length < wanted) {
      throw new Error(`the source has ${pieces.length} tokens, fewer than ${wanted}`);
    }
    // Cut after piece k; a cut inside a word may tokenize differently, so walk k until the
    // cut text has exactly the tokens wanted.
    for (let k = wanted; k > wanted - 64 && k > 0; k--) {
      const text = source.slice(0, pieces[k - 1].end);
      const own = tokenizer.tokenize(text);
      if (own.length === wanted)
        return { tokens, text, ids: [...before, ...own.map((t) => t.id), ...after] };
    }
    throw new Error(`no prefix of the source has exactly ${wanted} tokens`);
  });
}
